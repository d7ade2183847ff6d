import { useRedisServer } from '@wdt-k3/testkit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSignalRecorder, readRefusals, readSignals, SIGNALS, signalBucketKey } from './signals.ts';

describe('signals on a real Redis', () => {
  const server = useRedisServer();
  let redis: Redis;
  beforeAll(() => {
    redis = new Redis(server().url);
  });
  afterAll(() => redis.disconnect());

  it('counts per minute across processes, with a TTL, and reads a window of minutes', async () => {
    let clock = 10 * 60_000 + 5_000;
    const a = createSignalRecorder(redis, '{s1}', { now: () => clock });
    const b = createSignalRecorder(redis, '{s1}', { now: () => clock });
    a.count(SIGNALS.k3Calls, 3);
    b.count(SIGNALS.k3Calls);
    b.count(SIGNALS.k3Failed);
    clock += 60_000;
    a.count(SIGNALS.k3Calls, 2);
    await Promise.all([a.close(), b.close()]);
    expect(await redis.ttl(signalBucketKey('{s1}', 10))).toBeGreaterThan(3 * 3_600 - 60);
    const window = await readSignals(redis, '{s1}', clock, 3);
    expect(window.minutes.map((m) => m.minute)).toEqual([9, 10, 11]);
    expect(window.minutes.map((m) => m.counts['k3.calls'])).toEqual([0, 4, 2]);
    expect(window.totals).toMatchObject({ 'k3.calls': 6, 'k3.failed': 1, 'loader.jobs_started': 0 });
  });

  it('keeps a refusal until a later acceptance clears it, and not an older one', async () => {
    let clock = 1_000;
    const loader = createSignalRecorder(redis, '{s2}', { now: () => clock });
    loader.accepted('k3');
    clock = 2_000;
    // Another loader's refusal, newer than this one's acceptance: the flush must leave it.
    const other = createSignalRecorder(redis, '{s2}', { now: () => clock });
    other.refused('k3', { code: 'K3_AUTH_FAILED', message: 'login refused', at: 2_000 });
    await other.close();
    await loader.flush();
    expect((await readRefusals(redis, '{s2}')).k3?.code).toBe('K3_AUTH_FAILED');
    clock = 3_000;
    loader.accepted('k3');
    await loader.close();
    expect(await readRefusals(redis, '{s2}')).toEqual({});
  });
});
