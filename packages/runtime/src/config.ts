import { isIP } from 'node:net';
import { z } from 'zod';
import { AppError } from './app-error.ts';

/**
 * Env-var parsers shared by every service's `config.ts`. Booleans get an explicit parser:
 * `z.coerce.boolean()` turns the string "false" into `true`.
 */
const TRUE_WORDS = new Set(['1', 'true', 'yes', 'on']);
const FALSE_WORDS = new Set(['0', 'false', 'no', 'off']);

export const envBoolean = z.union([z.boolean(), z.string()]).transform((value, ctx) => {
  if (typeof value === 'boolean') return value;
  const word = value.trim().toLowerCase();
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  ctx.addIssue({ code: 'custom', message: `expected one of true/false/1/0/yes/no/on/off, got "${value}"` });
  return z.NEVER;
});

/** A non-negative integer from a string or number (`"30000"` → 30000). Rejects "30s", "1.5", "". */
export const envInt = z.union([z.number(), z.string()]).transform((value, ctx) => {
  const text = typeof value === 'number' ? String(value) : value.trim();
  if (!/^\d+$/.test(text)) {
    ctx.addIssue({ code: 'custom', message: `expected a whole number, got "${String(value)}"` });
    return z.NEVER;
  }
  return Number(text);
});

/** Comma-separated list → trimmed, non-empty strings. */
export const envList = z
  .union([z.array(z.string()), z.string()])
  .transform((value) =>
    (typeof value === 'string' ? value.split(',') : value)
      .map((item) => item.trim())
      .filter((item) => item !== ''),
  );

/** A whole number from min to max: a typo (an extra digit, `1e20`) is refused at start, not obeyed. */
export const envIntIn = (min: number, max: number) => envInt.pipe(z.number().min(min).max(max));

/** RFC 1123 host names (letters, digits, hyphens, dots), e.g. `localhost`, `ops.internal`. */
const HOST_NAME = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i;

/** An address to listen on: an IPv4 or IPv6 address, or a host name. */
export const envHost = z
  .string()
  .trim()
  .refine((value) => isIP(value.replace(/^\[|\]$/g, '')) !== 0 || HOST_NAME.test(value), {
    message: 'an IP address (0.0.0.0, 127.0.0.1, ::) or a host name',
  });

/** A TCP port to listen on; 0 asks the system for a free one. */
export const envPort = envInt.pipe(z.number().max(65_535, 'a port from 0 to 65535'));

/** OPS_HOST and OPS_PORT, the /health and /metrics side-door every service opens. */
export function opsEnvFields(defaultPort: number) {
  return { OPS_HOST: envHost.default('0.0.0.0'), OPS_PORT: envPort.default(defaultPort) };
}

export class ConfigError extends AppError {
  override readonly name = 'ConfigError';
  readonly problems: readonly string[];
  /** What was read: `loader environment`, `mapping profile /app/profile.yaml`… */
  readonly source: string;

  constructor(problems: readonly string[], source: string) {
    super('CONFIG_INVALID', `invalid ${source}:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`, {
      retryable: false,
    });
    this.problems = problems;
    this.source = source;
  }
}

/** Formats every zod issue as `PATH: message`, so a bad config lists all its problems at once. */
export function describeIssues(error: z.ZodError, pathPrefix = ''): string[] {
  return error.issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    const where = pathPrefix + path;
    return where === '' ? issue.message : `${where}: ${issue.message}`;
  });
}

/** Parses with a zod schema; on failure throws one ConfigError naming every problem. */
export function parseConfig<S extends z.ZodType>(
  schema: S,
  input: unknown,
  source = 'configuration',
): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw new ConfigError(describeIssues(result.error), source);
  return result.data;
}
