import { eventsEnvSchema } from '@wdt-k3/jobs';
import { type K3Settings, k3RequiredEnvFields, resolveK3Settings } from '@wdt-k3/k3cloud-client';
import {
  envBoolean,
  envInt,
  LOG_LEVELS,
  opsEnvFields,
  parseConfig,
  type RedisSettings,
  redisEnvSchema,
  toRedisSettings,
} from '@wdt-k3/runtime';
import { z } from 'zod';

const positive = envInt.pipe(z.number().min(1));
const DAY_MS = 86_400_000;
/** A whole number within bounds, so a typo (an extra digit, "1e20") is refused at start. */
const within = (min: number, max: number) => envInt.pipe(z.number().min(min).max(max));

const envSchema = redisEnvSchema.extend({
  ...eventsEnvSchema.shape,
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  ...k3RequiredEnvFields,
  MAPPING_PROFILE: z.string().min(1).optional(),
  LOADER_CONCURRENCY: within(1, 2_000).default(100),
  LOADER_BATCH_SIZE: within(1, 1_000).default(50),
  LOADER_BATCH_WAIT_MS: within(0, 60_000).default(50),
  LOADER_MAX_CONCURRENT_SAVES: within(1, 64).default(4),
  LOADER_LINK_MODE: z.enum(['required', 'optional', 'off']).default('required'),
  LOADER_LOOKUP_CACHE_TTL_MS: within(1_000, 7 * DAY_MS).default(10 * 60_000),
  LOADER_LOOKUP_MISS_TTL_MS: within(1, DAY_MS).default(30_000),
  LOADER_LOOKUP_BATCH_WAIT_MS: within(0, 10_000).default(10),
  LOADER_SHUTDOWN_TIMEOUT_MS: within(1_000, 3_600_000).default(30_000),
  LOADER_BILL_CLAIMS: envBoolean.default(true),
  LOADER_BILL_OWNER_TTL_MS: positive
    .pipe(
      z
        .number()
        .min(60_000)
        .max(366 * 86_400_000),
    )
    .default(30 * 86_400_000),
  // How long a saved order is remembered for the extractor's re-reads (orderDoneKey).
  LOADER_DONE_TTL_MS: positive
    .pipe(
      z
        .number()
        .min(60_000)
        .max(366 * 86_400_000),
    )
    .default(30 * 86_400_000),
  LOADER_PARKED_SWEEP_INTERVAL_MS: positive.pipe(z.number().min(1_000).max(86_400_000)).default(10 * 60_000),
  LOADER_PARKED_HORIZON_MS: positive
    .pipe(
      z
        .number()
        .min(60_000)
        .max(90 * 86_400_000),
    )
    .default(7 * 86_400_000),
  LOADER_CLAIM_TTL_MS: within(1_000, DAY_MS).optional(),
  LOADER_LOCK_DURATION_MS: within(1_000, 3_600_000).default(30_000),
  LOADER_STALLED_INTERVAL_MS: within(1_000, 3_600_000).default(30_000),
  LOADER_RECONCILE_INTERVAL_MS: within(1_000, DAY_MS).default(60_000),
  LOADER_HEALTH_STALL_MS: within(1_000, 7 * DAY_MS).default(120_000),
  ...opsEnvFields(9102),
});

export interface LoaderConfig {
  readonly logLevel: (typeof LOG_LEVELS)[number];
  /** Whether events go to the stream the ledger reads (EVENTS_ENABLED). */
  readonly eventsEnabled: boolean;
  readonly redis: RedisSettings;
  readonly k3: K3Settings;
  readonly mappingProfilePath: string | undefined;
  readonly loader: {
    readonly concurrency: number;
    readonly batchSize: number;
    readonly batchWaitMs: number;
    readonly maxConcurrentSaves: number;
    readonly linkMode: 'required' | 'optional' | 'off';
    readonly lookupCacheTtlMs: number;
    readonly lookupMissTtlMs: number;
    readonly lookupBatchWaitMs: number;
    readonly shutdownTimeoutMs: number;
    /** Fleet-wide in-flight claims per bill number (bill-claims.ts); false = none, as before #21. */
    readonly billClaims: boolean;
    /** How long the owner of a saved bill number is remembered (collision detection). */
    readonly billOwnerTtlMs: number;
    /** How long the done record of a saved order is kept (the extractor's re-reads read it). */
    readonly doneTtlMs: number;
    /** How often parked dead letters (K3_SOURCE_ORDER_NOT_FOUND) are checked, and how old they may be. */
    readonly parkedSweepIntervalMs: number;
    readonly parkedHorizonMs: number;
    readonly claimTtlMs: number;
    readonly lockDurationMs: number;
    readonly stalledIntervalMs: number;
    readonly reconcileIntervalMs: number;
    readonly healthStallMs: number;
  };
  readonly ops: { readonly host: string; readonly port: number };
}

