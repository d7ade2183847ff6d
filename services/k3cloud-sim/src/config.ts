import { envBoolean, envHost, envIntIn, envPort, LOG_LEVELS, parseConfig } from '@wdt-k3/runtime';
import { z } from 'zod';
import { DEPLOYMENTS } from './auth/authenticate.ts';
import type { SimCredentials } from './auth/credentials.ts';

/**
 * Demo credentials are not secrets of any real system, but they are still never logged. The app
 * id must be `<clientId>_<32 base64 chars>`: Kingdee's Python SDK derives the client secret only
 * for exactly 32 characters after the underscore (reference "Verified" note).
 */
const schema = z.object({
  K3_SIM_HOST: envHost.default('127.0.0.1'),
  K3_SIM_PORT: envPort.default(4102),
  K3_SIM_ACCT_ID: z.string().min(1).default('66f0a1b2c3d4e5'),
  K3_SIM_USERNAME: z.string().min(1).default('apiuser'),
  K3_SIM_APP_ID: z
    .string()
    .regex(/^[^_]+_[A-Za-z0-9+/=]{32}$/, 'must be <clientId>_<32-char base64>')
    .default('300001_AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcY'),
  K3_SIM_APP_SECRET: z.string().min(1).default('0123456789abcdef0123456789abcdef'),
  K3_SIM_PASSWORD: z.string().min(1).default('k3-sim-password'),
  K3_SIM_SESSION_TTL_MS: envIntIn(1_000, 86_400_000).default(30 * 60_000),
  K3_SIM_SIGNATURE_MAX_SKEW_MS: envIntIn(0, 86_400_000).default(0),
  // cloud: Kingdee's API gateway in front (wrong app id → HTTP 519); private: on-premise, no gateway.
  K3_SIM_DEPLOYMENT: z.enum(DEPLOYMENTS).default('cloud'),
  // false: a K3 account whose numbering rule allows duplicate FBillNo (no MsgCode 11).
  K3_SIM_UNIQUE_BILL_NO: envBoolean.default(true),
  K3_SIM_COST_MODEL: envBoolean.default(false),
  K3_SIM_COST_BASE_MS: envIntIn(0, 600_000).default(150),
  K3_SIM_COST_PER_BILL_MS: envIntIn(0, 60_000).default(20),
  K3_SIM_COST_MAX_CONCURRENT: envIntIn(1, 1_000).default(4),
  // Same defaults as wdt-sim: seed 1, no dataset unless an order count is given.
  K3_SIM_SEED: envIntIn(0, 2_147_483_647).default(1),
  K3_SIM_ORDERS: envIntIn(0, 10_000_000).default(0),
  K3_SIM_FROM: z.string().optional(),
  K3_SIM_TO: z.string().optional(),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
});

export type K3SimConfig = z.output<typeof schema>;

export function loadConfig(env: Readonly<Record<string, string | undefined>>): K3SimConfig {
  return parseConfig(schema, env, 'k3cloud-sim environment');
}

/** The credentials the simulator accepts, from its configuration. */
export function simCredentials(config: K3SimConfig): SimCredentials {
  return {
    acctId: config.K3_SIM_ACCT_ID,
    username: config.K3_SIM_USERNAME,
    appId: config.K3_SIM_APP_ID,
    appSecret: config.K3_SIM_APP_SECRET,
    password: config.K3_SIM_PASSWORD,
  };
}
