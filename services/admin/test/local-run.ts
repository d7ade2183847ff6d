import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type ManagedProcess, startProcess } from '@wdt-k3/testkit';

const MAIN = fileURLToPath(new URL('../../local-run/src/main.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export interface LocalRunHandle {
  readonly process: ManagedProcess;
  readonly consoleUrl: string;
  readonly adminUrl: string;
  readonly wdtUrl: string;
  readonly k3Url: string;
  readonly fullToken: string;
  readonly readToken: string;
  /** Ctrl-C, as a person stops it; resolves once every child has gone. */
  stop(): Promise<void>;
}

const field = (line: string, at: number): string => line.trim().split(/\s+/)[at] ?? '';

/**
 * The README's run command as a newcomer runs it (the local run: both simulators, extractor,
 * loaders, ledger, admin, an embedded Redis and PostgreSQL), read from what it prints: the
 * console URL and the token files it names. Waits until every order is settled.
 */
export async function startLocalRun(args: readonly string[]): Promise<LocalRunHandle> {
  const run = startProcess(process.execPath, [MAIN, ...args], {
    name: 'local-run',
    cwd: ROOT,
    env: { REDIS_URL: '', DATABASE_URL: '' },
  });
  try {
    const consoleLine = await run.waitForLine(/^ {2}console {6}http/, 180_000);
    const wdtUrl = field(await run.waitForLine(/^ {2}wdt-sim {6}http/), 1);
    const k3Url = field(await run.waitForLine(/^ {2}k3cloud-sim {2}http/), 1);
    const consoleUrl = field(consoleLine, 1);
    const tokenPath = /sign in with the token in (\S+);/.exec(consoleLine)?.[1];
    const readPath = /read-only: (\S+)\)/.exec(consoleLine)?.[1];
    if (tokenPath === undefined || readPath === undefined)
      throw new Error(`no token files in: ${consoleLine}`);
    const read = (path: string) => readFileSync(new URL(path, `file://${ROOT}`), 'utf8').trim();
    await run.waitForLine(/^ {2}reconciled: every order/, 240_000);
    return {
      process: run,
      consoleUrl,
      adminUrl: consoleUrl.replace(/\/console$/, ''),
      wdtUrl,
      k3Url,
      fullToken: read(tokenPath),
      readToken: read(readPath),
      stop: async () => {
        run.signal('SIGINT');
        await run.exited;
      },
    };
  } catch (err) {
    await run.stop(20_000);
    throw err;
  }
}
