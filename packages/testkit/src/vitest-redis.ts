import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import { type PostgresServerHandle, startPostgresServer } from './postgres-server.ts';
import { type RedisServerHandle, type RedisServerOptions, startRedisServer } from './redis-server.ts';

/**
 * Gives a test file its own real Redis: spawned in `beforeAll`, disposed in `afterAll`. Call at
 * the top of a `describe` (or file) and read the handle inside tests:
 *
 *   const redis = useRedisServer();
 *   it('…', async () => { const url = redis().url; … });
 */
export function useRedisServer(options: RedisServerOptions = {}): () => RedisServerHandle {
  let server: RedisServerHandle | undefined;
  beforeAll(async () => {
    server = await startRedisServer(options);
  }, 60_000);
  afterAll(async () => {
    await server?.dispose();
  });
  return () => {
    if (server === undefined)
      throw new Error('useRedisServer(): the server is not started yet (use it inside a test)');
    return server;
  };
}

/** A key prefix no other test uses, for suites that share one Redis (REDIS_URL). */
export function uniquePrefix(label = 'test'): string {
  return `${label}-${randomUUID().slice(0, 8)}`;
}

/**
 * Gives a test file its own real PostgreSQL (embedded binaries from npm, or DATABASE_URL), like
 * `useRedisServer`: started in `beforeAll`, disposed in `afterAll`.
 */
export function usePostgresServer(): () => PostgresServerHandle {
  let server: PostgresServerHandle | undefined;
  beforeAll(async () => {
    server = await startPostgresServer();
  }, 60_000);
  afterAll(async () => {
    await server?.dispose();
  });
  return () => {
    if (server === undefined)
      throw new Error('usePostgresServer(): the server is not started yet (use it inside a test)');
    return server;
  };
}
