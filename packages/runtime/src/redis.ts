import { Cluster, Redis, type RedisOptions } from 'ioredis';
import { z } from 'zod';
import { AppError } from './app-error.ts';
import { envList } from './config.ts';
import type { Logger } from './logger.ts';

/**
 * Redis settings every service reads from the same env keys. `REDIS_URL` may be `redis://` or
 * `rediss://` (TLS); Sentinel and Cluster take their node lists in `REDIS_SENTINELS` /
 * `REDIS_CLUSTER_NODES` and reuse the URL's credentials and TLS choice.
 */
export const redisEnvSchema = z.object({
  REDIS_URL: z
    .string()
    .default('redis://127.0.0.1:6379')
    .refine((value) => /^rediss?:\/\//.test(value), 'must start with redis:// or rediss://'),
  REDIS_MODE: z.enum(['standalone', 'sentinel', 'cluster']).default('standalone'),
  REDIS_SENTINELS: envList.default([]),
  REDIS_SENTINEL_NAME: z.string().default('mymaster'),
  REDIS_SENTINEL_PASSWORD: z.string().optional(),
  REDIS_CLUSTER_NODES: envList.default([]),
  REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, - and _ only (it becomes a {hash-tag})')
    .default('wdtk3'),
});

export interface HostPort {
  readonly host: string;
  readonly port: number;
}

export interface RedisSettings {
  readonly url: string;
  readonly mode: 'standalone' | 'sentinel' | 'cluster';
  readonly sentinels: readonly HostPort[];
  readonly sentinelName: string;
  readonly sentinelPassword: string | undefined;
  readonly clusterNodes: readonly HostPort[];
  /**
   * BullMQ key prefix, always a Redis Cluster hash tag (`{wdtk3}`): every queue of the pipeline
   * then lives in one slot, which BullMQ flows (parent and children in different queues) need
   * on Cluster, and costs nothing on a single node.
   */
  readonly queuePrefix: string;
}

function parseHostPort(value: string, defaultPort: number): HostPort {
  const match = /^\[?([^\]]+?)\]?(?::(\d+))?$/.exec(value);
  if (match?.[1] === undefined)
    throw new AppError('CONFIG_INVALID', `bad host:port "${value}"`, { retryable: false });
  return { host: match[1], port: match[2] === undefined ? defaultPort : Number(match[2]) };
}

export function toRedisSettings(env: z.output<typeof redisEnvSchema>): RedisSettings {
  const settings: RedisSettings = {
    url: env.REDIS_URL,
    mode: env.REDIS_MODE,
    sentinels: env.REDIS_SENTINELS.map((item) => parseHostPort(item, 26379)),
    sentinelName: env.REDIS_SENTINEL_NAME,
    sentinelPassword: env.REDIS_SENTINEL_PASSWORD,
    clusterNodes: env.REDIS_CLUSTER_NODES.map((item) => parseHostPort(item, 6379)),
    queuePrefix: `{${env.REDIS_PREFIX}}`,
  };
  if (settings.mode === 'sentinel' && settings.sentinels.length === 0) {
    throw new AppError('CONFIG_INVALID', 'REDIS_MODE=sentinel needs REDIS_SENTINELS=host:port,…', {
      retryable: false,
    });
  }
  return settings;
}

/**
 * - `worker`: BullMQ Worker / blocking connections. `maxRetriesPerRequest: null` is required by
 *   BullMQ, so commands wait through an outage instead of failing the processor.
 * - `producer`: Queue / admin / cache connections. Fail fast (`enableOfflineQueue: false`, one
 *   retry) so an enqueue during an outage throws and the caller keeps the work, per BullMQ's
 *   "failing fast when Redis is down" pattern.
 */
export type RedisRole = 'worker' | 'producer';

type BaseOptions = Omit<RedisOptions, 'replyMapping'>;

function baseOptions(settings: RedisSettings, role: RedisRole, name: string): BaseOptions {
  const url = new URL(settings.url);
  const options: BaseOptions = {
    connectionName: name,
    // Reconnect quickly at first, then every 5 s at most: outages end in seconds in practice and
    // a slow schedule only delays recovery.
    retryStrategy: (times) => Math.min(100 * 2 ** Math.min(times, 6), 5000),
    ...(role === 'worker'
      ? { maxRetriesPerRequest: null, enableOfflineQueue: true }
      : { maxRetriesPerRequest: 1, enableOfflineQueue: false }),
  };
  if (url.username !== '') options.username = decodeURIComponent(url.username);
  if (url.password !== '') options.password = decodeURIComponent(url.password);
  if (url.protocol === 'rediss:') options.tls = { servername: url.hostname };
  const db = url.pathname.replace('/', '');
  if (db !== '') options.db = Number(db);
  return options;
}

export type RedisConnection = Redis | Cluster;

/**
 * Creates a connection and attaches an `error` listener (ioredis warns loudly about unhandled
 * ones). During an outage ioredis emits the same error on every reconnect attempt; only a change
 * of message is logged so an outage is one log line, not thousands.
 */
export function createRedis(
  settings: RedisSettings,
  role: RedisRole,
  name: string,
  logger?: Logger,
): RedisConnection {
  const connection = connect(settings, role, name);
  let lastMessage = '';
  connection.on('error', (err: Error) => {
    if (err.message === lastMessage) return;
    lastMessage = err.message;
    logger?.warn({ err: { message: err.message }, connection: name }, 'redis connection error');
  });
  connection.on('ready', () => {
    if (lastMessage !== '') logger?.info({ connection: name }, 'redis connection restored');
    lastMessage = '';
  });
  return connection;
}

function connect(settings: RedisSettings, role: RedisRole, name: string): RedisConnection {
  const options = baseOptions(settings, role, name);
  switch (settings.mode) {
    case 'standalone': {
      const url = new URL(settings.url);
      return new Redis({ ...options, host: url.hostname, port: url.port === '' ? 6379 : Number(url.port) });
    }
    case 'sentinel':
      return new Redis({
        ...options,
        sentinels: settings.sentinels.map((node) => ({ host: node.host, port: node.port })),
        name: settings.sentinelName,
        ...(settings.sentinelPassword === undefined ? {} : { sentinelPassword: settings.sentinelPassword }),
      });
    case 'cluster': {
      const { maxRetriesPerRequest, enableOfflineQueue, ...redisOptions } = options;
      const nodes =
        settings.clusterNodes.length > 0
          ? settings.clusterNodes
          : [parseHostPort(new URL(settings.url).host, 6379)];
      return new Cluster(
        nodes.map((node) => ({ host: node.host, port: node.port })),
        {
          redisOptions: { ...redisOptions, maxRetriesPerRequest },
          ...(enableOfflineQueue === undefined ? {} : { enableOfflineQueue }),
        },
      );
    }
  }
}

/** Resolves once the connection is ready; rejects after `timeoutMs` naming the Redis it tried. */
export async function waitForRedis(connection: RedisConnection, timeoutMs: number): Promise<void> {
  if (connection.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(
        new AppError(
          'REDIS_UNAVAILABLE',
          `Redis not ready after ${timeoutMs} ms (status ${connection.status})`,
          { retryable: true },
        ),
      );
    }, timeoutMs);
    const onReady = (): void => {
      cleanup();
      resolve();
    };
    const cleanup = (): void => {
      clearTimeout(timer);
      connection.off('ready', onReady);
    };
    connection.on('ready', onReady);
  });
}
