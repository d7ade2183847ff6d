import {
  envBoolean,
  envInt,
  LOG_LEVELS,
  parseConfig,
  parseInstant,
  type RedisSettings,
  redisEnvSchema,
  toRedisSettings,
} from '@wdt-k3/runtime';
import { z } from 'zod';

const MINUTE_MS = 60_000;
const THIRTY_DAYS_MS = 30 * 24 * 60 * MINUTE_MS;

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
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  WDT_BASE_URL: z.url().default('http://hu3cgwt0tc.api.taobao.com/router/qm'),
  WDT_APP_KEY: z.string().min(1),
  WDT_APP_SECRET: z.string().min(1),
  WDT_TARGET_APP_KEY: z.string().min(1).default('21363512'),
  WDT_SID: z.string().min(1),
  WDT_SIGN_METHOD: z.enum(['md5', 'hmac', 'hmac-sha256']).default('md5'),
  WDT_REQUEST_TIMEOUT_MS: envInt.default(30_000),
  WDT_RATE_LIMIT_PER_MINUTE: envInt.pipe(z.number().min(1)).default(60),
  WDT_RATE_LIMIT_WINDOW_MS: envInt.pipe(z.number().min(1_000)).default(MINUTE_MS),
  EXTRACT_POLL_INTERVAL_MS: envInt.pipe(z.number().min(1_000)).default(MINUTE_MS),
  EXTRACT_LAG_MS: envInt.default(2 * MINUTE_MS),
  EXTRACT_OVERLAP_MS: envInt.default(5 * MINUTE_MS),
  EXTRACT_MAX_WINDOW_MS: envInt.pipe(z.number().min(1_000).max(THIRTY_DAYS_MS)).default(60 * MINUTE_MS),
  EXTRACT_MAX_WINDOWS_PER_RUN: envInt.pipe(z.number().min(1)).default(24),
  EXTRACT_PAGE_SIZE: envInt.pipe(z.number().min(1).max(100)).default(100),
  EXTRACT_PAGE_CONCURRENCY: envInt.pipe(z.number().min(1)).default(2),
  EXTRACT_PAGE_ATTEMPTS: envInt.pipe(z.number().min(1)).default(6),
  EXTRACT_PAGE_BACKOFF_MS: envInt.pipe(z.number().min(1)).default(5_000),
  // Checked as one string before it is split: a list piped into a second schema was left out of
  // the problem list when required keys were missing too (zod 4.6), and every problem must show.
  EXTRACT_STATUS: z
    .string()
    .regex(/^\s*\d+(\s*,\s*\d+)*\s*$/, 'comma-separated status codes, e.g. 95 or 95,105,110,113')
    .default('95')
    .transform((value) => value.split(',').map((item) => Number(item.trim()))),
  EXTRACT_SHOP_NO: z.string().min(1).optional(),
  EXTRACT_WAREHOUSE_NO: z.string().min(1).optional(),
  EXTRACT_BY_MODIFIED: envBoolean.default(false),
  EXTRACT_START_FROM: instant.optional(),
  EXTRACT_DRY_RUN: envBoolean.default(false),
  EXTRACT_RATE_LIMIT_BACKOFF_MS: envInt.optional(),
  EXTRACT_LOCK_DURATION_MS: envInt.pipe(z.number().min(1_000)).default(30_000),
  EXTRACT_STALLED_INTERVAL_MS: envInt.pipe(z.number().min(1_000)).default(30_000),
  OPS_HOST: z.string().default('0.0.0.0'),
  OPS_PORT: envInt.default(9101),
});

export interface ExtractorConfig {
  readonly logLevel: (typeof LOG_LEVELS)[number];
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
    readonly dryRun: boolean;
    /** Overrides the wait a WDT rate-limit answer implies (tests shorten it). */
    readonly rateLimitBackoffMs: number | undefined;
    readonly lockDurationMs: number;
    readonly stalledIntervalMs: number;
  };
  readonly ops: { readonly host: string; readonly port: number };
}

export function loadConfig(env: Readonly<Record<string, string | undefined>>): ExtractorConfig {
  const e = parseConfig(
    envSchema.superRefine((value, ctx) => {
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
      dryRun: e.EXTRACT_DRY_RUN,
      rateLimitBackoffMs: e.EXTRACT_RATE_LIMIT_BACKOFF_MS,
      lockDurationMs: e.EXTRACT_LOCK_DURATION_MS,
      stalledIntervalMs: e.EXTRACT_STALLED_INTERVAL_MS,
    },
    ops: { host: e.OPS_HOST, port: e.OPS_PORT },
  };
}
