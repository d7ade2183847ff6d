import { eventsEnvSchema } from '@wdt-k3/jobs';
import {
  envBoolean,
  envInt,
  LOG_LEVELS,
  opsEnvFields,
  parseConfig,
  parseInstant,
  type RedisSettings,
  redisEnvSchema,
  toRedisSettings,
} from '@wdt-k3/runtime';
import { wdtRequiredEnvFields } from '@wdt-k3/wdt-client';
import { z } from 'zod';

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;
const THIRTY_DAYS_MS = 30 * DAY_MS;
/** A host clock this far ahead of the real one is already broken in other ways (Qimen allows 10 min). */
const FUTURE_SLACK_MS = 5 * MINUTE_MS;

/** A whole number of milliseconds within bounds, so a typo (an extra digit, "1e20") is refused. */
const ms = (min: number, max: number) => envInt.pipe(z.number().min(min).max(max));

/** `2026-11-01 00:00:00` (Beijing time, WDT's format) or ISO-8601 with an offset → epoch ms. */
const instant = z.string().transform((value, ctx) => {
  const ms = parseInstant(value);
  if (ms === undefined) {
    ctx.addIssue({
      code: 'custom',
      message: `expected "yyyy-MM-dd HH:mm:ss" (Beijing time) or ISO-8601 with an offset, got "${value}"`,
    });
    return z.NEVER;
  }
  return ms;
});

const envSchema = redisEnvSchema.extend({
  ...eventsEnvSchema.shape,
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  ...wdtRequiredEnvFields,
  WDT_RATE_LIMIT_PER_MINUTE: envInt.pipe(z.number().min(1).max(1_000_000)).default(60),
  WDT_RATE_LIMIT_WINDOW_MS: ms(1_000, DAY_MS).default(MINUTE_MS),
  // Jitter between a page job starting and its call reaching WDT (see wdt-limiter.ts).
  WDT_RATE_LIMIT_MARGIN_MS: ms(0, MINUTE_MS).default(1_000),
  EXTRACT_POLL_INTERVAL_MS: ms(1_000, DAY_MS).default(MINUTE_MS),
  EXTRACT_LAG_MS: ms(0, DAY_MS).default(2 * MINUTE_MS),
  EXTRACT_OVERLAP_MS: ms(0, THIRTY_DAYS_MS).default(5 * MINUTE_MS),
  EXTRACT_MAX_WINDOW_MS: ms(1_000, THIRTY_DAYS_MS).default(60 * MINUTE_MS),
  EXTRACT_MAX_WINDOWS_PER_RUN: envInt.pipe(z.number().min(1).max(10_000)).default(24),
  EXTRACT_PAGE_SIZE: envInt.pipe(z.number().min(1).max(100)).default(100),
  EXTRACT_PAGE_CONCURRENCY: envInt.pipe(z.number().min(1).max(64)).default(2),
  EXTRACT_PAGE_ATTEMPTS: envInt.pipe(z.number().min(1).max(100)).default(6),
  EXTRACT_PAGE_BACKOFF_MS: ms(1, 10 * MINUTE_MS).default(5_000),
  // keyset: time-keyset walk, sound when WDT sorts a window by its time (checked on every answer,
  // slices where it does not); slices: every window in slices proven by one whole answer each.
  EXTRACT_PAGING: z.enum(['keyset', 'slices']).default('keyset'),
  // Checked as one string before it is split: a list piped into a second schema was left out of
  // the problem list when required keys were missing too (zod 4.6), and every problem must show.
  EXTRACT_STATUS: z
    .string()
    .regex(/^\s*\d+(\s*,\s*\d+)*\s*$/, 'comma-separated status codes, e.g. 95 or 95,105,110,113')
    .default('95,105,110,113')
    .transform((value) => value.split(',').map((item) => Number(item.trim()))),
  EXTRACT_SHOP_NO: z.string().min(1).optional(),
  EXTRACT_WAREHOUSE_NO: z.string().min(1).optional(),
  EXTRACT_BY_MODIFIED: envBoolean.default(false),
  EXTRACT_START_FROM: instant.optional(),
  EXTRACT_DRY_RUN: envBoolean.default(false),
  EXTRACT_RATE_LIMIT_BACKOFF_MS: ms(1, 10 * MINUTE_MS).optional(),
  EXTRACT_LOCK_DURATION_MS: ms(1_000, 10 * MINUTE_MS).default(30_000),
  EXTRACT_STALLED_INTERVAL_MS: ms(1_000, 10 * MINUTE_MS).default(30_000),
  EXTRACT_SWEEP: envBoolean.default(true),
  EXTRACT_SWEEP_INTERVAL_MS: ms(1_000, DAY_MS).default(10 * MINUTE_MS),
  EXTRACT_SWEEP_DELAY_MS: ms(0, 7 * DAY_MS).default(30 * MINUTE_MS),
  EXTRACT_HEALTH_STALL_MS: ms(10_000, 7 * DAY_MS).default(15 * MINUTE_MS),
  EXTRACT_GUARD_INTERVAL_MS: ms(100, 10 * MINUTE_MS).default(10_000),
  EXTRACT_DATA_LOSS_REWIND_MS: ms(0, 90 * DAY_MS).default(7 * DAY_MS),
  // Completed order jobs (each with its whole WDT payload, ~4 KB) are kept this long and at most
  // this many: re-reads compare with the loader's done records, not with them (issue 15).
  EXTRACT_KEEP_COMPLETED_S: ms(0, 30 * 86_400).default(3_600),
  EXTRACT_KEEP_COMPLETED_JOBS: ms(0, 1_000_000).default(20_000),
  // Reconciliation pages (issue 17) build each order's bill with the loader's profile: same file.
  MAPPING_PROFILE: z.string().min(1).optional(),
  ...opsEnvFields(9101),
});

