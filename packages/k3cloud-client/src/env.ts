import { envBoolean, envInt } from '@wdt-k3/runtime';
import { z } from 'zod';
import type { K3Auth } from './types.ts';

export const K3_AUTH_KINDS = ['signature', 'appSecret', 'password', 'sign'] as const;

/** K3's locales for `lcid`: 2052 简体中文, 1033 English, 3076 繁體中文 (docs/reference/k3cloud.md). */
export const K3_LCIDS = [2052, 1033, 3076] as const;

const ms = (min: number, max: number) => envInt.pipe(z.number().min(min).max(max));

/**
 * The one environment fragment for K3Cloud, shared by every service that talks to it (loader,
 * admin's dry run, reconciliation), so names, defaults and bounds cannot drift. Required-ness is
 * the caller's (`resolveK3Settings`): the loader needs K3, the admin runs without.
 */
export const k3EnvFields = {
  K3_BASE_URL: z
    .url({ protocol: /^https?$/, error: 'an http:// or https:// URL, e.g. https://host/k3cloud/' })
    .optional(),
  K3_AUTH_KIND: z.enum(K3_AUTH_KINDS).default('signature'),
  K3_ACCT_ID: z.string().trim().min(1).max(100).optional(),
  K3_USERNAME: z.string().trim().min(1).max(100).optional(),
  K3_APP_ID: z.string().trim().min(1).max(200).optional(),
  K3_APP_SECRET: z.string().min(1).max(500).optional(),
  K3_PASSWORD: z.string().min(1).max(500).optional(),
  K3_LCID: envInt
    .pipe(
      z
        .number()
        .refine((value) => (K3_LCIDS as readonly number[]).includes(value), 'one of 2052, 1033, 3076'),
    )
    .default(2052),
  K3_ORG_NUM: envInt.pipe(z.number().max(2_147_483_647)).default(0),
  K3_REQUEST_TIMEOUT_MS: ms(1_000, 600_000).default(60_000),
  K3_MAX_CONCURRENT_REQUESTS: envInt.pipe(z.number().min(1).max(64)).default(8),
  K3_VERIFY_BASE_DATA: envBoolean.default(true),
};

/**
 * The same fields for a service that cannot run without K3 (the loader): the site and the account
 * are required by the schema itself, so their absence is listed with every other problem at once.
 */
export const k3RequiredEnvFields = {
  ...k3EnvFields,
  K3_BASE_URL: k3EnvFields.K3_BASE_URL.unwrap(),
  K3_ACCT_ID: k3EnvFields.K3_ACCT_ID.unwrap(),
  K3_USERNAME: k3EnvFields.K3_USERNAME.unwrap(),
};

export const k3EnvSchema = z.object(k3EnvFields);
export type K3Env = z.output<typeof k3EnvSchema>;

export interface K3Settings {
  readonly baseUrl: string;
  readonly auth: K3Auth;
  readonly requestTimeoutMs: number;
  readonly maxConcurrentRequests: number;
  readonly verifyBaseData: boolean;
}

/** Receives one problem: the variable and what is wrong with it. */
export type ReportProblem = (key: keyof K3Env, message: string) => void;

function toAuth(env: K3Env, acctId: string, username: string, lcid: number): K3Auth | null {
  if (env.K3_AUTH_KIND === 'password') {
    return env.K3_PASSWORD === undefined
      ? null
      : { kind: 'password', acctId, username, password: env.K3_PASSWORD, lcid };
  }
  const { K3_APP_ID: appId, K3_APP_SECRET: appSecret } = env;
  if (appId === undefined || appSecret === undefined) return null;
  const app = { acctId, username, appId, appSecret, lcid };
  return env.K3_AUTH_KIND === 'signature'
    ? { kind: 'signature', ...app, orgNum: env.K3_ORG_NUM }
    : { kind: env.K3_AUTH_KIND, ...app };
}

/**
 * K3 settings from the parsed fragment, or null when K3 is optional and not configured. Every
 * missing credential of the chosen K3_AUTH_KIND is reported, not only the first.
 */
export function resolveK3Settings(env: K3Env, report: ReportProblem, required: boolean): K3Settings | null {
  if (env.K3_BASE_URL === undefined && !required) return null;
  const because = required
    ? `required when K3_AUTH_KIND=${env.K3_AUTH_KIND}`
    : `required when K3_BASE_URL is set (K3_AUTH_KIND=${env.K3_AUTH_KIND})`;
  const needed: Array<keyof K3Env> = [
    'K3_BASE_URL',
    'K3_ACCT_ID',
    'K3_USERNAME',
    ...(env.K3_AUTH_KIND === 'password'
      ? (['K3_PASSWORD'] as const)
      : (['K3_APP_ID', 'K3_APP_SECRET'] as const)),
  ];
  const absent = needed.filter((key) => env[key] === undefined);
  for (const key of absent) report(key, because);
  const { K3_BASE_URL: baseUrl, K3_ACCT_ID: acctId, K3_USERNAME: username, K3_LCID: lcid } = env;
  if (baseUrl === undefined || acctId === undefined || username === undefined) return null;
  const auth = toAuth(env, acctId, username, lcid);
  if (auth === null) return null;
  return {
    baseUrl: baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`,
    auth,
    requestTimeoutMs: env.K3_REQUEST_TIMEOUT_MS,
    maxConcurrentRequests: env.K3_MAX_CONCURRENT_REQUESTS,
    verifyBaseData: env.K3_VERIFY_BASE_DATA,
  };
}
