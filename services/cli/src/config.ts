import { type Language, languageOf } from '@wdt-k3/jobs';
import { z } from 'zod';
import { CliError } from './errors.ts';

export const DEFAULT_ADMIN_URL = 'http://127.0.0.1:4100';
/**
 * The admin gives a dry run 30 s for WDT and K3, and a bulk replay of 1,000 dead letters takes a
 * few seconds; 60 s covers both with room, and still ends a hung connection.
 */
export const DEFAULT_TIMEOUT_MS = 60_000;

const blankIsUnset = (value: unknown): unknown =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

/** The environment this CLI reads; nothing else reads process.env. */
const envSchema = z.object({
  WDT_K3_ADMIN_URL: z.preprocess(blankIsUnset, z.string().trim().optional()),
  WDT_K3_ADMIN_TOKEN: z.preprocess(blankIsUnset, z.string().trim().optional()),
  WDT_K3_ADMIN_TIMEOUT_MS: z.preprocess(blankIsUnset, z.string().trim().optional()),
  /** Language of the error codes' explanations: zh-CN (default) or en. */
  WDT_K3_LANG: z.preprocess(blankIsUnset, z.string().trim().optional()),
  // https://no-color.org: set and not empty disables colour.
  NO_COLOR: z.preprocess(blankIsUnset, z.string().optional()),
  TERM: z.string().optional(),
});

export interface ConnectionFlags {
  readonly url?: string | undefined;
  readonly token?: string | undefined;
  readonly timeoutMs?: string | undefined;
}

export interface CliConfig {
  readonly baseUrl: URL;
  /** null: no token given; every route but /health/* will answer 401. */
  readonly token: string | null;
  readonly timeoutMs: number;
  readonly color: boolean;
  readonly language: Language;
}

// The admin's tokens are printable ASCII without spaces; anything else cannot be one, and fetch
// would reject the header with an error that quotes the value.
const TOKEN_PATTERN = /^[\x21-\x7e]+$/;

function parseUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    // Not echoed: a mistyped URL may hold a password.
    throw configError('the admin URL (--url or WDT_K3_ADMIN_URL) is not a URL; expected http://host:port');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw configError(`the admin URL must be http:// or https://, got ${url.protocol}`);
  }
  if (url.username !== '' || url.password !== '') {
    // fetch refuses such URLs, and the admin takes a bearer token, not a URL password.
    throw configError(
      'the admin URL must not hold a user or password; give the token with WDT_K3_ADMIN_TOKEN',
    );
  }
  url.search = '';
  url.hash = '';
  return url;
}

function parseTimeout(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1) {
    throw configError(
      `the timeout (--timeout-ms or WDT_K3_ADMIN_TIMEOUT_MS) must be a whole number of ms ≥ 1`,
    );
  }
  return Number(text);
}

function configError(message: string): CliError {
  return new CliError('CLI_CONFIG_INVALID', message);
}

/** Flags win over the environment, the environment over defaults. */
export function loadConfig(
  env: Readonly<Record<string, string | undefined>>,
  flags: ConnectionFlags,
  stdoutIsTty: boolean,
): CliConfig {
  const parsed = envSchema.parse(env);
  const token = flags.token ?? parsed.WDT_K3_ADMIN_TOKEN ?? null;
  if (token !== null && !TOKEN_PATTERN.test(token)) {
    // Never the value: it is a secret even when it is malformed.
    throw configError(
      'the admin token (--token or WDT_K3_ADMIN_TOKEN) must be printable ASCII with no spaces',
    );
  }
  const timeout = flags.timeoutMs ?? parsed.WDT_K3_ADMIN_TIMEOUT_MS;
  return {
    baseUrl: parseUrl(flags.url ?? parsed.WDT_K3_ADMIN_URL ?? DEFAULT_ADMIN_URL),
    token,
    timeoutMs: timeout === undefined ? DEFAULT_TIMEOUT_MS : parseTimeout(timeout),
    color: stdoutIsTty && parsed.NO_COLOR === undefined && parsed.TERM !== 'dumb',
    language: languageOf(parsed.WDT_K3_LANG),
  };
}

/** The URL as printed in messages (loadConfig has refused any user or password in it). */
export function displayUrl(url: URL): string {
  return url.href.replace(/\/$/, '');
}
