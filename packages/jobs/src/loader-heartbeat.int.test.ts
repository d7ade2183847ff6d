import { testLogger, useRedisServer } from '@wdt-k3/testkit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  HEARTBEAT_RETENTION_MS,
  loaderHeartbeatKey,
  readLoaderFleet,
  startLoaderHeartbeat,
} from './loader-heartbeat.ts';

describe('the loader heartbeat on a real Redis', () => {
  const server = useRedisServer();
  let redis: Redis;
  beforeAll(() => {
    redis = new Redis(server().url);
  });
  afterAll(() => redis.disconnect());

  it('reports jobs per second over the last interval, alive until it stops or misses three beats', async () => {
    let clock = 1_000_000;
    const counters = { processed: 0, failed: 0 };
    const heartbeat = startLoaderHeartbeat({
      redis,
      prefix: '{hb1}',
      concurrency: 100,
      intervalMs: 5_000,
      counters: () => counters,
      logger: testLogger(),
      now: () => clock,
    });
    clock += 5_000;
    counters.processed = 250;
    counters.failed = 3;
    await heartbeat.beat();
    const [beat] = await readLoaderFleet(redis, '{hb1}', clock + 1_000);
    expect(beat).toMatchObject({
      id: heartbeat.id,
      pid: process.pid,
      concurrency: 100,
      processed: 250,
      failed: 3,
      jobsPerSecond: 50,
      alive: true,
      stoppedAt: null,
      ageMs: 1_000,
    });
    // Three intervals without a beat: frozen or killed.
    expect((await readLoaderFleet(redis, '{hb1}', clock + 15_001))[0]?.alive).toBe(false);
    clock += 1_000;
    await heartbeat.stop();
    const [stopped] = await readLoaderFleet(redis, '{hb1}', clock);
    expect(stopped).toMatchObject({ alive: false, stoppedAt: clock });
  });

  it('drops loaders not seen for a day, and fields it cannot read', async () => {
    const key = loaderHeartbeatKey('{hb2}');
    const heartbeat = startLoaderHeartbeat({
      redis,
      prefix: '{hb2}',
      concurrency: 10,
      intervalMs: 5_000,
      counters: () => ({ processed: 0, failed: 0 }),
      logger: testLogger(),
      now: () => 5_000,
    });
    await heartbeat.stop();
    await redis.hset(key, 'garbage', 'not json');
    expect(await readLoaderFleet(redis, '{hb2}', 5_000)).toHaveLength(1);
    expect(await redis.hexists(key, 'garbage')).toBe(0);
    expect(await readLoaderFleet(redis, '{hb2}', 5_001 + HEARTBEAT_RETENTION_MS)).toEqual([]);
    expect(await redis.hlen(key)).toBe(0);
    expect(await redis.pttl(key)).toBe(-2);
  });
});
