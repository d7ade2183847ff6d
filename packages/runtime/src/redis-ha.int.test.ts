import { Writable } from 'node:stream';
import { useRedisCluster, useRedisSentinel, waitFor, withNodeClient } from '@wdt-k3/testkit';
import { describe, expect, it } from 'vitest';
import { parseConfig } from './config.ts';
import { keySlot } from './key-slot.ts';
import { createLogger } from './logger.ts';
import { createRedis, redisEnvSchema, toRedisSettings, waitForRedis } from './redis.ts';
import { redisTopology } from './redis-topology.ts';

function capturingLogger() {
  const lines: Array<{ msg: string; from?: string; to?: string }> = [];
  const logger = createLogger(
    { level: 'info', service: 'test' },
    new Writable({
      write: (chunk, _encoding, callback) => {
        lines.push(JSON.parse(String(chunk)));
        callback();
      },
    }),
  );
  return { logger, lines };
}

describe('createRedis on a Sentinel set', () => {
  const sentinel = useRedisSentinel({ password: 'data-secret', sentinelPassword: 'sentinel-secret' });

  it('follows a switchover that keeps the old connections open (SENTINEL FAILOVER): READONLY makes it reconnect and resend', async () => {
    const settings = toRedisSettings(parseConfig(redisEnvSchema, { ...sentinel().env, REDIS_PREFIX: 'ha' }));
    const producer = createRedis(settings, 'producer', 'test-producer');
    const worker = createRedis(settings, 'worker', 'test-worker');
    try {
      await Promise.all([waitForRedis(producer, 10_000), waitForRedis(worker, 10_000)]);
      const before = await sentinel().masterNode();
      await sentinel().waitForReplica(sentinel().nodes.find((node) => node !== before) ?? before);
      await producer.set('{ha}:switch', '1');
      const sentinelNode = sentinel().sentinels[0];
      if (sentinelNode === undefined) throw new Error('no sentinel');
      await withNodeClient(sentinelNode, (client) => client.call('SENTINEL', 'FAILOVER', 'mymaster'));
      const after = await sentinel().waitForNewMaster(before);
      // The old master now refuses writes; the same producer connection must land on the new one.
      await waitFor(
        () =>
          withNodeClient(before, async (client) => (await client.info('replication')).includes('role:slave')),
        { description: 'the old master to be demoted' },
      );
      // A worker command is resent on the new master; a producer's first write fails fast, and
      // the ones after it land there (without READONLY handling every write failed, forever).
      await expect(worker.set('{ha}:switch', 'worker')).resolves.toBe('OK');
      await waitFor(
        () =>
          producer
            .set('{ha}:switch', 'producer')
            .then(() => true)
            .catch(() => false),
        {
          timeoutMs: 10_000,
          description: 'a producer write to land on the new master',
        },
      );
      expect(await withNodeClient(after, (client) => client.get('{ha}:switch'))).toBe('producer');
      expect(redisTopology(producer)).toMatchObject({ master: `127.0.0.1:${after.port}`, failoversSeen: 1 });
      expect(redisTopology(worker)).toMatchObject({ master: `127.0.0.1:${after.port}`, failoversSeen: 1 });
    } finally {
      producer.disconnect();
      worker.disconnect();
    }
  });

  it('rides out a kill -9 of the master: worker commands wait for the promoted replica, producers fail fast, the failover is counted', async () => {
    const settings = toRedisSettings(parseConfig(redisEnvSchema, { ...sentinel().env, REDIS_PREFIX: 'ha' }));
    const { logger, lines } = capturingLogger();
    const producer = createRedis(settings, 'producer', 'test-producer', logger);
    const worker = createRedis(settings, 'worker', 'test-worker', logger);
    try {
      await Promise.all([waitForRedis(producer, 10_000), waitForRedis(worker, 10_000)]);
      const first = await sentinel().masterNode();
      await sentinel().waitForReplica(sentinel().nodes.find((node) => node !== first) ?? first);
      expect(redisTopology(worker)).toMatchObject({
        mode: 'sentinel',
        sentinelName: 'mymaster',
        master: `127.0.0.1:${first.port}`,
        failoversSeen: 0,
      });
      await producer.set('{ha}:k', 'before');
      expect(await withNodeClient(first, (client) => client.wait(1, 5_000))).toBe(1);

      await first.kill();
      await waitFor(() => producer.status !== 'ready' && worker.status !== 'ready', {
        description: 'both connections to notice the kill',
      });
      await expect(producer.get('{ha}:k')).rejects.toThrow();
      const pending = worker.get('{ha}:k');
      const promoted = await sentinel().waitForNewMaster(first);
      await expect(pending).resolves.toBe('before');

      await waitFor(() => redisTopology(producer)?.master === `127.0.0.1:${promoted.port}`, {
        description: 'the producer to reach the promoted master',
      });
      expect(redisTopology(worker)).toMatchObject({ master: `127.0.0.1:${promoted.port}`, failoversSeen: 1 });
      expect(redisTopology(worker)?.lastFailoverAt).not.toBeNull();
      const changes = lines.filter((line) => line.msg.startsWith('redis master changed'));
      expect(changes.map((line) => line.to)).toEqual([
        `127.0.0.1:${promoted.port}`,
        `127.0.0.1:${promoted.port}`,
      ]);
      await first.start();
    } finally {
      producer.disconnect();
      worker.disconnect();
    }
  });
});

