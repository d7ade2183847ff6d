import { useRedisServer } from '@wdt-k3/testkit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSyncState, type InflightRun } from './sync-state.ts';

const run = (runId: string, toMs: number): InflightRun => ({
  runId,
  fromMs: 0,
  toMs,
  windows: [{ fromMs: 0, toMs }],
  plannedAt: 1,
});

describe('sync state on a real Redis', () => {
  const server = useRedisServer();
  let redis: Redis;
  beforeAll(() => {
    redis = new Redis(server().url);
  });
  afterAll(() => redis.disconnect());

  it('keeps the first watermark it is given', async () => {
    const state = createSyncState(redis, '{a}');
    expect(await state.getWatermark()).toBeNull();
    expect(await state.initWatermark(1000)).toBe(1000);
    expect(await state.initWatermark(5000)).toBe(1000);
  });

  it('lets one run at a time claim the in-flight slot', async () => {
    const state = createSyncState(redis, '{b}');
    expect(await state.claimInflight(run('r1', 10))).toBe(true);
    expect(await state.claimInflight(run('r2', 20))).toBe(false);
    expect((await state.getInflight())?.runId).toBe('r1');
    await state.clearInflight('r2');
    expect((await state.getInflight())?.runId).toBe('r1');
    await state.clearInflight('r1');
    expect(await state.getInflight()).toBeNull();
  });

  it('commits forward only, and releases the slot of the committed run only', async () => {
    const state = createSyncState(redis, '{c}');
    await state.claimInflight(run('r1', 2000));
    expect(await state.commit('r1', 2000)).toEqual({ watermark: 2000, moved: true });
    expect(await state.getInflight()).toBeNull();
    await state.claimInflight(run('r2', 3000));
    // A late, repeated commit of an older run neither moves the watermark back nor frees r2.
    expect(await state.commit('r1', 1500)).toEqual({ watermark: 2000, moved: false });
    expect((await state.getInflight())?.runId).toBe('r2');
  });

  it('lets an operator move the watermark back: a run planned before cannot move it forward again', async () => {
    const state = createSyncState(redis, '{e}');
    await state.initWatermark(5000);
    await state.sweep.initWatermark(4000);
    const generation = await state.getGeneration();
    await state.claimInflight({ ...run('r1', 9000), generation });
    expect(await state.moveWatermark(1000)).toEqual({ previous: 5000, generation: generation + 1 });
    expect(await state.getInflight()).toBeNull();
    expect(await state.sweep.getWatermark()).toBe(1000);
    expect(await state.commit('r1', 9000, generation)).toEqual({ watermark: 1000, moved: false });
    expect(await state.commit('r2', 9000, generation + 1)).toEqual({ watermark: 9000, moved: true });
  });

  it('knows its epoch until Redis loses it', async () => {
    const state = createSyncState(redis, '{f}');
    const first = await state.ensureEpoch();
    expect(first.created).toBe(true);
    expect(await state.ensureEpoch()).toEqual({ epoch: first.epoch, created: false });
    await redis.flushall();
    expect(await state.getEpoch()).toBeNull();
  });

  it('records the last tick and run for operators', async () => {
    const state = createSyncState(redis, '{d}');
    await state.recordTick(42);
    await state.recordRun({
      runId: 'r',
      kind: 'incremental',
      finishedAt: 43,
      pages: 2,
      orders: 150,
      enqueued: 140,
      duplicates: 10,
    });
    expect(await state.getLastTick()).toBe(42);
    expect(await state.getLastRun()).toMatchObject({ runId: 'r', orders: 150 });
  });
});
