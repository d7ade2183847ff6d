import type { Logger } from '@wdt-k3/runtime';
import pg from 'pg';

export interface DatabaseSettings {
  readonly url: string;
  readonly maxConnections: number;
  /** Per statement; a stuck query must not hold a batch (or an API answer) forever. */
  readonly statementTimeoutMs: number;
  readonly applicationName: string;
}

/**
 * A connection pool whose connection errors (the server restarted, the network dropped) are
 * logged, not thrown. pg emits them on the pool for an idle connection, and on the client itself
 * for one checked out (a transaction between two statements): an unhandled 'error' there ended
 * the process (an uncaught ECONNRESET, found by the consumer test killing PostgreSQL mid-batch).
 * Every client gets a listener when it connects; the statement in flight still fails, and the
 * pool drops the broken client when it is released.
 */
export function createPool(settings: DatabaseSettings, logger?: Logger): pg.Pool {
  const pool = new pg.Pool({
    connectionString: settings.url,
    max: settings.maxConnections,
    application_name: settings.applicationName,
    statement_timeout: settings.statementTimeoutMs,
    connectionTimeoutMillis: 10_000,
  });
  const onError = (err: Error): void => {
    logger?.warn({ err: { message: err.message } }, 'postgres connection error');
  };
  pool.on('error', onError);
  pool.on('connect', (client) => client.on('error', onError));
  return pool;
}

/** `postgres://user:secret@host/db` → `postgres://user:***@host/db`, for logs. */
export function redactDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable DATABASE_URL)';
  }
}
