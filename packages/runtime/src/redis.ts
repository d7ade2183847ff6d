import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import { Cluster, Redis, type RedisOptions } from 'ioredis';
import { z } from 'zod';
import { AppError } from './app-error.ts';
import { ConfigError, envBoolean, envInt, envList } from './config.ts';
import type { Logger } from './logger.ts';
import { trackTopology } from './redis-topology.ts';

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
  // How long a service waits at start for the Redis its settings name before it exits non-zero.
  REDIS_STARTUP_TIMEOUT_MS: envInt.pipe(z.number().min(100).max(3_600_000)).default(60_000),
  // PEM file of the CA that signed the Redis servers' certificates (rediss://), when it is not
  // one Node trusts already (managed offerings that hand out their own CA, a private CA).
  REDIS_TLS_CA_FILE: z.string().min(1).optional(),
  // Whether the sentinels themselves speak TLS; default: as REDIS_URL (rediss:// → yes).
  REDIS_SENTINEL_TLS: envBoolean.optional(),
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
  /** Start-up: how long to wait for Redis before exiting (REDIS_STARTUP_TIMEOUT_MS). */
  readonly startupTimeoutMs: number;
  /** Data nodes over TLS (`rediss://`). */
  readonly tls: boolean;
  /** The sentinels over TLS (REDIS_SENTINEL_TLS, default: as the data nodes). */
  readonly sentinelTls: boolean;
  /** REDIS_TLS_CA_FILE: the CA that signed the servers' certificates, for data nodes and sentinels. */
  readonly tlsCaFile: string | undefined;
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
    startupTimeoutMs: env.REDIS_STARTUP_TIMEOUT_MS,
    tls: env.REDIS_URL.startsWith('rediss://'),
    sentinelTls: env.REDIS_SENTINEL_TLS ?? env.REDIS_URL.startsWith('rediss://'),
    tlsCaFile: env.REDIS_TLS_CA_FILE,
  };
  const db = new URL(settings.url).pathname.replace('/', '');
  if (settings.mode === 'cluster' && db !== '' && db !== '0') {
    // A Cluster has database 0 only; ioredis would send SELECT to every node and fail each one.
    throw new AppError('CONFIG_INVALID', `REDIS_MODE=cluster has only database 0; REDIS_URL names /${db}`, {
      retryable: false,
    });
  }
  if (settings.mode === 'sentinel' && settings.sentinels.length === 0) {
    throw new AppError('CONFIG_INVALID', 'REDIS_MODE=sentinel needs REDIS_SENTINELS=host:port,…', {
      retryable: false,
    });
  }
  return settings;
}

const caCache = new Map<string, Buffer>();

/**
 * TLS options for one kind of node, or undefined for plain TCP. The server name is sent only in
 * standalone mode and for a host name: with Sentinel and Cluster each node is reached at the
 * address the topology gives (checked against the certificate as Node does), and an IP as server
 * name is refused by RFC 6066 (Node warns on it).
 */
export function redisTlsOptions(
  settings: RedisSettings,
  kind: 'data' | 'sentinel',
): ConnectionOptions | undefined {
  if (!(kind === 'data' ? settings.tls : settings.sentinelTls)) return undefined;
  const options: ConnectionOptions = {};
  if (settings.tlsCaFile !== undefined) {
    let ca = caCache.get(settings.tlsCaFile);
    if (ca === undefined) {
      try {
        ca = readFileSync(settings.tlsCaFile);
      } catch (err) {
        throw new ConfigError(
          [`REDIS_TLS_CA_FILE: cannot read "${settings.tlsCaFile}" (${(err as Error).message})`],
          'redis settings',
        );
      }
      caCache.set(settings.tlsCaFile, ca);
    }
    options.ca = ca;
  }
  const host = new URL(settings.url).hostname;
  if (kind === 'data' && settings.mode === 'standalone' && isIP(host) === 0) options.servername = host;
  return options;
}

