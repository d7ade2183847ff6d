import type { K3Auth } from '@wdt-k3/k3cloud-client';
import { databaseEnvSchema, toDatabaseSettings } from '@wdt-k3/ledger';
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

const envSchema = redisEnvSchema.extend({
  ...databaseEnvSchema.shape,
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  // The loader's K3 settings: same names, so one env file serves both.
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
  RECONCILE_DAILY: envBoolean.default(true),
  RECONCILE_DAILY_AT: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:mm, Beijing time, e.g. 02:30')
    .default('02:30'),
  RECONCILE_K3_PAGE_ROWS: positive.pipe(z.number().max(10_000)).default(2_000),
  RECONCILE_RETENTION_DAYS: positive.pipe(z.number().max(3_650)).default(90),
  RECONCILE_LANG: z.enum(['zh-CN', 'en']).default('zh-CN'),
  RECONCILE_SETTLE_INTERVAL_MS: positive.pipe(z.number().min(100).max(600_000)).default(10_000),
  RECONCILE_LOCK_DURATION_MS: positive.pipe(z.number().min(1_000).max(600_000)).default(60_000),
  ...opsEnvFields(9105),
});

export interface ReconcilerConfig {
  readonly logLevel: (typeof LOG_LEVELS)[number];
  readonly redis: RedisSettings;
  readonly database: ReturnType<typeof toDatabaseSettings>;
  readonly k3: { readonly baseUrl: string; readonly auth: K3Auth; readonly requestTimeoutMs: number };
  readonly reconcile: {
    /** The daily run for the day before, at `dailyAt` (HH:mm Beijing); null = no schedule. */
    readonly dailyAt: { readonly hour: number; readonly minute: number } | null;
    readonly k3PageRows: number;
    readonly retentionMs: number;
    readonly lang: 'zh-CN' | 'en';
    readonly settleIntervalMs: number;
    readonly lockDurationMs: number;
  };
  readonly ops: { readonly host: string; readonly port: number };
}

type Env = z.output<typeof envSchema>;

function toAuth(e: Env, ctx: z.RefinementCtx): K3Auth | undefined {
  const base = { acctId: e.K3_ACCT_ID, username: e.K3_USERNAME, lcid: e.K3_LCID };
  if (e.K3_AUTH_KIND === 'password') {
    if (e.K3_PASSWORD !== undefined) return { kind: 'password', ...base, password: e.K3_PASSWORD };
    ctx.addIssue({ code: 'custom', path: ['K3_PASSWORD'], message: 'required when K3_AUTH_KIND=password' });
    return undefined;
  }
  if (e.K3_APP_ID === undefined || e.K3_APP_SECRET === undefined) {
    for (const key of ['K3_APP_ID', 'K3_APP_SECRET'] as const)
      if (e[key] === undefined)
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `required when K3_AUTH_KIND=${e.K3_AUTH_KIND}`,
        });
    return undefined;
  }
  const app = { ...base, appId: e.K3_APP_ID, appSecret: e.K3_APP_SECRET };
  return e.K3_AUTH_KIND === 'signature'
    ? { kind: 'signature', ...app, orgNum: e.K3_ORG_NUM }
    : { kind: e.K3_AUTH_KIND, ...app };
}

export function loadConfig(env: Readonly<Record<string, string | undefined>>): ReconcilerConfig {
  const schema = envSchema.transform((e, ctx) => {
    const auth = toAuth(e, ctx);
    return auth === undefined ? z.NEVER : { e, auth };
  });
  const { e, auth } = parseConfig(schema, env, 'reconciler environment');
  const [hour, minute] = e.RECONCILE_DAILY_AT.split(':').map(Number) as [number, number];
  return {
    logLevel: e.LOG_LEVEL,
    redis: toRedisSettings(e),
    database: toDatabaseSettings(e, 'wdt-k3-reconciler'),
    k3: { baseUrl: e.K3_BASE_URL, auth, requestTimeoutMs: e.K3_REQUEST_TIMEOUT_MS },
    reconcile: {
      dailyAt: e.RECONCILE_DAILY ? { hour, minute } : null,
      k3PageRows: e.RECONCILE_K3_PAGE_ROWS,
      retentionMs: e.RECONCILE_RETENTION_DAYS * DAY_MS,
      lang: e.RECONCILE_LANG,
      settleIntervalMs: e.RECONCILE_SETTLE_INTERVAL_MS,
      lockDurationMs: e.RECONCILE_LOCK_DURATION_MS,
    },
    ops: { host: e.OPS_HOST, port: e.OPS_PORT },
  };
}
