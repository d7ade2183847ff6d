import { hostname } from 'node:os';
import { databaseEnvSchema, databaseUrlSchema } from '@wdt-k3/ledger';
import {
  envInt,
  LOG_LEVELS,
  opsEnvFields,
  parseConfig,
  type RedisSettings,
  redisEnvSchema,
  toRedisSettings,
} from '@wdt-k3/runtime';
import { z } from 'zod';

const ms = (min: number, max: number) => envInt.pipe(z.number().min(min).max(max));

const envSchema = redisEnvSchema.extend({
  ...databaseEnvSchema.shape,
  DATABASE_URL: databaseUrlSchema,
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  LEDGER_BATCH_SIZE: envInt.pipe(z.number().min(1).max(5_000)).default(500),
  LEDGER_BLOCK_MS: ms(10, 60_000).default(1_000),
  LEDGER_CLAIM_IDLE_MS: ms(1_000, 3_600_000).default(60_000),
  LEDGER_CONSUMER: z.string().min(1).max(100).default(`${hostname()}-${process.pid}`),
  LEDGER_HEALTH_MAX_LAG_MS: ms(1_000, 86_400_000).default(300_000),
  ...opsEnvFields(9103),
});

export interface LedgerConfig {
  readonly logLevel: (typeof LOG_LEVELS)[number];
  readonly redis: RedisSettings;
  readonly database: {
    readonly url: string;
    readonly maxConnections: number;
    readonly statementTimeoutMs: number;
  };
  readonly consumer: {
    readonly name: string;
    readonly batchSize: number;
    readonly blockMs: number;
    readonly claimIdleMs: number;
  };
  /** `/health` fails when the oldest event not yet projected is older than this. */
  readonly healthMaxLagMs: number;
  readonly ops: { readonly host: string; readonly port: number };
}

export function loadConfig(env: Readonly<Record<string, string | undefined>>): LedgerConfig {
  const e = parseConfig(envSchema, env, 'ledger environment');
  return {
    logLevel: e.LOG_LEVEL,
    redis: toRedisSettings(e),
    database: {
      url: e.DATABASE_URL,
      maxConnections: e.DATABASE_MAX_CONNECTIONS,
      statementTimeoutMs: e.DATABASE_STATEMENT_TIMEOUT_MS,
    },
    consumer: {
      name: e.LEDGER_CONSUMER,
      batchSize: e.LEDGER_BATCH_SIZE,
      blockMs: e.LEDGER_BLOCK_MS,
      claimIdleMs: e.LEDGER_CLAIM_IDLE_MS,
    },
    healthMaxLagMs: e.LEDGER_HEALTH_MAX_LAG_MS,
    ops: { host: e.OPS_HOST, port: e.OPS_PORT },
  };
}
