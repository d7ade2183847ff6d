import { isIP } from 'node:net';
import {
  ConfigError,
  envInt,
  envList,
  LOG_LEVELS,
  parseConfig,
  type RedisSettings,
  redisEnvSchema,
  toRedisSettings,
} from '@wdt-k3/runtime';
import { z } from 'zod';
import { type DryRunSettings, dryRunEnvFields, resolveDryRun } from './dry-run-config.ts';
import { type AdminToken, parseTokenSpecs } from './tokens.ts';

/** Every setting of the admin service; README.md lists them. Nothing else reads process.env. */
const envSchema = redisEnvSchema.extend({
  ADMIN_HOST: z.string().trim().min(1).default('127.0.0.1'),
  ADMIN_PORT: envInt.pipe(z.number().max(65_535)).default(4100),
  ADMIN_TOKENS: envList.default([]),
  ADMIN_AUTH: z.enum(['on', 'off']).default('on'),
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
  /** null: no WDT settings, the dry-run route answers 503. */
  readonly dryRun: DryRunSettings | null;
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
  const dryRun = resolveDryRun(parsed, problems);
  if (problems.length > 0) throw new ConfigError(problems, 'admin configuration');
  return {
    host: parsed.ADMIN_HOST,
    port: parsed.ADMIN_PORT,
    tokens,
    redis: toRedisSettings(parsed),
    logLevel: parsed.LOG_LEVEL,
    dryRun,
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
