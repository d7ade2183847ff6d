import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { usePostgresServer } from './vitest-redis.ts';

describe('the PostgreSQL fixture', () => {
  const server = usePostgresServer();

  const query = async (url: string, text: string): Promise<pg.QueryResult> => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return await client.query(text);
    } finally {
      await client.end();
    }
  };

  it('runs a real PostgreSQL 18 that keeps committed rows through a kill -9 and a restart', async () => {
    if (server().external) return;
    const url = await server().createDatabase('fixture_test');
    const version = await query(url, 'SHOW server_version');
    expect(version.rows[0].server_version).toMatch(/^\d+/);
    await query(url, 'CREATE TABLE t (id int primary key); INSERT INTO t VALUES (1), (2)');
    await server().kill();
    expect(server().running).toBe(false);
    await expect(query(url, 'SELECT 1')).rejects.toThrow();
    await server().start();
    expect((await query(url, 'SELECT count(*)::int AS n FROM t')).rows[0].n).toBe(2);
    await server().restart('graceful');
    expect((await query(url, 'SELECT count(*)::int AS n FROM t')).rows[0].n).toBe(2);
  });
});
