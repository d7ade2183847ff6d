import {
  envBoolean,
  envInt,
  LOG_LEVELS,
  parseConfig,
  type RedisSettings,
  redisEnvSchema,
  toRedisSettings,
} from '@wdt-k3/runtime';
import { z } from 'zod';

const positive = envInt.pipe(z.number().min(1));

const envSchema = redisEnvSchema.extend({
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  K3_BASE_URL: z.url(),
  K3_AUTH_KIND: z.enum(['signature', 'appSecret', 'password', 'sign']).default('signature'),
  K3_ACCT_ID: z.string().min(1),
  K3_USERNAME: z.string().min(1),
  K3_APP_ID: z.string().min(1).optional(),
  K3_APP_SECRET: z.string().min(1).optional(),
  K3_PASSWORD: z.string().min(1).optional(),
  K3_LCID: envInt.default(2052),
  K3_ORG_NUM: envInt.default(0),
  K3_REQUEST_TIMEOUT_MS: positive.default(60_000),
  K3_MAX_CONCURRENT_REQUESTS: positive.default(8),
  K3_VERIFY_BASE_DATA: envBoolean.default(true),
  MAPPING_PROFILE: z.string().min(1).optional(),
  LOADER_CONCURRENCY: positive.default(100),
  LOADER_BATCH_SIZE: positive.pipe(z.number().max(1000)).default(50),
  LOADER_BATCH_WAIT_MS: envInt.default(50),
  LOADER_MAX_CONCURRENT_SAVES: positive.default(4),
  LOADER_LINK_MODE: z.enum(['required', 'optional', 'off']).default('required'),
  LOADER_LOOKUP_CACHE_TTL_MS: positive.default(10 * 60_000),
  LOADER_LOOKUP_MISS_TTL_MS: positive.default(30_000),
  LOADER_LOOKUP_BATCH_WAIT_MS: envInt.default(10),
  LOADER_SHUTDOWN_TIMEOUT_MS: positive.default(30_000),
  LOADER_LOCK_DURATION_MS: positive.pipe(z.number().min(1_000)).default(30_000),
  LOADER_STALLED_INTERVAL_MS: positive.pipe(z.number().min(1_000)).default(30_000),
  LOADER_RECONCILE_INTERVAL_MS: positive.default(60_000),
  LOADER_HEALTH_STALL_MS: positive.default(120_000),
  OPS_HOST: z.string().default('0.0.0.0'),
  OPS_PORT: envInt.default(9102),
});

export type K3AuthConfig =
  | {
      kind: 'signature';
      acctId: string;
      username: string;
      appId: string;
      appSecret: string;
      lcid: number;
      orgNum: number;
    }
  | {
      kind: 'appSecret' | 'sign';
      acctId: string;
      username: string;
      appId: string;
      appSecret: string;
      lcid: number;
    }
  | { kind: 'password'; acctId: string; username: string; password: string; lcid: number };

export interface LoaderConfig {
  readonly logLevel: (typeof LOG_LEVELS)[number];
  readonly redis: RedisSettings;
  readonly k3: {
    readonly baseUrl: string;
    readonly auth: K3AuthConfig;
    readonly requestTimeoutMs: number;
    readonly maxConcurrentRequests: number;
    readonly verifyBaseData: boolean;
  };
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
    readonly lockDurationMs: number;
    readonly stalledIntervalMs: number;
    readonly reconcileIntervalMs: number;
    readonly healthStallMs: number;
  };
  readonly ops: { readonly host: string; readonly port: number };
}

function toAuth(e: z.output<typeof envSchema>, ctx: z.RefinementCtx): K3AuthConfig | undefined {
  const base = { acctId: e.K3_ACCT_ID, username: e.K3_USERNAME, lcid: e.K3_LCID };
  if (e.K3_AUTH_KIND === 'password') {
    if (e.K3_PASSWORD !== undefined) return { kind: 'password', ...base, password: e.K3_PASSWORD };
    ctx.addIssue({ code: 'custom', path: ['K3_PASSWORD'], message: 'required when K3_AUTH_KIND=password' });
    return undefined;
  }
  if (e.K3_APP_ID === undefined || e.K3_APP_SECRET === undefined) {
    for (const key of ['K3_APP_ID', 'K3_APP_SECRET'] as const) {
      if (e[key] === undefined)
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `required when K3_AUTH_KIND=${e.K3_AUTH_KIND}`,
        });
    }
    return undefined;
  }
  const app = { ...base, appId: e.K3_APP_ID, appSecret: e.K3_APP_SECRET };
  return e.K3_AUTH_KIND === 'signature'
    ? { kind: 'signature', ...app, orgNum: e.K3_ORG_NUM }
    : { kind: e.K3_AUTH_KIND, ...app };
}

export function loadConfig(env: Readonly<Record<string, string | undefined>>): LoaderConfig {
  const schema = envSchema.transform((e, ctx) => {
    const auth = toAuth(e, ctx);
    return auth === undefined ? z.NEVER : { e, auth };
  });
  const { e, auth } = parseConfig(schema, env, 'loader environment');
  return {
    logLevel: e.LOG_LEVEL,
    redis: toRedisSettings(e),
    k3: {
      baseUrl: e.K3_BASE_URL,
      auth,
      requestTimeoutMs: e.K3_REQUEST_TIMEOUT_MS,
      maxConcurrentRequests: e.K3_MAX_CONCURRENT_REQUESTS,
      verifyBaseData: e.K3_VERIFY_BASE_DATA,
    },
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
      lockDurationMs: e.LOADER_LOCK_DURATION_MS,
      stalledIntervalMs: e.LOADER_STALLED_INTERVAL_MS,
      reconcileIntervalMs: e.LOADER_RECONCILE_INTERVAL_MS,
      healthStallMs: e.LOADER_HEALTH_STALL_MS,
    },
    ops: { host: e.OPS_HOST, port: e.OPS_PORT },
  };
}
