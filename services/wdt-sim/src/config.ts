import { ConfigError, envHost, envIntIn, envPort, LOG_LEVELS, parseConfig } from '@wdt-k3/runtime';
import type { DatasetOptions } from '@wdt-k3/sim-data';
import { z } from 'zod';
import type { WdtSimOptions } from './sim-state.ts';
import { timeInputSchema } from './time-input.ts';

const DAY_MS = 86_400_000;

/**
 * Demo credentials are documented defaults (README); real WDT credentials never belong here.
 * The optional initial dataset: WDT_SIM_ORDERS orders over [WDT_SIM_FROM, WDT_SIM_TO), by default
 * the 30 days up to the start of the current hour.
 */
const envSchema = z.object({
  WDT_SIM_HOST: envHost.default('127.0.0.1'),
  WDT_SIM_PORT: envPort.default(4101),
  WDT_SIM_APP_KEY: z.string().min(1).default('wdt-sim-app-key'),
  WDT_SIM_APP_SECRET: z.string().min(1).default('wdt-sim-app-secret'),
  WDT_SIM_TARGET_APP_KEY: z.string().min(1).default('21363512'),
  WDT_SIM_SID: z.string().min(1).default('wdt-sim'),
  WDT_SIM_RATE_LIMIT_PER_MINUTE: envIntIn(1, 1_000_000).default(60),
  WDT_SIM_PAGE_SIZE_MAX: envIntIn(1, 10_000).default(100),
  WDT_SIM_PAGE_SIZE_DEFAULT: envIntIn(1, 10_000).default(40),
  WDT_SIM_SEED: envIntIn(0, 2_147_483_647).default(1),
  WDT_SIM_ORDERS: envIntIn(0, 10_000_000).default(0),
  WDT_SIM_FROM: timeInputSchema.optional(),
  WDT_SIM_TO: timeInputSchema.optional(),
  WDT_SIM_LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
});

export interface WdtSimConfig {
  readonly host: string;
  readonly port: number;
  readonly logLevel: (typeof LOG_LEVELS)[number];
  readonly sim: Omit<WdtSimOptions, 'logger' | 'now'>;
}

export function loadConfig(
  env: Readonly<Record<string, string | undefined>>,
  nowMs = Date.now(),
): WdtSimConfig {
  const e = parseConfig(envSchema, env, 'wdt-sim environment');
  const toMs = e.WDT_SIM_TO ?? Math.floor(nowMs / 3_600_000) * 3_600_000;
  const fromMs = e.WDT_SIM_FROM ?? toMs - 30 * DAY_MS;
  const problems = [
    ...(e.WDT_SIM_PAGE_SIZE_MAX < 1 ? ['WDT_SIM_PAGE_SIZE_MAX: must be at least 1'] : []),
    ...(e.WDT_SIM_PAGE_SIZE_DEFAULT < 1 || e.WDT_SIM_PAGE_SIZE_DEFAULT > e.WDT_SIM_PAGE_SIZE_MAX
      ? ['WDT_SIM_PAGE_SIZE_DEFAULT: must be 1 … WDT_SIM_PAGE_SIZE_MAX']
      : []),
    ...(e.WDT_SIM_ORDERS > 0 && !(toMs > fromMs) ? ['WDT_SIM_TO: must be after WDT_SIM_FROM'] : []),
    ...(e.WDT_SIM_ORDERS > 9_999_999 ? ['WDT_SIM_ORDERS: at most 9,999,999 (sim-data)'] : []),
  ];
  if (problems.length > 0) throw new ConfigError(problems, 'wdt-sim environment');
  const dataset: DatasetOptions | undefined =
    e.WDT_SIM_ORDERS > 0 ? { seed: e.WDT_SIM_SEED, count: e.WDT_SIM_ORDERS, fromMs, toMs } : undefined;
  return {
    host: e.WDT_SIM_HOST,
    port: e.WDT_SIM_PORT,
    logLevel: e.WDT_SIM_LOG_LEVEL,
    sim: {
      appKey: e.WDT_SIM_APP_KEY,
      appSecret: e.WDT_SIM_APP_SECRET,
      targetAppKey: e.WDT_SIM_TARGET_APP_KEY,
      sid: e.WDT_SIM_SID,
      rateLimitPerMinute: e.WDT_SIM_RATE_LIMIT_PER_MINUTE,
      pageSizeMax: e.WDT_SIM_PAGE_SIZE_MAX,
      pageSizeDefault: e.WDT_SIM_PAGE_SIZE_DEFAULT,
      ...(dataset !== undefined && { dataset }),
    },
  };
}
