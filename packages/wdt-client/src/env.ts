import { envInt } from '@wdt-k3/runtime';
import { z } from 'zod';
import { WDT_TARGET_APP_KEY } from './request.ts';
import { SIGN_METHODS, type SignMethod } from './sign.ts';

/**
 * The one environment fragment for WDT over Qimen, shared by every service that calls it
 * (extractor, admin's dry run, reconciliation), so names, defaults and bounds cannot drift.
 * Required-ness is the caller's (`resolveWdtSettings`).
 */
export const wdtEnvFields = {
  WDT_BASE_URL: z
    .url({ protocol: /^https?$/, error: 'an http:// or https:// URL (the Qimen router)' })
    .default('http://hu3cgwt0tc.api.taobao.com/router/qm'),
  WDT_APP_KEY: z.string().trim().min(1).max(200).optional(),
  WDT_APP_SECRET: z.string().min(1).max(500).optional(),
  WDT_TARGET_APP_KEY: z.string().trim().min(1).max(200).default(WDT_TARGET_APP_KEY),
  WDT_SID: z.string().trim().min(1).max(200).optional(),
  WDT_SIGN_METHOD: z.enum(SIGN_METHODS).default('md5'),
  WDT_REQUEST_TIMEOUT_MS: envInt.pipe(z.number().min(100).max(600_000)).default(30_000),
};

/** The same fields for a service that cannot run without WDT (the extractor): credentials required by the schema. */
export const wdtRequiredEnvFields = {
  ...wdtEnvFields,
  WDT_APP_KEY: wdtEnvFields.WDT_APP_KEY.unwrap(),
  WDT_APP_SECRET: wdtEnvFields.WDT_APP_SECRET.unwrap(),
  WDT_SID: wdtEnvFields.WDT_SID.unwrap(),
};

export const wdtEnvSchema = z.object(wdtEnvFields);
export type WdtEnv = z.output<typeof wdtEnvSchema>;

export interface WdtSettings {
  readonly baseUrl: string;
  readonly appKey: string;
  readonly appSecret: string;
  readonly targetAppKey: string;
  readonly sid: string;
  readonly signMethod: SignMethod;
  readonly requestTimeoutMs: number;
}

const CREDENTIALS = ['WDT_APP_KEY', 'WDT_APP_SECRET', 'WDT_SID'] as const;

/**
 * WDT settings from the parsed fragment, or null when WDT is optional and none of its
 * credentials is given. Every missing credential is reported, not only the first.
 */
export function resolveWdtSettings(
  env: WdtEnv,
  report: (key: keyof WdtEnv, message: string) => void,
  required: boolean,
): WdtSettings | null {
  if (!required && CREDENTIALS.every((key) => env[key] === undefined)) return null;
  for (const key of CREDENTIALS) {
    if (env[key] === undefined) report(key, required ? 'required' : 'required once any WDT setting is given');
  }
  const { WDT_APP_KEY: appKey, WDT_APP_SECRET: appSecret, WDT_SID: sid } = env;
  if (appKey === undefined || appSecret === undefined || sid === undefined) return null;
  return {
    baseUrl: env.WDT_BASE_URL,
    appKey,
    appSecret,
    targetAppKey: env.WDT_TARGET_APP_KEY,
    sid,
    signMethod: env.WDT_SIGN_METHOD,
    requestTimeoutMs: env.WDT_REQUEST_TIMEOUT_MS,
  };
}