describe('createRedis on a Cluster', () => {
  const cluster = useRedisCluster();

  it('rides out a kill -9 of the master of the pipeline slot: worker commands wait, producers fail fast, the failover is counted', async () => {
    const settings = toRedisSettings(parseConfig(redisEnvSchema, { ...cluster().env, REDIS_PREFIX: 'ha' }));
    const slot = keySlot('{ha}');
    const { logger, lines } = capturingLogger();
    const producer = createRedis(settings, 'producer', 'test-producer', logger);
    const worker = createRedis(settings, 'worker', 'test-worker', logger);
    // Sends nothing after the kill, as an idle admin: only the periodic slot refresh can tell it.
    const idle = createRedis(settings, 'producer', 'test-idle', logger);
    try {
      await Promise.all([
        waitForRedis(producer, 10_000),
        waitForRedis(worker, 10_000),
        waitForRedis(idle, 10_000),
      ]);
      const first = await cluster().masterOf(slot);
      expect(redisTopology(worker)).toMatchObject({
        mode: 'cluster',
        slot,
        master: `127.0.0.1:${first.port}`,
        failoversSeen: 0,
      });
      await producer.set('{ha}:k', 'before');
      expect(await withNodeClient(first, (client) => client.wait(1, 5_000))).toBe(1);

      await first.kill();
      await expect(producer.get('{ha}:k')).rejects.toThrow();
      const pending = worker.get('{ha}:k');
      const promoted = await waitFor(
        async () => {
          const master = await cluster()
            .masterOf(slot)
            .catch(() => undefined);
          return master !== undefined && master !== first ? master : undefined;
        },
        { description: 'a replica to take over the slot' },
      );
      await expect(pending).resolves.toBe('before');
      await waitFor(() => redisTopology(worker)?.master === `127.0.0.1:${promoted.port}`, {
        description: 'the worker connection to see the new master of the slot',
      });
      expect(redisTopology(worker)).toMatchObject({ failoversSeen: 1 });
      await waitFor(() => redisTopology(idle)?.master === `127.0.0.1:${promoted.port}`, {
        timeoutMs: 15_000,
        description: 'an idle connection to learn the new master from the periodic slot refresh',
      });
      expect(
        lines.some(
          (line) => line.msg.startsWith('redis master changed') && line.to === `127.0.0.1:${promoted.port}`,
        ),
      ).toBe(true);
      await first.start();
    } finally {
      producer.disconnect();
      worker.disconnect();
      idle.disconnect();
    }
  });
});
