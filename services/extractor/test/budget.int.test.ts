import { type AuditedRow, jsonControl, useRedisServer, waitFor } from '@wdt-k3/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { DAY_MS, extractorEnv, HOUR_MS, metricValue, runExtractor, startWdtSim } from './harness.ts';

const ORDERS = 10_000;
const PAGE_SIZE = 100;

/**
 * What proving completeness costs in WDT calls when nothing goes wrong: the pages of a run set
 * against a plain walk of the same windows (page 0, then the rest, Σ ⌈rows / 100⌉), and what the
 * trailing sweep (late orders) adds. WDT's budget is calls, so these are counts, not times.
 */
describe('the WDT budget in the clean case', () => {
  const redis = useRedisServer();
  const cleanups: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    while (cleanups.length > 0) await cleanups.pop()?.();
  });

  it('reads 10,000 orders in at most 2 % more calls than a plain walk; the sweep reads them once more', async () => {
    const fromMs = Math.floor((Date.now() - 2 * DAY_MS) / HOUR_MS) * HOUR_MS;
    const toMs = fromMs + DAY_MS;
    const sim = await startWdtSim({ dataset: { seed: 77, count: ORDERS, fromMs, toMs } });
    cleanups.push(() => sim.close());
    const running = await runExtractor(
      extractorEnv(redis().url, sim, {
        EXTRACT_START_FROM: new Date(fromMs).toISOString(),
        // The product's default windows (one hour), so the ratio is the one users get.
        EXTRACT_MAX_WINDOW_MS: String(HOUR_MS),
        EXTRACT_MAX_WINDOWS_PER_RUN: '100',
        EXTRACT_POLL_INTERVAL_MS: '1000',
        EXTRACT_SWEEP: 'true',
        EXTRACT_SWEEP_DELAY_MS: '0',
        EXTRACT_SWEEP_INTERVAL_MS: '1000',
      }),
    );
    cleanups.push(() => running.stop());
    const { state, queues } = running.extractor;
    await waitFor(async () => ((await state.getWatermark()) ?? 0) >= toMs, {
      timeoutMs: 120_000,
      description: 'the incremental run committed',
    });
    await waitFor(async () => ((await state.sweep.getWatermark()) ?? 0) >= toMs, {
      timeoutMs: 120_000,
      description: 'the sweep past the dataset',
    });
    expect(await queues.orders.count()).toBe(ORDERS);

    const commits = await queues.sync.getJobs(['completed'], 0, -1);
    const first = commits.find(
      (job) =>
        job.name === 'sync.commit' &&
        job.data.kind === 'incremental' &&
        job.data.windows?.[0]?.fromMs === fromMs,
    );
    const windows = (first?.data.windows ?? []) as Array<{ fromMs: number; toMs: number }>;
    const control = jsonControl(sim.url);
    let plain = 0;
    for (const window of windows) {
      const { rows } = await control<{ rows: AuditedRow[] }>('POST', '/_sim/audit', {
        from: window.fromMs,
        to: window.toMs,
      });
      plain += Math.max(1, Math.ceil(rows.length / PAGE_SIZE));
    }
    const runPages = (first?.returnvalue as { pages: number } | undefined)?.pages ?? -1;
    const calls = async (kind: string): Promise<number> => {
      const metric = await running.registry.getSingleMetric('extractor_wdt_calls_total')?.get();
      return metric?.values.find((value) => value.labels.kind === kind)?.value ?? 0;
    };
    const sweepCalls = await calls('sweep');
    process.stdout.write(
      `[budget] ${ORDERS} orders in ${windows.length} windows: the run ${runPages} calls vs a plain walk's ${plain}` +
        ` (${(((runPages - plain) / plain) * 100).toFixed(1)} % extra); the sweep ${sweepCalls} calls` +
        ` (${((sweepCalls / runPages) * 100).toFixed(0)} % of the run), found ${await metricValue(running.registry, 'extractor_sweep_orders_found_total')} new\n`,
    );
    expect(runPages).toBeGreaterThanOrEqual(plain);
    expect(runPages).toBeLessThanOrEqual(Math.floor(plain * 1.02));
    expect(await metricValue(running.registry, 'extractor_sweep_orders_found_total')).toBe(0);
  });
});
