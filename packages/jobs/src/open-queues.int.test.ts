import { createRedis, parseConfig, redisEnvSchema, toRedisSettings, waitForRedis } from '@wdt-k3/runtime';
import { useRedisServer, waitFor } from '@wdt-k3/testkit';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { closeQueues, openQueues } from './open-queues.ts';

describe('openQueues while Redis goes away', () => {
  const redis = useRedisServer();
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('prints nothing outside the JSON logs: no console.error stack per queue per reconnect attempt', async () => {
    const printed: unknown[] = [];
    vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
      printed.push(args);
    });
    const settings = toRedisSettings(parseConfig(redisEnvSchema, { REDIS_URL: redis().url }));
    const connection = createRedis(settings, 'producer', 'open-queues-test');
    const queues = openQueues(connection, settings.queuePrefix);
    let errors = 0;
    connection.on('error', () => {
      errors += 1;
    });
    try {
      await waitForRedis(connection, 10_000);
      await queues.orders.getWaitingCount();
      await redis().kill();
      await waitFor(() => errors >= 3, { description: 'a few reconnect attempts to fail' });
      expect(printed).toEqual([]);
      await redis().start();
      await waitForRedis(connection, 10_000);
      await expect(queues.orders.getWaitingCount()).resolves.toBe(0);
    } finally {
      await closeQueues(queues);
      connection.disconnect();
    }
  });
});
