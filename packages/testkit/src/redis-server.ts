import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { findFreePort } from './free-port.ts';
import { type ManagedProcess, startProcess } from './process.ts';

export interface RedisServerOptions {
  /** AOF persistence (default true), so a kill -9 / restart keeps every acknowledged write. */
  readonly appendOnly?: boolean;
}

export interface RedisServerHandle {
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** True when the server is the one named by REDIS_URL: it cannot be stopped or restarted here. */
  readonly external: boolean;
  readonly running: boolean;
  /** Graceful SHUTDOWN (the AOF is flushed). */
  stop(): Promise<void>;
  /** SIGKILL, as a crash or an OOM kill would. */
  kill(): Promise<void>;
  /** Starts the server again on the same port and data dir. */
  start(): Promise<void>;
  restart(mode?: 'graceful' | 'kill'): Promise<void>;
  /** kill -9, delete every file of the data dir, start again: Redis back with nothing in it. */
  restartEmpty(): Promise<void>;
  flushAll(): Promise<void>;
  /** Stops the server and deletes its data dir. */
  dispose(): Promise<void>;
}

/**
 * Data dirs go to /dev/shm when it exists: with `appendfsync always` every write is fsynced, and
 * on tmpfs that costs nothing, so tests get crash-proof persistence at full speed.
 */
function dataRoot(): string {
  return existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
}

async function ping(url: string): Promise<void> {
  const client = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  try {
    await client.connect();
    await client.ping();
  } finally {
    client.disconnect();
  }
}

/** Spawns a private `redis-server` on a free port, or wraps REDIS_URL when it is set. */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServerHandle> {
  const external = process.env.REDIS_URL;
  if (external !== undefined && external !== '') return externalServer(external);
  if (process.env.REDIS_FIXTURE === 'testcontainers') return startContainerServer(options);
  const dir = await mkdtemp(join(dataRoot(), 'wdtk3-redis-'));
  const appendOnly = options.appendOnly ?? true;
  let port = 0;
  let child: ManagedProcess | undefined;

  const launch = async (): Promise<void> => {
    const args = [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--save',
      '',
      '--appendonly',
      appendOnly ? 'yes' : 'no',
      '--appendfsync',
      'always',
      '--maxmemory-policy',
      'noeviction',
      '--protected-mode',
      'no',
      '--logfile',
      '',
    ];
    const proc = startProcess('redis-server', args, { name: `redis:${port}` });
    try {
      await proc.waitForLine(/Ready to accept connections/, 15_000);
    } catch (err) {
      proc.signal('SIGKILL');
      throw err;
    }
    child = proc;
  };

  for (let attempt = 0; ; attempt += 1) {
    port = await findFreePort();
    try {
      await launch();
      break;
    } catch (err) {
      // Another process may take the port between findFreePort and the bind; try a new one.
      if (attempt >= 4) {
        await rm(dir, { recursive: true, force: true });
        throw err;
      }
    }
  }

  const url = `redis://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    if (child === undefined || child.hasExited) return;
    const proc = child;
    const client = new Redis(url, { maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on('error', () => undefined);
    try {
      await client.shutdown('SAVE').catch(() => undefined);
    } finally {
      client.disconnect();
    }
    await proc.exited;
  };
  const kill = async (): Promise<void> => {
    if (child === undefined || child.hasExited) return;
    child.signal('SIGKILL');
    await child.exited;
  };
  const start = async (): Promise<void> => {
    if (child !== undefined && !child.hasExited) return;
    await launch();
    await ping(url);
  };
  return {
    url,
    host: '127.0.0.1',
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
    restartEmpty: async () => {
      await kill();
      for (const entry of await readdir(dir)) await rm(join(dir, entry), { recursive: true, force: true });
      await start();
    },
    flushAll: async () => {
      const client = new Redis(url);
      try {
        await client.flushall();
      } finally {
        client.disconnect();
      }
    },
    dispose: async () => {
      await kill();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function externalServer(url: string): RedisServerHandle {
  const parsed = new URL(url);
  const refuse = (what: string) => async (): Promise<void> => {
    throw new Error(
      `cannot ${what} the Redis named by REDIS_URL; unset REDIS_URL to let the fixture spawn its own`,
    );
  };
  return {
    url,
    host: parsed.hostname,
    port: parsed.port === '' ? 6379 : Number(parsed.port),
    external: true,
    running: true,
    stop: refuse('stop'),
    kill: refuse('kill'),
    start: async () => undefined,
    restart: refuse('restart'),
    restartEmpty: refuse('empty'),
    flushAll: async () => {
      const client = new Redis(url);
      try {
        await client.flushall();
      } finally {
        client.disconnect();
      }
    },
    dispose: async () => undefined,
  };
}

/**
 * Optional backend for machines with a Docker engine (REDIS_FIXTURE=testcontainers). The CI
 * machines of this project have none, so this path is not exercised there; the default spawns
 * `redis-server` directly.
 */
interface StartedContainer {
  getHost(): string;
  getMappedPort(port: number): number;
  exec(command: string[]): Promise<unknown>;
  restart(): Promise<void>;
  stop(options: { timeout: number }): Promise<unknown>;
}
interface ContainerBuilder {
  withCommand(command: string[]): ContainerBuilder;
  withExposedPorts(...ports: number[]): ContainerBuilder;
  start(): Promise<StartedContainer>;
}
interface TestcontainersModule {
  GenericContainer: new (image: string) => ContainerBuilder;
}

async function startContainerServer(options: RedisServerOptions): Promise<RedisServerHandle> {
  // testcontainers is an optional dependency (it needs Node >= 22.22 and a Docker engine); the
  // specifier is a variable so type-checking never depends on it being installed.
  const specifier = 'testcontainers';
  const { GenericContainer } = (await import(specifier)) as TestcontainersModule;
  const appendOnly = options.appendOnly ?? true;
  const container = await new GenericContainer('redis:7-alpine')
    .withCommand([
      'redis-server',
      '--appendonly',
      appendOnly ? 'yes' : 'no',
      '--appendfsync',
      'always',
      '--maxmemory-policy',
      'noeviction',
    ])
    .withExposedPorts(6379)
    .start();
  let running = true;
  const currentUrl = (): string => `redis://${container.getHost()}:${container.getMappedPort(6379)}`;
  const handle: RedisServerHandle = {
    get url() {
      return currentUrl();
    },
    get host() {
      return container.getHost();
    },
    get port() {
      return container.getMappedPort(6379);
    },
    external: false,
    get running() {
      return running;
    },
    stop: async () => {
      await container.exec(['redis-cli', 'shutdown', 'save']).catch(() => undefined);
      running = false;
    },
    kill: async () => {
      await container.exec(['sh', '-c', 'kill -9 1']).catch(() => undefined);
      running = false;
    },
    start: async () => {
      if (running) return;
      await container.restart();
      running = true;
      await ping(currentUrl());
    },
    restart: async (mode = 'graceful') => {
      await (mode === 'kill' ? handle.kill() : handle.stop());
      await handle.start();
    },
    restartEmpty: async () => {
      await handle.flushAll();
      await handle.restart('kill');
    },
    flushAll: async () => {
      const client = new Redis(currentUrl());
      try {
        await client.flushall();
      } finally {
        client.disconnect();
      }
    },
    dispose: async () => {
      await container.stop({ timeout: 0 });
    },
  };
  return handle;
}
