import { isIP } from 'node:net';
import { eventsEnvSchema } from '@wdt-k3/jobs';
import { databaseEnvSchema, toDatabaseSettings } from '@wdt-k3/ledger';
import {
  ConfigError,
  envHost,
  envIntIn,
  envList,
  envPort,
  LOG_LEVELS,
  parseConfig,
  type RedisSettings,
  redisEnvSchema,
  toRedisSettings,
} from '@wdt-k3/runtime';
import { z } from 'zod';
import {
  type DryRunSettings,
  dryRunEnvFields,
  type MappingSettings,
  resolveDryRun,
  resolveMapping,
} from './dry-run-config.ts';
import { type AdminToken, parseTokenSpecs } from './tokens.ts';

/** Every setting of the admin service; README.md lists them. Nothing else reads process.env. */
const envSchema = redisEnvSchema.extend({
  ...databaseEnvSchema.shape,
  ...eventsEnvSchema.shape,
  ADMIN_HOST: envHost.default('127.0.0.1'),
  ADMIN_PORT: envPort.default(4100),
  ADMIN_TOKENS: envList.default([]),
  ADMIN_AUTH: z.enum(['on', 'off']).default('on'),
  // A console sign-in lasts this long (8 h, a work day); between 5 minutes and 30 days.
  ADMIN_CONSOLE_SESSION_TTL_MS: envIntIn(300_000, 2_592_000_000).default(28_800_000),
  // Whose X-Forwarded-* to believe (Secure console cookies behind a TLS proxy): false, true, or addresses/CIDRs.
  ADMIN_TRUST_PROXY: z
    .string()
    .trim()
    .default('false')
    .transform((value, ctx) => {
      if (value === 'false' || value === '') return false as const;
      if (value === 'true') return true as const;
      const list = value
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean);
      if (list.every((item) => /^[0-9A-Fa-f.:]+(\/\d{1,3})?$/.test(item))) return list;
      ctx.addIssue({ code: 'custom', message: 'expected false, true, or a comma list of addresses / CIDRs' });
      return z.NEVER;
    }),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  ...dryRunEnvFields,
});

export interface AdminConfig {
  readonly host: string;
  readonly port: number;
  /** `'off'` only on a loopback address (checked here). */
  readonly tokens: readonly AdminToken[] | 'off';
  readonly redis: RedisSettings;
  readonly logLevel: (typeof LOG_LEVELS)[number];
  /** Whether replays and discards write their events (EVENTS_ENABLED). */
  readonly eventsEnabled: boolean;
  /** null: no WDT settings, the dry-run route answers 503. */
  readonly dryRun: DryRunSettings | null;
  /** The profile and K3 lookups the console's bill preview maps with (WDT not needed). */
  readonly mapping: MappingSettings;
  /** How long a console sign-in lasts. */
  readonly consoleSessionTtlMs: number;
  /** Fastify's trustProxy: false, true, or the proxies' addresses. */
  readonly trustProxy: boolean | readonly string[];
  /** null: no DATABASE_URL, the ledger's routes answer 503. */
  readonly database: ReturnType<typeof toDatabaseSettings>;
}

/** 127.0.0.0/8, ::1 (and its IPv4-mapped form) and `localhost`: reachable from this host only. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (bare === 'localhost') return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  if (isIP(bare) === 6) return bare === '::1' || /^::ffff:127\./.test(bare);
  return false;
}

export function loadConfig(env: Readonly<Record<string, string | undefined>>): AdminConfig {
  const parsed = parseConfig(envSchema, env, 'admin configuration');
  const tokens = resolveTokens(parsed.ADMIN_AUTH, parsed.ADMIN_HOST, parsed.ADMIN_TOKENS);
  const problems: string[] = [];
  const mapping = resolveMapping(parsed, problems);
  const dryRun = resolveDryRun(parsed, mapping, problems);
  if (problems.length > 0) throw new ConfigError(problems, 'admin configuration');
  return {
    host: parsed.ADMIN_HOST,
    port: parsed.ADMIN_PORT,
    tokens,
    redis: toRedisSettings(parsed),
    logLevel: parsed.LOG_LEVEL,
    eventsEnabled: parsed.EVENTS_ENABLED,
    dryRun,
    mapping,
    consoleSessionTtlMs: parsed.ADMIN_CONSOLE_SESSION_TTL_MS,
    trustProxy: parsed.ADMIN_TRUST_PROXY,
    database: toDatabaseSettings(parsed, 'wdt-k3-admin'),
  };
}

function resolveTokens(auth: 'on' | 'off', host: string, entries: readonly string[]): AdminToken[] | 'off' {
  if (auth === 'off') {
    // Without auth anyone who reaches the port can replay and discard dead letters.
    if (!isLoopbackHost(host)) {
      throw new ConfigError(
        [`ADMIN_AUTH=off is allowed only on a loopback ADMIN_HOST (127.0.0.1, ::1), not "${host}"`],
        'admin configuration',
      );
    }
    return 'off';
  }
  if (entries.length === 0) {
    throw new ConfigError(
      ['ADMIN_TOKENS is required (name:full|read:token, tokens of at least 32 characters)'],
      'admin configuration',
    );
  }
  return parseTokenSpecs(entries);
}
