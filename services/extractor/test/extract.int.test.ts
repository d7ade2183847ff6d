import { enqueue, type PipelineQueues } from '@wdt-k3/jobs';
import { createDataset } from '@wdt-k3/sim-data';
import { useRedisServer, waitFor } from '@wdt-k3/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { DAY_MS, extractorEnv, HOUR_MS, metricValue, runExtractor, startWdtSim } from './harness.ts';

const NOW = Date.now();
const FROM_MS = Math.floor((NOW - 3 * DAY_MS) / 1000) * 1000;
const TO_MS = FROM_MS + DAY_MS;

describe('extractor against wdt-sim and a real Redis', () => {
  const redis = useRedisServer();
  const cleanups: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    while (cleanups.length > 0) await cleanups.pop()?.();
  });

  async function setUp(count: number, env: Record<string, string> = {}, simOptions = {}) {
    const sim = await startWdtSim({
      dataset: { seed: 5, count, fromMs: FROM_MS, toMs: TO_MS },
      ...simOptions,
    });
    cleanups.push(() => sim.close());
    const running = await runExtractor(extractorEnv(redis().url, sim, env));
    cleanups.push(() => running.stop());
    return { sim, running, queues: running.extractor.queues };
  }

  const backfill = async (
    queues: PipelineQueues,
    id: string,
    fromMs = FROM_MS,
    toMs = TO_MS,
  ): Promise<void> => {
    await enqueue(queues.sync, 'syncBackfill', { fromMs, toMs }, { jobId: id });
    await waitFor(async () => (await queues.sync.getJob(`commit-bf-${id}`))?.isCompleted(), {
      timeoutMs: 120_000,
      description: `backfill ${id} committed`,
    });
  };

  it('turns a 5,000-order range into exactly 5,000 order jobs with the exact payloads; a repeat adds none', async () => {
    const { queues, running } = await setUp(5000);
    await backfill(queues, 'one');
    const dataset = createDataset({ seed: 5, count: 5000, fromMs: FROM_MS, toMs: TO_MS });
    expect(await queues.orders.count()).toBe(5000);
    for (const index of [0, 1, 2500, 4999]) {
      const order = dataset.orderAt(index);
      const job = await queues.orders.getJob(`so-${order.stockout_id}`);
      expect(job?.data.order).toEqual(order);
      expect(job?.data.source).toMatchObject({ kind: 'backfill', runId: 'bf-one' });
    }
    const ids = (await queues.orders.getJobs(['wait'], 0, -1)).map((job) => job.id);
    expect(new Set(ids).size).toBe(5000);

    expect(await metricValue(running.registry, 'extractor_orders_seen_total')).toBe(5000);

    await backfill(queues, 'two');
    expect(await queues.orders.count()).toBe(5000);
    expect(await metricValue(running.registry, 'extractor_duplicates_skipped_total')).toBe(5000);
    expect(await metricValue(running.registry, 'extractor_orders_enqueued_total')).toBe(5000);
  });

  it('misses no row that stays in the result while rows are modified during paging (backward paging)', async () => {
    const { sim, queues } = await setUp(1500, {
      EXTRACT_PAGE_CONCURRENCY: '1',
      EXTRACT_MAX_WINDOW_MS: String(30 * DAY_MS),
    });
    await sim.faults({ modifyWhilePaging: { rowsPerCall: 2 } });
    await backfill(queues, 'moving');
    const { modifiedRows } = await sim.stats();
    expect(modifiedRows.length).toBeGreaterThan(0);
    const dataset = createDataset({ seed: 5, count: 1500, fromMs: FROM_MS, toMs: TO_MS });
    const modified = new Set(modifiedRows);
    const missing: number[] = [];
    for (let index = 0; index < dataset.count; index += 1) {
      const id = dataset.orderAt(index).stockout_id;
      if (!modified.has(id) && (await queues.orders.getJob(`so-${id}`)) === undefined) missing.push(id);
    }
    expect(missing).toEqual([]);
  });

  it('moves the watermark run by run, re-reads the overlap without duplicates', async () => {
    let now = TO_MS + HOUR_MS;
    const sim = await startWdtSim({ dataset: { seed: 5, count: 800, fromMs: FROM_MS, toMs: TO_MS } });
    cleanups.push(() => sim.close());
    const env = extractorEnv(redis().url, sim, {
      EXTRACT_START_FROM: new Date(FROM_MS).toISOString(),
      EXTRACT_LAG_MS: String(HOUR_MS),
      EXTRACT_OVERLAP_MS: String(6 * HOUR_MS),
      EXTRACT_MAX_WINDOW_MS: String(6 * HOUR_MS),
      EXTRACT_POLL_INTERVAL_MS: '1000',
    });
    const running = await runExtractor(env, { now: () => now });
    cleanups.push(() => running.stop());
    const { state, queues } = running.extractor;
    await waitFor(async () => (await state.getWatermark()) === TO_MS, {
      timeoutMs: 60_000,
      description: 'the first run committed',
    });
    expect(await queues.orders.count()).toBe(800);

    now += 2 * HOUR_MS;
    await waitFor(async () => (await state.getWatermark()) === TO_MS + 2 * HOUR_MS, {
      description: 'the next run committed',
    });
    expect(await queues.orders.count()).toBe(800);
    expect(await metricValue(running.registry, 'extractor_duplicates_skipped_total')).toBeGreaterThan(0);
    expect((await state.getLastRun())?.kind).toBe('incremental');
  });

  it('leaves the watermark where it was through a WDT outage longer than the retries, then catches up', async () => {
    const now = TO_MS + HOUR_MS;
    const sim = await startWdtSim({ dataset: { seed: 5, count: 300, fromMs: FROM_MS, toMs: TO_MS } });
    cleanups.push(() => sim.close());
    await sim.faults({ errorRate: 1 });
    const env = extractorEnv(redis().url, sim, {
      EXTRACT_START_FROM: new Date(FROM_MS).toISOString(),
      EXTRACT_POLL_INTERVAL_MS: '1000',
      EXTRACT_PAGE_ATTEMPTS: '2',
      EXTRACT_PAGE_BACKOFF_MS: '50',
    });
    const running = await runExtractor(env, { now: () => now });
    cleanups.push(() => running.stop());
    const { state, queues } = running.extractor;
    await waitFor(async () => (await metricValue(running.registry, 'extractor_runs_total')) >= 1, {
      timeoutMs: 60_000,
      description: 'a run to fail and be noticed',
    });
    expect(await state.getWatermark()).toBe(FROM_MS);
    expect(await queues.orders.count()).toBe(0);

    await sim.faults({});
    await waitFor(async () => (await state.getWatermark()) === now, {
      timeoutMs: 60_000,
      description: 'the run after the outage',
    });
    expect(await queues.orders.count()).toBe(300);
  });

  it('syncs named orders by stock-out number and platform trade id, and nothing else', async () => {
    const { queues } = await setUp(400);
    const dataset = createDataset({ seed: 5, count: 400, fromMs: FROM_MS, toMs: TO_MS });
    const byNumber = [dataset.orderAt(3), dataset.orderAt(200)];
    const byTid = dataset.orderAt(399);
    await enqueue(
      queues.sync,
      'syncOrders',
      { stockoutNos: byNumber.map((o) => o.order_no), srcTids: [byTid.src_trade_no] },
      { jobId: 'pick' },
    );
    await waitFor(async () => (await queues.sync.getJob('commit-ord-pick'))?.isCompleted(), {
      description: 'the order sync',
    });
    const ids = (await queues.orders.getJobs(['wait'], 0, -1)).map((job) => job.id).sort();
    expect(ids).toEqual([...byNumber, byTid].map((order) => `so-${order.stockout_id}`).sort());
  });

  it('filters by shop, and in dry-run mode counts without enqueuing', async () => {
    const { queues, running } = await setUp(600, { EXTRACT_SHOP_NO: 'jd01' });
    const dataset = createDataset({ seed: 5, count: 600, fromMs: FROM_MS, toMs: TO_MS });
    const jd = Array.from({ length: 600 }, (_, index) => dataset.orderAt(index)).filter(
      (order) => order.shop_no === 'jd01',
    );
    expect(jd.length).toBeGreaterThan(0);
    await enqueue(
      queues.sync,
      'syncBackfill',
      { fromMs: FROM_MS, toMs: TO_MS, dryRun: true },
      { jobId: 'dry' },
    );
    await waitFor(async () => (await queues.sync.getJob('commit-bf-dry'))?.isCompleted(), {
      description: 'the dry run',
    });
    expect(await queues.orders.count()).toBe(0);
    expect(await running.extractor.state.getLastRun()).toMatchObject({
      runId: 'bf-dry',
      orders: jd.length,
      enqueued: 0,
    });

    await backfill(queues, 'shop');
    const jobs = await queues.orders.getJobs(['wait'], 0, -1);
    expect(jobs).toHaveLength(jd.length);
    expect(jobs.every((job) => job.data.order.shop_no === 'jd01')).toBe(true);
  });
});
