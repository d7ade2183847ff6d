import { envInt } from '@wdt-k3/runtime';
import { z } from 'zod';

/** `postgres://` or `postgresql://`, with user, password, host, port and database as needed. */
export const databaseUrlSchema = z
  .url()
  .refine((value) => /^postgres(ql)?:$/.test(new URL(value).protocol), 'a postgres:// URL');

/**
 * The one environment fragment for PostgreSQL, shared by every service that reads or writes the
 * ledger, so their settings cannot drift. `DATABASE_URL` has no default here: the ledger service
 * requires it, the admin API runs without the ledger's routes when it is absent.
 */
export const databaseEnvSchema = z.object({
  DATABASE_URL: databaseUrlSchema.optional(),
  DATABASE_MAX_CONNECTIONS: envInt.pipe(z.number().min(1).max(100)).default(4),
  DATABASE_STATEMENT_TIMEOUT_MS: envInt.pipe(z.number().min(100).max(600_000)).default(30_000),
});

export type DatabaseEnv = z.output<typeof databaseEnvSchema>;

export function toDatabaseSettings(
  env: DatabaseEnv,
  applicationName: string,
): { url: string; maxConnections: number; statementTimeoutMs: number; applicationName: string } | null {
  return env.DATABASE_URL === undefined
    ? null
    : {
        url: env.DATABASE_URL,
        maxConnections: env.DATABASE_MAX_CONNECTIONS,
        statementTimeoutMs: env.DATABASE_STATEMENT_TIMEOUT_MS,
        applicationName,
      };
}
