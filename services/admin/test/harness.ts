import { closeQueues, createSyncState, enqueue, openQueues, type PipelineQueues } from '@wdt-k3/jobs';
import {
  createLogger,
  createRedis,
  type RedisConnection,
  redisEnvSchema,
  toRedisSettings,
  waitForRedis,
} from '@wdt-k3/runtime';
import { uniquePrefix } from '@wdt-k3/testkit';
import type { FastifyInstance } from 'fastify';
import { type AdminAppDeps, buildAdminApp } from '../src/app.ts';
import type { AdminToken } from '../src/tokens.ts';
import { type DeadLetterOptions, deadLetter } from './orders.ts';

export const FULL: AdminToken = {
  name: 'ops',
  scope: 'full',
  token: 'full-token-0123456789-abcdefghijklmnop',
};
export const READ: AdminToken = {
  name: 'grafana',
  scope: 'read',
  token: 'read-token-0123456789-abcdefghijklmnop',
};

export const bearer = (token: AdminToken): Record<string, string> => ({
  authorization: `Bearer ${token.token}`,
});
export const basic = (token: AdminToken): Record<string, string> => ({
  authorization: `Basic ${Buffer.from(`${token.name}:${token.token}`).toString('base64')}`,
});

export interface Harness {
  readonly app: FastifyInstance;
  readonly queues: PipelineQueues;
  readonly redis: RedisConnection;
  readonly prefix: string;
  addDeadLetter(stockoutId: number, options?: DeadLetterOptions): Promise<string>;
  close(): Promise<void>;
}

/**
 * The admin app wired as main.ts wires it (runtime's producer connection, the jobs package's
 * queues and sync state) on a fresh key prefix of the given Redis.
 */
export async function startHarness(
  redisUrl: string,
  overrides: Partial<
    Pick<AdminAppDeps, 'dryRun' | 'tokens' | 'now' | 'ledger' | 'logger' | 'trustProxy' | 'preview'>
  > & {
    redisPrefix?: string;
  } = {},
): Promise<Harness> {
  const settings = toRedisSettings(
    redisEnvSchema.parse({
      REDIS_URL: redisUrl,
      REDIS_PREFIX: overrides.redisPrefix ?? uniquePrefix('admin'),
    }),
  );
  const logger = overrides.logger ?? createLogger({ level: 'silent', service: 'admin-test' });
  const redis = createRedis(settings, 'producer', 'admin-test', logger);
  await waitForRedis(redis, 10_000);
  const prefix = settings.queuePrefix;
  const queues = openQueues(redis, prefix);
  const app = await buildAdminApp({
    queues,
    redis,
    prefix,
    tokens: overrides.tokens ?? [FULL, READ],
    syncState: createSyncState(redis, prefix),
    logger,
    ...(overrides.dryRun === undefined ? {} : { dryRun: overrides.dryRun }),
    ...(overrides.now === undefined ? {} : { now: overrides.now }),
    ...(overrides.ledger === undefined ? {} : { ledger: overrides.ledger }),
    ...(overrides.trustProxy === undefined ? {} : { trustProxy: overrides.trustProxy }),
    ...(overrides.preview === undefined ? {} : { preview: overrides.preview }),
  });
  return {
    app,
    queues,
    redis,
    prefix,
    addDeadLetter: async (stockoutId, options) => {
      const job = await enqueue(queues.failed, 'deadLetter', deadLetter(stockoutId, options), {
        jobId: `so-${stockoutId}`,
      });
      return job.id ?? '';
    },
    close: async () => {
      await app.close();
      await closeQueues(queues);
      redis.disconnect();
    },
  };
}
