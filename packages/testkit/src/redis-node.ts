import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis, type RedisOptions } from 'ioredis';
import { findFreePort } from './free-port.ts';
import { type ManagedProcess, startProcess } from './process.ts';
import type { TestCertificates } from './tls-certs.ts';

/**
 * One redis-server (or sentinel) of a multi-node fixture: its own port, data dir and config
 * file. Unlike the single-server fixture its settings live in a file, because Sentinel and
 * Cluster rewrite it (a promoted replica forgets `replicaof`, a node keeps its cluster id), and a
 * restart must come back as what the node has become, not what it was at first.
 */
export interface RedisNodeHandle {
  /** `node-0`, `sentinel-1`: how tests and failure messages name it. */
  readonly name: string;
  readonly host: string;
  readonly port: number;
  /** `redis://127.0.0.1:<port>` (no credentials). */
  readonly url: string;
  readonly running: boolean;
  /** Process id while running (its process group has the same id). */
  readonly pid: number | null;
  /** Every pid this node ever ran as, for leak checks. */
  readonly pids: readonly number[];
  /** SHUTDOWN (persistence flushed). */
  stop(): Promise<void>;
  /** SIGKILL to the node's process group, as a crash or an OOM kill would. */
  kill(): Promise<void>;
  /** Starts again on the same port, data dir and (possibly rewritten) config file. */
  start(): Promise<void>;
  restart(mode?: 'graceful' | 'kill'): Promise<void>;
  /** A short-lived client to this node (with the node's password). */
  client(): Redis;
}

export interface FailoverResult {
  /** The node that was killed (the master before). */
  readonly killed: RedisNodeHandle;
  /** The node the sentinels promoted. */
  readonly promoted: RedisNodeHandle;
  /** When the kill was sent (epoch ms), for pause measurements. */
  readonly killedAt: number;
}

export interface RedisNodeSpec {
  readonly name: string;
  /** Config file lines; `port`, `bind`, `dir` are added. */
  readonly config: readonly string[];
  readonly sentinel?: boolean;
  /** Password clients need for this node (requirepass). */
  readonly password?: string;
  /** Extra free port this node needs (Cluster bus), chosen together with its own. */
  readonly withBusPort?: boolean;
  /** Lines a process prints once it serves clients. */
  readonly ready?: RegExp;
  /** Serve TLS only (its port is the TLS port; no plain port). */
  readonly tls?: TestCertificates;
}

export interface RedisNodeInternals {
  readonly handle: RedisNodeHandle;
  readonly busPort: number | null;
  readonly dir: string;
  /** Removes the data dir (after the process is gone). */
  removeDir(): Promise<void>;
}

function dataRoot(): string {
  return existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
}

const OWNER_FILE = 'owner.pid';

/**
 * A data root for one multi-node fixture, named `wdtk3-<kind>-…` and marked with the test
 * process's pid. Processes die with their parent (pdeathsig), but a killed test process cannot
 * delete its dirs, and on /dev/shm they hold memory: roots of this kind whose owner is gone are
 * removed here first.
 */
export async function makeFixtureRoot(kind: string): Promise<string> {
  const base = dataRoot();
  for (const entry of await readdir(base).catch(() => [] as string[])) {
    if (!entry.startsWith(`wdtk3-${kind}-`)) continue;
    const owner = Number(await readFile(join(base, entry, OWNER_FILE), 'utf8').catch(() => 'NaN'));
    if (Number.isInteger(owner) && owner > 0 && !processAlive(owner))
      await rm(join(base, entry), { recursive: true, force: true });
  }
  const root = await mkdtemp(join(base, `wdtk3-${kind}-`));
  await writeFile(join(root, OWNER_FILE), String(process.pid));
  return root;
}

/**
 * `setpriv --pdeathsig KILL` makes the kernel SIGKILL the server when the process that spawned it
 * dies, even by SIGKILL (a crashed or killed vitest worker runs no afterAll and no exit handler).
 * util-linux ships it on Debian; without it, afterAll and the exit hook still clean up.
 */
const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'].find((path) => existsSync(path));

const live = new Set<ManagedProcess>();
process.once('exit', () => {
  for (const proc of live) killGroup(proc);
});

function killGroup(proc: ManagedProcess): void {
  if (proc.hasExited) return;
  try {
    // The node runs in its own process group: this also ends an AOF-rewrite or RDB child.
    process.kill(-proc.pid, 'SIGKILL');
  } catch {
    proc.signal('SIGKILL');
  }
}

/** How a test client reaches a node: its password, and the CA when it serves TLS. */
function nodeClientOptions(
  spec: Pick<RedisNodeSpec, 'password' | 'tls'>,
): Pick<RedisOptions, 'password' | 'tls'> {
  return {
    ...(spec.password === undefined ? {} : { password: spec.password }),
    ...(spec.tls === undefined ? {} : { tls: { ca: readFileSync(spec.tls.caFile) } }),
  };
}

