import { Writable } from 'node:stream';
import { createLogger } from '@wdt-k3/runtime';
import { usePostgresServer, waitFor } from '@wdt-k3/testkit';
import { describe, expect, it } from 'vitest';
import { createPool } from './database.ts';

describe('the ledger connection pool, on a real PostgreSQL', () => {
  const pgServer = usePostgresServer();

  it('logs a checked-out connection that PostgreSQL drops instead of ending the process, and recovers', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const pool = createPool(
      {
        url: await pgServer().createDatabase('pool_errors'),
        maxConnections: 2,
        statementTimeoutMs: 10_000,
        applicationName: 'test',
      },
      createLogger({ level: 'warn', service: 'ledger-test' }, sink),
    );
    try {
      // Held between two statements, as a projection's transaction is while it folds events.
      const client = await pool.connect();
      await client.query('SELECT 1');
      await pgServer().kill();
      // Without a listener on the client, pg's 'error' here is an uncaught exception (vitest
      // fails the run with it).
      await waitFor(() => lines.some((line) => line.includes('postgres connection error')), {
        description: 'the dropped connection logged',
      });
      await expect(client.query('SELECT 1')).rejects.toThrow();
      client.release();
      await pgServer().start();
      await waitFor(
        async () => {
          try {
            return (await pool.query('SELECT 1 AS one')).rows[0]?.one === 1;
          } catch {
            return false;
          }
        },
        { description: 'the pool serves again after PostgreSQL is back' },
      );
    } finally {
      await pool.end();
    }
  });
});
