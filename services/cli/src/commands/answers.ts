import type { z } from 'zod';
import { CliError } from '../errors.ts';

/**
 * Checks an answer against what the tables read. A mismatch means the CLI and the admin API
 * are from different versions; --json still prints whatever the API said.
 */
export function readAnswer<S extends z.ZodType>(schema: S, body: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where =
    issue === undefined || issue.path.length === 0 ? '' : ` at ${issue.path.map(String).join('.')}`;
  throw new CliError(
    'CLI_BAD_RESPONSE',
    `the admin API's answer to ${what} is not what this CLI reads${where}: ${issue?.message ?? 'invalid'}`,
    ['The CLI and the admin API may be from different versions; --json prints the answer as it is.'],
  );
}