async function pingNode(port: number, spec: Pick<RedisNodeSpec, 'password' | 'tls'>): Promise<void> {
  const client = new Redis({
    host: '127.0.0.1',
    port,
    ...nodeClientOptions(spec),
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.ping();
  } finally {
    client.disconnect();
  }
}

/** Starts one node on a free port (retrying when another process takes the port first). */
export async function startRedisNode(spec: RedisNodeSpec, parentDir?: string): Promise<RedisNodeInternals> {
  const dir =
    parentDir === undefined
      ? await mkdtemp(join(dataRoot(), `wdtk3-${spec.name}-`))
      : await mkdtemp(join(parentDir, `${spec.name}-`));
  const configFile = join(dir, spec.sentinel === true ? 'sentinel.conf' : 'redis.conf');
  let port = 0;
  let busPort: number | null = null;
  let proc: ManagedProcess | undefined;
  const pids: number[] = [];

  const launch = async (): Promise<void> => {
    const command =
      spec.sentinel === true ? ['redis-server', configFile, '--sentinel'] : ['redis-server', configFile];
    const [file, ...args] =
      SETPRIV === undefined ? command : [SETPRIV, '--pdeathsig', 'KILL', '--', ...command];
    const child = startProcess(file as string, args, {
      name: `${spec.name}:${port}`,
      detached: true,
      maxLines: 500,
    });
    live.add(child);
    void child.exited.then(() => live.delete(child));
    pids.push(child.pid);
    try {
      await child.waitForLine(spec.ready ?? /Ready to accept connections|Sentinel ID is/, 15_000);
    } catch (err) {
      killGroup(child);
      await child.exited;
      throw err;
    }
    proc = child;
  };

  for (let attempt = 0; ; attempt += 1) {
    port = await findFreePort();
    busPort = spec.withBusPort === true ? await findFreePort() : null;
    const lines = [
      ...(spec.tls === undefined
        ? [`port ${port}`]
        : [
            'port 0',
            `tls-port ${port}`,
            `tls-cert-file ${spec.tls.certFile}`,
            `tls-key-file ${spec.tls.keyFile}`,
            `tls-ca-cert-file ${spec.tls.caFile}`,
            'tls-auth-clients no',
          ]),
      'bind 127.0.0.1',
      `dir ${dir}`,
      'protected-mode no',
      'logfile ""',
      ...(busPort === null ? [] : [`cluster-port ${busPort}`]),
      ...spec.config,
    ];
    await writeFile(configFile, `${lines.join('\n')}\n`);
    try {
      await launch();
      break;
    } catch (err) {
      if (attempt >= 4) {
        await rm(dir, { recursive: true, force: true });
        throw err;
      }
    }
  }

  const kill = async (): Promise<void> => {
    if (proc === undefined || proc.hasExited) return;
    killGroup(proc);
    await proc.exited;
  };
  const stop = async (): Promise<void> => {
    if (proc === undefined || proc.hasExited) return;
    const running = proc;
    const client = handle.client();
    try {
      await client.shutdown('SAVE').catch(() => undefined);
    } finally {
      client.disconnect();
    }
    const timer = setTimeout(() => killGroup(running), 10_000);
    await running.exited;
    clearTimeout(timer);
  };
  const start = async (): Promise<void> => {
    if (proc !== undefined && !proc.hasExited) return;
    await launch();
    await pingNode(port, spec);
  };
  const handle: RedisNodeHandle = {
    name: spec.name,
    host: '127.0.0.1',
    get port() {
      return port;
    },
    get url() {
      return `redis://127.0.0.1:${port}`;
    },
    get running() {
      return proc !== undefined && !proc.hasExited;
    },
    get pid() {
      return proc !== undefined && !proc.hasExited ? proc.pid : null;
    },
    pids,
    stop,
    kill,
    start,
    restart: async (mode = 'graceful') => {
      await (mode === 'kill' ? kill() : stop());
      await start();
    },
    client: () => {
      const client = new Redis({
        host: '127.0.0.1',
        port,
        maxRetriesPerRequest: 0,
        enableOfflineQueue: true,
        retryStrategy: () => null,
        ...nodeClientOptions(spec),
      });
      client.on('error', () => undefined);
      return client;
    },
  };
  return {
    handle,
    get busPort() {
      return busPort;
    },
    dir,
    removeDir: () => rm(dir, { recursive: true, force: true }),
  };
}

export type InfoFields = Record<string, string>;

/** The `field:value` lines of an INFO (or CLUSTER INFO) answer. */
export function parseInfo(text: string): InfoFields {
  const fields: InfoFields = {};
  for (const line of text.split(/\r?\n/)) {
    const at = line.indexOf(':');
    if (at > 0 && !line.startsWith('#')) fields[line.slice(0, at)] = line.slice(at + 1).trim();
  }
  return fields;
}

/** Runs `fn` with a short-lived client of `node`, always disconnecting it. */
export async function withNodeClient<T>(
  node: RedisNodeHandle,
  fn: (client: Redis) => Promise<T>,
): Promise<T> {
  const client = node.client();
  try {
    return await fn(client);
  } finally {
    client.disconnect();
  }
}

/**
 * True while a process with this pid runs (leak checks after dispose). A zombie — killed, not yet
 * reaped by whoever inherited it — answers `kill -0` too, but runs nothing and holds no port.
 */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // /proc/<pid>/stat: "pid (comm) state …"; the comm may contain spaces, the state follows ")".
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}
