import { hostname } from 'node:os';
import { type ChannelConfig, type ConfiguredRule, configureRules, parseChannels } from '@wdt-k3/alerts';
import { databaseEnvSchema, toDatabaseSettings } from '@wdt-k3/ledger';
import {
  ConfigError,
  envInt,
  envPort,
  LOG_LEVELS,
  parseConfig,
  type RedisSettings,
  redisEnvSchema,
  toRedisSettings,
} from '@wdt-k3/runtime';
import { z } from 'zod';

const ms = (min: number, max: number) => envInt.pipe(z.number().min(min).max(max));
const HOUR = 3_600_000;

/** Every setting of the alerter; README.md lists them. Nothing else reads process.env. */
const envSchema = redisEnvSchema.extend({
  ...databaseEnvSchema.shape,
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  ALERT_CHANNELS: z.string().optional(),
  ALERT_CHANNELS_FILE: z.string().optional(),
  ALERT_RULES: z.string().optional(),
  ALERT_LINK_BASE_URL: z
    .url({ protocol: /^https?$/, error: 'an http(s) URL such as https://ops.example.com' })
    .transform((value) => value.replace(/\/+$/, ''))
    .optional(),
  ALERT_EVALUATE_INTERVAL_MS: ms(1_000, 10 * 60_000).default(15_000),
  ALERT_DELIVER_INTERVAL_MS: ms(100, 60_000).default(1_000),
  ALERT_LEASE_MS: ms(3_000, 10 * 60_000).default(15_000),
  ALERT_REPEAT_INTERVAL_MS: ms(60_000, 7 * 24 * HOUR).default(4 * HOUR),
  ALERT_GROUP_INTERVAL_MS: ms(0, 24 * HOUR).default(5 * 60_000),
  ALERT_RESOLVE_AFTER_MS: ms(0, HOUR).default(60_000),
  ALERT_RESOLVED_RETENTION_MS: ms(60_000, 30 * 24 * HOUR).default(24 * HOUR),
  ALERT_INSTANCE_ID: z.string().min(1).max(100).default(`${hostname()}-${process.pid}`),
  // The extractor's own settings, read from the same keys, so thresholds in poll intervals agree.
  EXTRACT_POLL_INTERVAL_MS: ms(1_000, 24 * HOUR).default(60_000),
  EXTRACT_LAG_MS: ms(0, 24 * HOUR).default(120_000),
  OPS_HOST: z.string().min(1).default('0.0.0.0'),
  OPS_PORT: envPort.default(9104),
});

export interface AlerterConfig {
  readonly logLevel: (typeof LOG_LEVELS)[number];
  readonly redis: RedisSettings;
  readonly database: ReturnType<typeof toDatabaseSettings>;
  readonly channels: readonly ChannelConfig[];
  readonly rules: readonly ConfiguredRule[];
  readonly linkBase: string | null;
  readonly instanceId: string;
  readonly evaluateIntervalMs: number;
  readonly deliverIntervalMs: number;
  readonly leaseMs: number;
  readonly repeatIntervalMs: number;
  readonly groupIntervalMs: number;
  readonly resolveAfterMs: number;
  readonly resolvedRetentionMs: number;
  readonly pollIntervalMs: number;
  readonly extractLagMs: number;
  readonly ops: { readonly host: string; readonly port: number };
}

export function loadConfig(env: Readonly<Record<string, string | undefined>>): AlerterConfig {
  const e = parseConfig(envSchema, env, 'alerter configuration');
  const problems: string[] = [];
  const channels = parseChannels(e, problems);
  const rules = configureRules(e.ALERT_RULES, problems);
  // A renewal every third of the lease must fit between evaluations' work.
  if (e.ALERT_LEASE_MS < 3 * e.ALERT_DELIVER_INTERVAL_MS)
    problems.push('ALERT_LEASE_MS: must be at least 3 × ALERT_DELIVER_INTERVAL_MS');
  if (problems.length > 0) throw new ConfigError(problems, 'alerter configuration');
  return {
    logLevel: e.LOG_LEVEL,
    redis: toRedisSettings(e),
    database: toDatabaseSettings(e, 'wdt-k3-alerter'),
    channels,
    rules,
    linkBase: e.ALERT_LINK_BASE_URL ?? null,
    instanceId: e.ALERT_INSTANCE_ID,
    evaluateIntervalMs: e.ALERT_EVALUATE_INTERVAL_MS,
    deliverIntervalMs: e.ALERT_DELIVER_INTERVAL_MS,
    leaseMs: e.ALERT_LEASE_MS,
    repeatIntervalMs: e.ALERT_REPEAT_INTERVAL_MS,
    groupIntervalMs: e.ALERT_GROUP_INTERVAL_MS,
    resolveAfterMs: e.ALERT_RESOLVE_AFTER_MS,
    resolvedRetentionMs: e.ALERT_RESOLVED_RETENTION_MS,
    pollIntervalMs: e.EXTRACT_POLL_INTERVAL_MS,
    extractLagMs: e.EXTRACT_LAG_MS,
    ops: { host: e.OPS_HOST, port: e.OPS_PORT },
  };
}
