import type { K3Auth } from '@wdt-k3/k3cloud-client';
import { envInt } from '@wdt-k3/runtime';
import { SIGN_METHODS, type SignMethod } from '@wdt-k3/wdt-client';
import { z } from 'zod';

/**
 * Settings of the dry-run route, part of the one schema in config.ts. Same names and defaults as
 * the extractor (WDT_*) and the loader (K3_*, MAPPING_PROFILE), so one env file serves all three.
 * WDT settings switch dry runs on; K3 settings add the salesman and sales-order lookups.
 */
export const dryRunEnvFields = {
  WDT_BASE_URL: z.url().default('http://hu3cgwt0tc.api.taobao.com/router/qm'),
  WDT_APP_KEY: z.string().min(1).optional(),
  WDT_APP_SECRET: z.string().min(1).optional(),
  WDT_TARGET_APP_KEY: z.string().min(1).default('21363512'),
  WDT_SID: z.string().min(1).optional(),
  WDT_SIGN_METHOD: z.enum(SIGN_METHODS).default('md5'),
  WDT_REQUEST_TIMEOUT_MS: envInt.default(30_000),
  K3_BASE_URL: z.url().optional(),
  K3_AUTH_KIND: z.enum(['signature', 'appSecret', 'password', 'sign']).default('signature'),
  K3_ACCT_ID: z.string().min(1).optional(),
  K3_USERNAME: z.string().min(1).optional(),
  K3_APP_ID: z.string().min(1).optional(),
  K3_APP_SECRET: z.string().min(1).optional(),
  K3_PASSWORD: z.string().min(1).optional(),
  K3_LCID: envInt.default(2052),
  K3_ORG_NUM: envInt.default(0),
  K3_REQUEST_TIMEOUT_MS: envInt.default(60_000),
  MAPPING_PROFILE: z.string().min(1).optional(),
  ADMIN_DRY_RUN_LINK_MODE: z.enum(['required', 'optional', 'off']).default('required'),
};

type DryRunEnv = z.output<z.ZodObject<typeof dryRunEnvFields>>;

export interface DryRunSettings {
  readonly wdt: {
    readonly baseUrl: string;
    readonly appKey: string;
    readonly appSecret: string;
    readonly targetAppKey: string;
    readonly sid: string;
    readonly signMethod: SignMethod;
    readonly requestTimeoutMs: number;
  };
  readonly k3: { readonly baseUrl: string; readonly auth: K3Auth; readonly requestTimeoutMs: number } | null;
  readonly mappingProfilePath: string | undefined;
  readonly linkMode: 'required' | 'optional' | 'off';
}

type Problems = string[];

function missing(env: DryRunEnv, keys: ReadonlyArray<keyof DryRunEnv>, because: string, problems: Problems) {
  for (const key of keys) if (env[key] === undefined) problems.push(`${key}: required ${because}`);
}

function k3Auth(env: DryRunEnv, problems: Problems): K3Auth | null {
  const because = `when K3_BASE_URL is set (K3_AUTH_KIND=${env.K3_AUTH_KIND})`;
  const { K3_ACCT_ID: acctId, K3_USERNAME: username, K3_LCID: lcid } = env;
  if (env.K3_AUTH_KIND === 'password') {
    missing(env, ['K3_ACCT_ID', 'K3_USERNAME', 'K3_PASSWORD'], because, problems);
    if (acctId === undefined || username === undefined || env.K3_PASSWORD === undefined) return null;
    return { kind: 'password', acctId, username, password: env.K3_PASSWORD, lcid };
  }
  missing(env, ['K3_ACCT_ID', 'K3_USERNAME', 'K3_APP_ID', 'K3_APP_SECRET'], because, problems);
  const { K3_APP_ID: appId, K3_APP_SECRET: appSecret } = env;
  if (acctId === undefined || username === undefined || appId === undefined || appSecret === undefined)
    return null;
  const app = { acctId, username, appId, appSecret, lcid };
  return env.K3_AUTH_KIND === 'signature'
    ? { kind: 'signature', ...app, orgNum: env.K3_ORG_NUM }
    : { kind: env.K3_AUTH_KIND, ...app };
}

/** null when no WDT setting is given (dry runs off); problems name every half-given group. */
export function resolveDryRun(env: DryRunEnv, problems: Problems): DryRunSettings | null {
  const wdtKeys = ['WDT_APP_KEY', 'WDT_APP_SECRET', 'WDT_SID'] as const;
  if (wdtKeys.every((key) => env[key] === undefined)) return null;
  missing(env, wdtKeys, 'for dry runs once any WDT setting is given', problems);
  const auth = env.K3_BASE_URL === undefined ? null : k3Auth(env, problems);
  const { WDT_APP_KEY: appKey, WDT_APP_SECRET: appSecret, WDT_SID: sid } = env;
  if (appKey === undefined || appSecret === undefined || sid === undefined) return null;
  return {
    wdt: {
      baseUrl: env.WDT_BASE_URL,
      appKey,
      appSecret,
      targetAppKey: env.WDT_TARGET_APP_KEY,
      sid,
      signMethod: env.WDT_SIGN_METHOD,
      requestTimeoutMs: env.WDT_REQUEST_TIMEOUT_MS,
    },
    k3:
      env.K3_BASE_URL === undefined || auth === null
        ? null
        : { baseUrl: env.K3_BASE_URL, auth, requestTimeoutMs: env.K3_REQUEST_TIMEOUT_MS },
    mappingProfilePath: env.MAPPING_PROFILE,
    linkMode: env.ADMIN_DRY_RUN_LINK_MODE,
  };
}
