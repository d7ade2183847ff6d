import type { AddressInfo } from 'node:net';
import { type AdminToken, buildAdminApp, createDryRun } from '@wdt-k3/admin';
import {
  closeQueues,
  createSyncState,
  enqueue,
  openQueues,
  type PipelineQueues,
  type SyncState,
} from '@wdt-k3/jobs';
import { DEFAULT_MAPPING_PROFILE } from '@wdt-k3/mapping';
import {
  createLogger,
  createRedis,
  type RedisConnection,
  redisEnvSchema,
  toRedisSettings,
  waitForRedis,
} from '@wdt-k3/runtime';
import { uniquePrefix } from '@wdt-k3/testkit';
import { type DeadLetterOptions, deadLetter, type RawOrder } from './orders.ts';

export const FULL: AdminToken = {
  name: 'ops',
  scope: 'full',
  token: 'cli-full-token-0123456789-abcdefghijk',
};
export const READ: AdminToken = {
  name: 'grafana',
  scope: 'read',
  token: 'cli-read-token-0123456789-abcdefghijk',
};

export interface AdminUnderTest {
  /** `http://127.0.0.1:<port>`: the admin over a real socket. */
  readonly url: string;
  readonly app: Awaited<ReturnType<typeof buildAdminApp>>;
  readonly queues: PipelineQueues;
  readonly redis: RedisConnection;
  readonly prefix: string;
  readonly syncState: SyncState;
  addDeadLetter(stockoutId: number, options: DeadLetterOptions): Promise<void>;
  /** The admin's own answer to a GET, to compare with what `--json` prints. */
  getJson(path: string): Promise<unknown>;
  close(): Promise<void>;
}

export interface AdminOptions {
  /** Orders the dry run finds, by stock-out number (in place of WDT). */
  readonly dryRunOrders?: ReadonlyMap<string, RawOrder>;
  readonly now?: () => number;
  /** The order ledger's pool (migrated), for the ledger's commands. */
  readonly ledger?: import('pg').Pool;
}

/**
 * The real admin app, wired as its main.ts wires it (a producer connection, the jobs package's
 * queues and sync state), on a fresh key prefix, listening on a free port. The dry run is the
 * admin's own createDryRun over the real mapping, with the orders given standing in for WDT.
 */
export async function startAdmin(redisUrl: string, options: AdminOptions = {}): Promise<AdminUnderTest> {
  const settings = toRedisSettings(
    redisEnvSchema.parse({ REDIS_URL: redisUrl, REDIS_PREFIX: uniquePrefix('cli') }),
  );
  const logger = createLogger({ level: 'silent', service: 'cli-test' });
  const redis = createRedis(settings, 'producer', 'cli-test', logger);
  await waitForRedis(redis, 10_000);
  const prefix = settings.queuePrefix;
  const queues = openQueues(redis, prefix);
  const syncState = createSyncState(redis, prefix);
  const orders = options.dryRunOrders;
  const app = await buildAdminApp({
    queues,
    redis,
    prefix,
    tokens: [FULL, READ],
    syncState,
    logger,
    ...(options.ledger === undefined ? {} : { ledger: options.ledger }),
    ...(orders === undefined
      ? {}
      : {
          dryRun: createDryRun({
            fetchOrder: async (stockoutNo) => orders.get(stockoutNo) ?? null,
            profile: DEFAULT_MAPPING_PROFILE,
            linkMode: 'optional',
            lookups: null,
          }),
        }),
    ...(options.now === undefined ? {} : { now: options.now }),
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  return {
    url,
    app,
    queues,
    redis,
    prefix,
    syncState,
    addDeadLetter: async (stockoutId, deadLetterOptions) => {
      await enqueue(queues.failed, 'deadLetter', deadLetter(stockoutId, deadLetterOptions), {
        jobId: `so-${stockoutId}`,
      });
    },
    getJson: async (path) => {
      const res = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${READ.token}` } });
      return res.json();
    },
    close: async () => {
      await app.close();
      await closeQueues(queues);
      redis.disconnect();
    },
  };
}