/**
 * A claim must outlive what its batch does while holding it: the existence check and the
 * BatchSave, each bounded by K3_REQUEST_TIMEOUT_MS. The default adds 30 s on top of those two.
 */
function toClaimTtlMs(e: z.output<typeof envSchema>, ctx: z.RefinementCtx): number | undefined {
  const ttlMs = e.LOADER_CLAIM_TTL_MS ?? 2 * e.K3_REQUEST_TIMEOUT_MS + 30_000;
  if (ttlMs > 2 * e.K3_REQUEST_TIMEOUT_MS) return ttlMs;
  ctx.addIssue({
    code: 'custom',
    path: ['LOADER_CLAIM_TTL_MS'],
    message: `must be longer than a check plus a save, 2 × K3_REQUEST_TIMEOUT_MS = ${2 * e.K3_REQUEST_TIMEOUT_MS}`,
  });
  return undefined;
}

export function loadConfig(env: Readonly<Record<string, string | undefined>>): LoaderConfig {
  const schema = envSchema.transform((e, ctx) => {
    const k3 = resolveK3Settings(
      e,
      (key, message) => ctx.addIssue({ code: 'custom', path: [key], message }),
      true,
    );
    const claimTtlMs = toClaimTtlMs(e, ctx);
    return k3 === null || claimTtlMs === undefined ? z.NEVER : { e, k3, claimTtlMs };
  });
  const { e, k3, claimTtlMs } = parseConfig(schema, env, 'loader environment');
  return {
    logLevel: e.LOG_LEVEL,
    eventsEnabled: e.EVENTS_ENABLED,
    redis: toRedisSettings(e),
    k3,
    mappingProfilePath: e.MAPPING_PROFILE,
    loader: {
      concurrency: e.LOADER_CONCURRENCY,
      batchSize: e.LOADER_BATCH_SIZE,
      batchWaitMs: e.LOADER_BATCH_WAIT_MS,
      maxConcurrentSaves: e.LOADER_MAX_CONCURRENT_SAVES,
      linkMode: e.LOADER_LINK_MODE,
      lookupCacheTtlMs: e.LOADER_LOOKUP_CACHE_TTL_MS,
      lookupMissTtlMs: e.LOADER_LOOKUP_MISS_TTL_MS,
      lookupBatchWaitMs: e.LOADER_LOOKUP_BATCH_WAIT_MS,
      shutdownTimeoutMs: e.LOADER_SHUTDOWN_TIMEOUT_MS,
      billClaims: e.LOADER_BILL_CLAIMS,
      billOwnerTtlMs: e.LOADER_BILL_OWNER_TTL_MS,
      doneTtlMs: e.LOADER_DONE_TTL_MS,
      parkedSweepIntervalMs: e.LOADER_PARKED_SWEEP_INTERVAL_MS,
      parkedHorizonMs: e.LOADER_PARKED_HORIZON_MS,
      claimTtlMs,
      lockDurationMs: e.LOADER_LOCK_DURATION_MS,
      stalledIntervalMs: e.LOADER_STALLED_INTERVAL_MS,
      reconcileIntervalMs: e.LOADER_RECONCILE_INTERVAL_MS,
      healthStallMs: e.LOADER_HEALTH_STALL_MS,
    },
    ops: { host: e.OPS_HOST, port: e.OPS_PORT },
  };
}
