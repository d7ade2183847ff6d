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

export class ConfigError extends AppError {
  override readonly name = 'ConfigError';
  readonly problems: readonly string[];

  constructor(problems: readonly string[], source: string) {
    super('CONFIG_INVALID', `invalid ${source}:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`, {
      retryable: false,
    });
    this.problems = problems;
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
