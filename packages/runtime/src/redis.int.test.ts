import { Writable } from 'node:stream';
import { useRedisServer, waitFor } from '@wdt-k3/testkit';
import { describe, expect, it } from 'vitest';
import { parseConfig } from './config.ts';
import { createLogger } from './logger.ts';
import { createRedis, redisEnvSchema, toRedisSettings, waitForRedis } from './redis.ts';

const silent = createLogger(
  { level: 'silent', service: 'test' },
  new Writable({ write: (_c, _e, cb) => cb() }),
);

describe('createRedis against a real redis-server', () => {
  const redis = useRedisServer();

  it('a producer connection fails fast while Redis is down; a worker connection waits it out', async () => {
    const settings = toRedisSettings(parseConfig(redisEnvSchema, { REDIS_URL: redis().url }));
    const producer = createRedis(settings, 'producer', 'test-producer', silent);
    const worker = createRedis(settings, 'worker', 'test-worker', silent);
    try {
      await Promise.all([waitForRedis(producer, 10_000), waitForRedis(worker, 10_000)]);
      await producer.set('k', 'before');
      await redis().kill();
      await waitFor(() => producer.status !== 'ready' && worker.status !== 'ready', {
        description: 'both connections to notice the outage',
      });

      await expect(producer.get('k')).rejects.toThrow();
      const pending = worker.get('k');
      await redis().start();
      // AOF with appendfsync always: the write acknowledged before the kill survived it.
      await expect(pending).resolves.toBe('before');
    } finally {
      producer.disconnect();
      worker.disconnect();
    }
  });
});
