import { enqueue } from '@wdt-k3/jobs';
import { useRedisServer, waitFor } from '@wdt-k3/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { DAY_MS, extractorEnv, metricValue, runExtractor, startWdtSim } from './harness.ts';

/**
 * WDT allows 60 calls a minute. To test the limit without waiting minutes, the simulator's clock
 * (and the client's timestamps) run ten times faster than real time, and the extractor's limiter
 * window is one simulated minute (6 real seconds).
 */
const SPEED = 10;
const WINDOW_MS = 60_000 / SPEED;

describe('the queue-wide WDT rate limit', () => {
  const redis = useRedisServer();
  const cleanups: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    while (cleanups.length > 0) await cleanups.pop()?.();
  });

  async function setUp(extractorLimit: number) {
    const started = Date.now();
    const fast = () => started + (Date.now() - started) * SPEED;
    const fromMs = Math.floor((started - 3 * DAY_MS) / 1000) * 1000;
    const sim = await startWdtSim({
      rateLimitPerMinute: 10,
      now: fast,
      dataset: { seed: 9, count: 1200, fromMs, toMs: fromMs + DAY_MS },
    });
    cleanups.push(() => sim.close());
    const env = extractorEnv(redis().url, sim, {
      WDT_RATE_LIMIT_PER_MINUTE: String(extractorLimit),
      WDT_RATE_LIMIT_WINDOW_MS: String(WINDOW_MS),
      EXTRACT_RATE_LIMIT_BACKOFF_MS: '1500',
      EXTRACT_MAX_WINDOW_MS: String(30 * DAY_MS),
    });
    const running = await runExtractor(env, { wdtNow: fast });
    cleanups.push(() => running.stop());
    const { queues } = running.extractor;
    await enqueue(queues.sync, 'syncBackfill', { fromMs, toMs: fromMs + DAY_MS }, { jobId: 'rl' });
    await waitFor(async () => (await queues.sync.getJob('commit-bf-rl'))?.isCompleted(), {
      timeoutMs: 150_000,
      description: 'the backfill committed',
    });
    return { sim, running, queues };
  }

  it('keeps every replica under the WDT budget: no call is refused', async () => {
    const { sim, queues } = await setUp(10);
    const stats = await sim.stats();
    // 1,200 rows in pages of 100, each keyset call re-reading its boundary second: 12–13 calls.
    expect(stats.pages).toBeGreaterThanOrEqual(12);
    expect(stats.pages).toBeLessThanOrEqual(13);
    expect(stats.errors.wdt['1012'] ?? 0).toBe(0);
    expect(await queues.orders.count()).toBe(1200);
  });

  it('backs the whole page queue off on a 1012 answer instead of burning attempts', async () => {
    const { sim, running, queues } = await setUp(40);
    const stats = await sim.stats();
    expect(stats.errors.wdt['1012'] ?? 0).toBeGreaterThan(0);
    expect(await metricValue(running.registry, 'extractor_wdt_rate_limited_total')).toBeGreaterThan(0);
    expect(await queues.orders.count()).toBe(1200);
    const pages = await queues.pages.getJobs(['completed'], 0, -1);
    expect(pages).toHaveLength(stats.pages);
    expect(pages.every((job) => job.attemptsMade <= 1)).toBe(true);
    expect(await queues.pages.getJobCounts('failed')).toEqual({ failed: 0 });
  });
});
