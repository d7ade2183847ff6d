import { formatBeijingTime, runHealthChecks } from '@wdt-k3/runtime';
import { createDataset } from '@wdt-k3/sim-data';
import { jsonControl, useRedisServer, waitFor } from '@wdt-k3/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { TICK_SCHEDULER_ID } from '../src/extractor.ts';
import { extractorHealthChecks } from '../src/health.ts';
import {
  DAY_MS,
  extractorEnv,
  HOUR_MS,
  metricValue,
  type RunningExtractor,
  runExtractor,
  startWdtSim,
  WDT,
} from './harness.ts';

/** "Never stall silently": what the extractor does when the world around it goes wrong. */
describe('the extractor never stalls silently', () => {
  const redis = useRedisServer();
  const cleanups: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    while (cleanups.length > 0) await cleanups.pop()?.();
  });

  const fromMs = Math.floor((Date.now() - 3 * DAY_MS) / HOUR_MS) * HOUR_MS;
  const toMs = fromMs + DAY_MS;

  async function setUp(count: number, overrides: Record<string, string> = {}) {
    const sim = await startWdtSim({ dataset: { seed: 21, count, fromMs, toMs } });
    cleanups.push(() => sim.close());
    const env = extractorEnv(redis().url, sim, {
      EXTRACT_START_FROM: new Date(fromMs).toISOString(),
      EXTRACT_MAX_WINDOWS_PER_RUN: '100',
      EXTRACT_POLL_INTERVAL_MS: '1000',
      ...overrides,
    });
    const running = await runExtractor(env);
    cleanups.push(() => running.stop());
    const health = async () =>
      runHealthChecks(
        extractorHealthChecks({
          extractor: running.extractor,
          producer: running.producer,
          config: loadConfig(env),
        }),
      );
    return { sim, env, running, health, control: jsonControl(sim.url) };
  }

  const committed = (running: RunningExtractor, atLeastMs: number) =>
    waitFor(async () => ((await running.extractor.state.getWatermark()) ?? 0) >= atLeastMs, {
      timeoutMs: 60_000,
      description: 'the watermark past the dataset',
    });

  it('finds stock-outs WDT shows after the watermark passed their consign time, through the trailing sweep', async () => {
    const { running, control } = await setUp(400, {
      EXTRACT_SWEEP: 'true',
      EXTRACT_SWEEP_DELAY_MS: '0',
      EXTRACT_SWEEP_INTERVAL_MS: '1000',
    });
    await committed(running, toMs);
    const { queues } = running.extractor;
    expect(await queues.orders.count()).toBe(400);
    // Three stock-outs consigned a day ago that WDT shows only now (modified now).
    const template = createDataset({ seed: 21, count: 400, fromMs, toMs }).orderAt(10);
    const late = [1, 2, 3].map((n) => ({
      ...template,
      stockout_id: 9_000_000 + n,
      order_no: `CKLATE${n}`,
      consign_time: formatBeijingTime(fromMs + n * HOUR_MS),
      modified: formatBeijingTime(Date.now()),
    }));
    await control('POST', '/_sim/orders', late);
    await waitFor(async () => (await queues.orders.count()) === 403, {
      timeoutMs: 60_000,
      description: 'the late stock-outs found',
    });
    for (const order of late)
      expect((await queues.orders.getJob(`so-${order.stockout_id}`))?.data.source.kind).toBe('sweep');
    expect(await metricValue(running.registry, 'extractor_sweep_orders_found_total')).toBe(3);
  });

  it('turns unhealthy, with the reason, while WDT refuses our secret', async () => {
    const { health } = await setUp(100, { WDT_APP_SECRET: `${WDT.appSecret}-wrong` });
    const report = await waitFor(
      async () => {
        const current = await health();
        return current.checks.wdt?.ok === false ? current : undefined;
      },
      { timeoutMs: 30_000, description: 'the wdt check failing' },
    );
    expect(report.ok).toBe(false);
    expect(report.checks.wdt?.detail).toMatch(/signature/i);
  });

  it('turns unhealthy while a page fails for good, and healthy again once the run commits', async () => {
    const { sim, running, health } = await setUp(300, {
      EXTRACT_PAGE_ATTEMPTS: '2',
      EXTRACT_PAGE_BACKOFF_MS: '20',
    });
    await sim.faults({ errorRate: 1 });
    const failing = await waitFor(
      async () => {
        const current = await health();
        return current.checks.run?.ok === false ? current : undefined;
      },
      { timeoutMs: 30_000, description: 'the run check failing' },
    );
    expect(failing.checks.run?.detail).toMatch(/failed/);
    await sim.faults({});
    await committed(running, toMs);
    await waitFor(async () => (await health()).checks.run?.ok === true, {
      description: 'the run check passing',
    });
  });

  it('refuses to plan from a watermark in the future, says so, and resumes once an operator moves it back', async () => {
    const { running, health } = await setUp(200);
    await committed(running, toMs);
    const { state, queues } = running.extractor;
    await state.moveWatermark(Date.parse('2099-01-01T00:00:00+08:00'));
    const report = await waitFor(
      async () => {
        const current = await health();
        return current.checks.watermark?.ok === false ? current : undefined;
      },
      { description: 'the watermark check failing' },
    );
    expect(report.checks.watermark?.detail).toMatch(/future/);
    const runsBefore = await metricValue(running.registry, 'extractor_runs_total');
    const { previous } = await state.moveWatermark(fromMs);
    expect(previous).toBe(Date.parse('2099-01-01T00:00:00+08:00'));
    await committed(running, toMs);
    expect(await metricValue(running.registry, 'extractor_runs_total')).toBeGreaterThan(runsBefore);
    expect(await queues.orders.count()).toBe(200);
  });

  it('notices Redis came back empty mid-run, rebuilds the scheduler and reads every order again', async () => {
    const { sim, running } = await setUp(3000, {
      EXTRACT_GUARD_INTERVAL_MS: '200',
      EXTRACT_MAX_WINDOW_MS: String(HOUR_MS),
    });
    await sim.faults({ latencyMs: 20 });
    const { queues } = running.extractor;
    await waitFor(async () => (await queues.orders.count()) >= 1000, {
      timeoutMs: 60_000,
      description: 'the run under way',
    });
    await redis().restartEmpty();
    await waitFor(async () => (await metricValue(running.registry, 'extractor_redis_data_lost_total')) >= 1, {
      timeoutMs: 30_000,
      description: 'the data loss noticed',
    });
    await committed(running, toMs);
    expect(await queues.orders.count()).toBe(3000);
    expect(await queues.sync.getJobScheduler(TICK_SCHEDULER_ID)).toBeDefined();
    expect(await queues.sync.getGlobalConcurrency()).toBe(1);
  });
});