/** The start nodes a Cluster client bootstraps from: REDIS_CLUSTER_NODES, else REDIS_URL's host. */
export function clusterStartNodes(settings: RedisSettings): readonly HostPort[] {
  return settings.clusterNodes.length > 0
    ? settings.clusterNodes
    : [parseHostPort(new URL(settings.url).host, 6379)];
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
    // a slow schedule only delays recovery. With Sentinel each attempt first asks the sentinels
    // for the master, so attempts every second cost little and end the pause within a second of
    // the promotion (measured: with the 5 s cap orders resumed 0.8 s after the sentinels agreed,
    // the next attempt of the doubling schedule).
    retryStrategy: (times) =>
      Math.min(100 * 2 ** Math.min(times, 6), settings.mode === 'sentinel' ? 1_000 : 5_000),
    // A master demoted to replica (a Sentinel switchover, a managed failover behind one DNS name)
    // keeps its client connections and answers every write with READONLY, forever: reconnect,
    // which asks the sentinels (or DNS) again. Workers resend the command on the new master;
    // producers (no offline queue) fail this one command fast and the next one goes there.
    reconnectOnError: (err) => (err.message.startsWith('READONLY') ? (role === 'worker' ? 2 : 1) : false),
    ...(role === 'worker'
      ? { maxRetriesPerRequest: null, enableOfflineQueue: true }
      : { maxRetriesPerRequest: 1, enableOfflineQueue: false }),
  };
  if (url.username !== '') options.username = decodeURIComponent(url.username);
  if (url.password !== '') options.password = decodeURIComponent(url.password);
  const tls = redisTlsOptions(settings, 'data');
  if (tls !== undefined) options.tls = tls;
  const db = url.pathname.replace('/', '');
  if (db !== '') options.db = Number(db);
  return options;
}

export type RedisConnection = Redis | Cluster;

/**
 * A Cluster client retries a command that meets a closed connection, CLUSTERDOWN or TRYAGAIN
 * `maxRedirections` times, `retryDelayOn…` apart: by default 16 × 100 ms, which a failover outlasts
 * (cluster-node-timeout, 15 s by default, plus the election). Measured with a 1 s node timeout
 * (promotion after ~2.7 s): a page job's moveToFailed gave up mid-failover, the job stayed active
 * until its lock lapsed and the stalled check found it, and extraction stood still for 85 s.
 * Worker connections wait like a standalone worker connection does (maxRetriesPerRequest: null):
 * up to 240 × 250 ms = 60 s. Producers keep the default and fail fast.
 */
const CLUSTER_WORKER_RIDE_OUT = {
  retryDelayOnFailover: 250,
  retryDelayOnClusterDown: 250,
  retryDelayOnTryAgain: 250,
  maxRedirections: 240,
} as const;

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
  trackTopology(connection, settings, name, logger);
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
        // Without this flag ioredis reaches the master over plain TCP even with `tls` set.
        enableTLSForSentinelMode: options.tls !== undefined,
        ...sentinelTlsOption(settings),
      });
    case 'cluster': {
      // Node connections never reconnect by themselves in a Cluster client (the slot map is
      // refreshed instead), so the cluster-level strategy replaces retryStrategy.
      const { maxRetriesPerRequest, enableOfflineQueue, retryStrategy, reconnectOnError, ...redisOptions } =
        options;
      return new Cluster(
        clusterStartNodes(settings).map((node) => ({ host: node.host, port: node.port })),
        {
          redisOptions: { ...redisOptions, maxRetriesPerRequest },
          ...(enableOfflineQueue === undefined ? {} : { enableOfflineQueue }),
          ...(retryStrategy === undefined ? {} : { clusterRetryStrategy: retryStrategy }),
          // ioredis 6 documents a 5 s default but ships none: without it an idle client (the
          // admin) keeps the dead master in its slot map until a command of its own fails.
          slotsRefreshInterval: 5_000,
          ...(role === 'worker' ? CLUSTER_WORKER_RIDE_OUT : {}),
        },
      );
    }
  }
}

function sentinelTlsOption(settings: RedisSettings): { sentinelTLS?: ConnectionOptions } {
  const tls = redisTlsOptions(settings, 'sentinel');
  return tls === undefined ? {} : { sentinelTLS: tls };
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
