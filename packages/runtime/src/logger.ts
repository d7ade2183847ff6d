import { type Logger, type LoggerOptions, pino } from 'pino';

export type { Logger } from 'pino';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * Key names that hold credentials anywhere in the project (WDT app secret and sign, K3 app
 * secret, password and session, admin tokens, Redis URLs with a password). pino's redact paths
 * need explicit depth, so each key is listed at the top level and one and two levels down.
 */
const SECRET_KEYS = [
  'secret',
  'appSecret',
  'app_secret',
  'password',
  'sign',
  'signature',
  'token',
  'tokens',
  'authorization',
  'cookie',
  'sessionId',
  'redisUrl',
] as const;

export const REDACT_PATHS: readonly string[] = [
  ...SECRET_KEYS,
  ...SECRET_KEYS.map((key) => `*.${key}`),
  ...SECRET_KEYS.map((key) => `*.*.${key}`),
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-kd-signature"]',
  'req.headers["x-api-signature"]',
  'res.headers["set-cookie"]',
];

export interface LoggerSettings {
  readonly level: LogLevel;
  readonly service: string;
  /** Extra base fields (e.g. a replica id). */
  readonly base?: Readonly<Record<string, string | number>>;
}

/**
 * The one pino root of a process. Components take `logger.child({ component })`, jobs
 * `child({ jobId, stockoutId, attempt })`. `destination` is injectable so tests can read lines.
 */
export function createLogger(settings: LoggerSettings, destination?: pino.DestinationStream): Logger {
  const options: LoggerOptions = {
    level: settings.level,
    base: { service: settings.service, pid: process.pid, ...settings.base },
    redact: { paths: [...REDACT_PATHS], censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  };
  return destination === undefined ? pino(options) : pino(options, destination);
}

/** `redis://user:pass@host:6379/0` → `redis://user:***@host:6379/0`, for logs and error messages. */
export function redactUrl(value: string): string {
  try {
    const parsed = new URL(value);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return '[unparseable url]';
  }
}
