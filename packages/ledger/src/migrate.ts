import type { Logger } from '@wdt-k3/runtime';
import type pg from 'pg';
import { MIGRATIONS, type Migration } from './migrations.ts';

/**
 * A tiny runner rather than a kept migration library: the schema is a few tables applied by
 * whichever service starts first (ledger, admin, the local run), and a library such as
 * node-pg-migrate brings its own CLI, its own `pg` and conventions for what is a handful of
 * statements here. All pending migrations run in one transaction under a transaction-level
 * advisory lock, so replicas starting at once apply each exactly once, and a failure leaves none
 * half applied; applied versions are recorded in `schema_migrations`.
 */
const LOCK_KEY = 0x77646b33; // "wdk3"

export async function migrate(
  pool: pg.Pool,
  logger?: Logger,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<number[]> {
  const client = await pool.connect();
  const applied: number[] = [];
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY]);
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const done = new Set(
      (await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map(
        (row) => row.version,
      ),
    );
    for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
      if (done.has(migration.version)) continue;
      await client.query(migration.sql);
      await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
        migration.version,
        migration.name,
      ]);
      applied.push(migration.version);
    }
    await client.query('COMMIT');
    for (const version of applied) logger?.info({ version }, 'ledger migration applied');
    return applied;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
