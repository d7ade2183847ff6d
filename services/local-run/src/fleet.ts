import { createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ManagedProcess, startProcess } from '@wdt-k3/testkit';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** V8 flag every service runs with, as the image sets it (Dockerfile `NODE_OPTIONS`). */
const SERVICE_NODE_FLAG = '--max-semi-space-size=8';
/**
 * And the busy two's NODE_OPTIONS when `WORKER_NODE_OPTIONS` is set, as compose passes it (README
 * "Memory"). An env given to `start` with its own NODE_OPTIONS wins.
 */
const WORKERS = new Set(['extractor', 'loader']);

export interface FleetMember {
  readonly name: string;
  readonly proc: ManagedProcess;
}

/**
 * The service processes of a local run. Each writes its log to `<runDir>/<name>.log`; each runs
 * in its own process group, so a Ctrl-C reaches only the local run, which stops them in order
 * (extractor first, loaders drain their batches, then admin and the simulators).
 */
export class Fleet {
  readonly #runDir: string;
  readonly #members: FleetMember[] = [];
  readonly #logs: WriteStream[] = [];

  constructor(runDir: string) {
    this.#runDir = runDir;
  }

  get members(): readonly FleetMember[] {
    return this.#members;
  }

  /** Starts `services/<service>/src/main.ts` as `name` and waits for its ready line. */
  async start(
    name: string,
    service: string,
    env: Record<string, string>,
    ready: RegExp,
  ): Promise<ManagedProcess> {
    const log = createWriteStream(join(this.#runDir, `${name}.log`), { flags: 'a' });
    this.#logs.push(log);
    // The image's NODE_OPTIONS (Dockerfile): the local run measures what a deployment runs.
    const args = [SERVICE_NODE_FLAG, join(REPO_ROOT, 'services', service, 'src', 'main.ts')];
    const workerOptions = process.env.WORKER_NODE_OPTIONS;
    const nodeOptions =
      WORKERS.has(service) && workerOptions !== undefined ? { NODE_OPTIONS: workerOptions } : {};
    const proc = startProcess(process.execPath, args, {
      name,
      env: { ...nodeOptions, ...env },
      cwd: REPO_ROOT,
      detached: true,
      maxLines: 200,
      onLine: (line) => log.write(`${line}\n`),
    });
    this.#members.push({ name, proc });
    await proc.waitForLine(ready, 60_000);
    return proc;
  }

  /** SIGTERM in the given order of names (the rest after), each up to `graceMs`, then SIGKILL. */
  async stop(order: readonly string[], graceMs: number): Promise<void> {
    const rank = (member: FleetMember): number => {
      const index = order.findIndex((prefix) => member.name.startsWith(prefix));
      return index === -1 ? order.length : index;
    };
    const groups = new Map<number, FleetMember[]>();
    for (const member of this.#members)
      groups.set(rank(member), [...(groups.get(rank(member)) ?? []), member]);
    for (const key of [...groups.keys()].sort((a, b) => a - b)) {
      await Promise.all((groups.get(key) ?? []).map((member) => member.proc.stop(graceMs)));
    }
    await Promise.all(this.#logs.map((log) => new Promise<void>((resolve) => log.end(resolve))));
  }

  kill(): void {
    for (const member of this.#members) member.proc.signal('SIGKILL');
  }
}