export interface ExtractorConfig {
  readonly logLevel: (typeof LOG_LEVELS)[number];
  /** Whether events go to the stream the ledger reads (EVENTS_ENABLED). */
  readonly eventsEnabled: boolean;
  /** The loader's mapping profile (MAPPING_PROFILE): reconciliation pages build bills with it. */
  readonly mappingProfilePath: string | undefined;
  readonly redis: RedisSettings;
  readonly wdt: {
    readonly baseUrl: string;
    readonly appKey: string;
    readonly appSecret: string;
    readonly targetAppKey: string;
    readonly sid: string;
    readonly signMethod: 'md5' | 'hmac' | 'hmac-sha256';
    readonly requestTimeoutMs: number;
    /** Calls allowed per `rateLimitWindowMs` (WDT: 60 a minute). */
    readonly rateLimitPerMinute: number;
    readonly rateLimitWindowMs: number;
    /** Most ms between a page job starting and its call reaching WDT that the limiter allows for. */
    readonly rateLimitMarginMs: number;
  };
  readonly extract: {
    readonly pollIntervalMs: number;
    readonly lagMs: number;
    readonly overlapMs: number;
    readonly maxWindowMs: number;
    readonly maxWindowsPerRun: number;
    readonly pageSize: number;
    readonly pageConcurrency: number;
    /** Attempts and first backoff of a page job: together, how long a WDT outage is ridden out. */
    readonly pageAttempts: number;
    readonly pageBackoffMs: number;
    readonly status: readonly number[];
    readonly shopNo: string | undefined;
    readonly warehouseNo: string | undefined;
    readonly byModified: boolean;
    /** Where the first run starts when Redis holds no watermark yet (default: one day back). */
    readonly startFromMs: number | undefined;
    readonly paging: 'keyset' | 'slices';
    /** The trailing sweep by modified time (consign-time extraction only). */
    readonly sweep: boolean;
    readonly sweepIntervalMs: number;
    readonly sweepDelayMs: number;
    /** `/health` fails when the watermark has not moved this long while it lags. */
    readonly healthStallMs: number;
    /** How often a replica checks that Redis still holds the deployment's state. */
    readonly guardIntervalMs: number;
    /** After Redis lost its data: how far before the last known watermark to read again. */
    readonly dataLossRewindMs: number;
    /** removeOnComplete of the order jobs this extractor enqueues. */
    readonly keepCompleted: { readonly age: number; readonly count: number };
    readonly dryRun: boolean;
    /** Overrides the wait a WDT rate-limit answer implies (tests shorten it). */
    readonly rateLimitBackoffMs: number | undefined;
    readonly lockDurationMs: number;
    readonly stalledIntervalMs: number;
  };
  readonly ops: { readonly host: string; readonly port: number };
}

