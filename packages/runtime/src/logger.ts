import { type Logger, type LoggerOptions, pino } from 'pino';

export type { Logger } from 'pino';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * Key names that hold credentials anywhere in the project (WDT app secret and sign, K3 app
 * secret, password and session, admin tokens, Redis URLs with a password, alert robots' webhook
 * URLs, which carry their access token or key). pino's redact paths
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
  'webhook',
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

/** Query parameters that carry credentials in someone's API: their values never reach a log. */
const CREDENTIAL_PARAMS =
  /^(token|access_token|id_token|refresh_token|api_?key|secret|app_?secret|client_secret|password|passwd|pwd|sign|signature|session_?id|kdservice-sessionid|auth|authorization)$/i;

/**
 * `/failed?token=abc&limit=5` → `/failed?token=[redacted]&limit=5`: a credential someone put in a
 * query string (refused by the admin, which reads only the Authorization header) is still a
 * secret, and request logs print URLs.
 */
export function redactQuery(url: string): string {
  const mark = url.indexOf('?');
  if (mark < 0) return url;
  const query = url
    .slice(mark + 1)
    .split('&')
    .map((pair) => {
      const equals = pair.indexOf('=');
      const rawName = equals < 0 ? pair : pair.slice(0, equals);
      let name = rawName;
      try {
        name = decodeURIComponent(rawName.replace(/\+/g, ' '));
      } catch {
        // A malformed escape in the name: judged as written.
      }
      return CREDENTIAL_PARAMS.test(name.trim()) && equals >= 0 ? `${rawName}=[redacted]` : pair;
    })
    .join('&');
  return `${url.slice(0, mark)}?${query}`;
}

interface LoggedRequest {
  readonly method?: string;
  readonly url?: string;
  readonly host?: string;
  readonly ip?: string;
  readonly headers?: Readonly<Record<string, unknown>>;
  readonly socket?: { readonly remotePort?: number };
}

/** Fastify's request serializer, with the URL's credentials redacted (it logs `req` per request). */
function serializeRequest(req: LoggedRequest): Record<string, unknown> {
  return {
    method: req.method,
    url: typeof req.url === 'string' ? redactQuery(req.url) : req.url,
    host: req.host,
    remoteAddress: req.ip,
    remotePort: req.socket?.remotePort,
  };
}

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
    serializers: { req: serializeRequest },
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
