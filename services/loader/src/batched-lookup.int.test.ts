import { testLogger, useRedisServer, waitFor } from '@wdt-k3/testkit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBatchedLookup } from './batched-lookup.ts';

describe('createBatchedLookup', () => {
  const server = useRedisServer();
  let redis: Redis;
  beforeAll(() => {
    redis = new Redis(server().url);
  });
  afterAll(() => redis.disconnect());

  const lookupWith = (
    prefix: string,
    calls: string[][],
    known: Record<string, string>,
    failNext = { value: false },
  ) =>
    createBatchedLookup<string>({
      name: 'seller',
      redis,
      cacheKeyPrefix: prefix,
      ttlMs: 60_000,
      missTtlMs: 60_000,
      waitMs: 5,
      maxBatch: 3,
      logger: testLogger(),
      fetch: async (keys) => {
        calls.push([...keys]);
        if (failNext.value) {
          failNext.value = false;
          throw new Error('K3 down');
        }
        return new Map(keys.flatMap((key) => (known[key] === undefined ? [] : [[key, known[key]] as const])));
      },
    });

  it('coalesces concurrent requests into batches of at most maxBatch, and shares one request per key', async () => {
    const calls: string[][] = [];
    const lookup = lookupWith('{t1}', calls, { a: 'YW1', b: 'YW2', c: 'YW3', d: 'YW4' });
    const results = await Promise.all(['a', 'b', 'a', 'c', 'd', 'x'].map((key) => lookup.get(key)));
    expect(results).toEqual(['YW1', 'YW2', 'YW1', 'YW3', 'YW4', null]);
    expect(calls.flat().sort()).toEqual(['a', 'b', 'c', 'd', 'x']);
    expect(calls.every((batch) => batch.length <= 3)).toBe(true);
    expect(calls.length).toBe(2);
  });

  it('answers found and not-found keys from the Redis cache afterwards', async () => {
    const calls: string[][] = [];
    const first = lookupWith('{t2}', calls, { a: 'YW1' });
    await Promise.all(['a', 'x'].map((key) => first.get(key)));
    // Callers are answered before the cache is written (the write is not on their path).
    await waitFor(async () => (await redis.exists('{t2}:seller:a', '{t2}:seller:x')) === 2, {
      description: 'both answers cached',
    });
    const second = lookupWith('{t2}', calls, { a: 'CHANGED' });
    expect(await Promise.all([second.get('a'), second.get('x')])).toEqual(['YW1', null]);
    expect(calls).toHaveLength(1);
  });

  it('rejects the waiting callers when K3 fails, and asks again next time', async () => {
    const calls: string[][] = [];
    const failNext = { value: true };
    const lookup = lookupWith('{t3}', calls, { a: 'YW1' }, failNext);
    await expect(lookup.get('a')).rejects.toThrow('K3 down');
    expect(await lookup.get('a')).toBe('YW1');
    expect(calls).toHaveLength(2);
  });

  it('answers from K3 when Redis refuses the cache write, and counts the lost write instead of swallowing it', async () => {
    const calls: string[][] = [];
    let lost = 0;
    const lookup = createBatchedLookup<string>({
      name: 'seller',
      redis,
      cacheKeyPrefix: '{t9}',
      ttlMs: 60_000,
      missTtlMs: 60_000,
      waitMs: 5,
      maxBatch: 3,
      logger: testLogger(),
      onCacheWriteFailed: () => {
        lost += 1;
      },
      fetch: async (keys) => {
        calls.push([...keys]);
        return new Map(keys.map((key) => [key, `YW-${key}`] as const));
      },
    });
    // A full Redis (noeviction): every write is refused with OOM, reads still work.
    await redis.config('SET', 'maxmemory-policy', 'noeviction');
    await redis.config('SET', 'maxmemory', '1');
    try {
      expect(await lookup.get('a')).toBe('YW-a');
      await waitFor(() => lost > 0, { description: 'the lost cache write counted' });
      expect(await redis.exists('{t9}:seller:a')).toBe(0);
    } finally {
      await redis.config('SET', 'maxmemory', '0');
    }
    expect(await lookup.get('a')).toBe('YW-a');
    expect(calls).toEqual([['a'], ['a']]);
  });
});