export function loadConfig(
  env: Readonly<Record<string, string | undefined>>,
  now: () => number = Date.now,
): ExtractorConfig {
  // Checked on the field itself, so it is listed with every other problem of the environment.
  const startFrom = instant
    .refine((ms) => ms <= now() + FUTURE_SLACK_MS, {
      message: 'lies in the future: nothing before it would ever be read; give a time in the past',
    })
    .optional();
  const e = parseConfig(
    envSchema.extend({ EXTRACT_START_FROM: startFrom }).superRefine((value, ctx) => {
      if (value.EXTRACT_OVERLAP_MS >= value.EXTRACT_MAX_WINDOW_MS * value.EXTRACT_MAX_WINDOWS_PER_RUN) {
        ctx.addIssue({
          code: 'custom',
          path: ['EXTRACT_OVERLAP_MS'],
          message:
            'must be shorter than one run (EXTRACT_MAX_WINDOW_MS × EXTRACT_MAX_WINDOWS_PER_RUN), or runs never advance',
        });
      }
    }),
    env,
    'extractor environment',
  );
  return {
    logLevel: e.LOG_LEVEL,
    eventsEnabled: e.EVENTS_ENABLED,
    mappingProfilePath: e.MAPPING_PROFILE,
    redis: toRedisSettings(e),
    wdt: {
      baseUrl: e.WDT_BASE_URL,
      appKey: e.WDT_APP_KEY,
      appSecret: e.WDT_APP_SECRET,
      targetAppKey: e.WDT_TARGET_APP_KEY,
      sid: e.WDT_SID,
      signMethod: e.WDT_SIGN_METHOD,
      requestTimeoutMs: e.WDT_REQUEST_TIMEOUT_MS,
      rateLimitPerMinute: e.WDT_RATE_LIMIT_PER_MINUTE,
      rateLimitWindowMs: e.WDT_RATE_LIMIT_WINDOW_MS,
      rateLimitMarginMs: e.WDT_RATE_LIMIT_MARGIN_MS,
    },
    extract: {
      pollIntervalMs: e.EXTRACT_POLL_INTERVAL_MS,
      lagMs: e.EXTRACT_LAG_MS,
      overlapMs: e.EXTRACT_OVERLAP_MS,
      maxWindowMs: e.EXTRACT_MAX_WINDOW_MS,
      maxWindowsPerRun: e.EXTRACT_MAX_WINDOWS_PER_RUN,
      pageSize: e.EXTRACT_PAGE_SIZE,
      pageConcurrency: e.EXTRACT_PAGE_CONCURRENCY,
      pageAttempts: e.EXTRACT_PAGE_ATTEMPTS,
      pageBackoffMs: e.EXTRACT_PAGE_BACKOFF_MS,
      status: e.EXTRACT_STATUS,
      shopNo: e.EXTRACT_SHOP_NO,
      warehouseNo: e.EXTRACT_WAREHOUSE_NO,
      byModified: e.EXTRACT_BY_MODIFIED,
      startFromMs: e.EXTRACT_START_FROM,
      paging: e.EXTRACT_PAGING,
      sweep: e.EXTRACT_SWEEP && !e.EXTRACT_BY_MODIFIED,
      sweepIntervalMs: e.EXTRACT_SWEEP_INTERVAL_MS,
      sweepDelayMs: e.EXTRACT_SWEEP_DELAY_MS,
      healthStallMs: e.EXTRACT_HEALTH_STALL_MS,
      guardIntervalMs: e.EXTRACT_GUARD_INTERVAL_MS,
      dataLossRewindMs: e.EXTRACT_DATA_LOSS_REWIND_MS,
      keepCompleted: { age: e.EXTRACT_KEEP_COMPLETED_S, count: e.EXTRACT_KEEP_COMPLETED_JOBS },
      dryRun: e.EXTRACT_DRY_RUN,
      rateLimitBackoffMs: e.EXTRACT_RATE_LIMIT_BACKOFF_MS,
      lockDurationMs: e.EXTRACT_LOCK_DURATION_MS,
      stalledIntervalMs: e.EXTRACT_STALLED_INTERVAL_MS,
    },
    ops: { host: e.OPS_HOST, port: e.OPS_PORT },
  };
}
