/**
 * WDT budget: how much of WDT's sliding-minute call limit the extractor's queue-wide limiter
 * uses, against wdt-sim's own sliding-minute limiter (which answers 1012 when a minute holds more
 * than the limit). One backfill over a dataset larger than the run can read keeps the page queue
 * full; the bench counts calls at the simulator for a fixed time after a warm-up.
 *
 * Run: node services/extractor/bench/wdt-budget.bench.ts [--quick | --full | --minutes N] [--limit L] [--summary <file>]
 *   default 3 minutes, --quick 1 minute, --full 10 minutes; limit 60 calls a minute.
 * Exits non-zero when WDT answered 1012 at all, or when the pages ran out before the time was up
 * (the figure would then not be the limiter's).
 */
import { appendFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { enqueue } from '@wdt-k3/jobs';
import { startRedisServer } from '@wdt-k3/testkit';
import { DAY_MS, extractorEnv, HOUR_MS, runExtractor, startWdtSim } from '../test/harness.ts';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    full: { type: 'boolean', default: false },
    minutes: { type: 'string' },
    limit: { type: 'string', default: '60' },
    // Appends the row as a JSON line (scripts/bench.sh's table).
    summary: { type: 'string' },
  },
});
const minutes = Number(values.minutes ?? (values.full ? 10 : values.quick ? 1 : 3));
const limit = Number(values.limit);
const durationMs = minutes * 60_000;
const PAGE_ROWS = 100;
const WARM_UP_MS = 20_000;
// Enough rows that the pages cannot run out: every call reads at most one page of 100.
const orders = Math.ceil((minutes + 1) * limit * PAGE_ROWS * 1.5);

const redis = await startRedisServer({ appendOnly: false });
const fromMs = Math.floor((Date.now() - 3 * DAY_MS) / HOUR_MS) * HOUR_MS;
const toMs = fromMs + DAY_MS;
const sim = await startWdtSim({
  rateLimitPerMinute: limit,
  dataset: { seed: 15, count: orders, fromMs, toMs },
});
const running = await runExtractor(
  extractorEnv(redis.url, sim, {
    WDT_RATE_LIMIT_PER_MINUTE: String(limit),
    WDT_RATE_LIMIT_WINDOW_MS: '60000',
    // The product's defaults: one-hour windows, two pages in flight per replica.
    EXTRACT_MAX_WINDOW_MS: String(HOUR_MS),
    EXTRACT_PAGE_CONCURRENCY: '2',
  }),
);
const { queues } = running.extractor;
console.log(
  `wdt budget bench: limit ${limit} calls/min at wdt-sim (sliding minute), ${minutes} min measured after a warm-up, ` +
    `${orders.toLocaleString('en-US')} orders in one backfill, one extractor (page concurrency 2)`,
);
await enqueue(queues.sync, 'syncBackfill', { fromMs, toMs }, { jobId: 'budget' });

interface Sample {
  readonly atMs: number;
  readonly calls: number;
  readonly refused: number;
  readonly lastMinute: number;
}
const sample = async (): Promise<Sample> => {
  const stats = await sim.stats();
  return {
    atMs: performance.now(),
    calls: stats.calls,
    refused: stats.errors.wdt['1012'] ?? 0,
    lastMinute: Number(stats.callsPerMinute),
  };
};
const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 250));

const enqueuedAt = performance.now();
let first = await sample();
while (first.calls === 0) {
  await tick();
  first = await sample();
}
const firstCallS = (first.atMs - enqueuedAt) / 1000;
// A warm-up leaves out the start, where a fixed-window limiter's first window is a burst: the
// figure is the sustained rate.
while (first.atMs - enqueuedAt < firstCallS * 1000 + WARM_UP_MS) {
  await tick();
  first = await sample();
}
let peakMinute = 0;
let last = first;
const perMinute: number[] = [];
let minuteStart = first;
while (last.atMs - first.atMs < durationMs) {
  await tick();
  last = await sample();
  // The simulator's count of the last 60 s: the sliding minute it judges by, sampled.
  if (last.atMs - first.atMs >= 60_000) peakMinute = Math.max(peakMinute, last.lastMinute);
  if (last.atMs - minuteStart.atMs >= 60_000) {
    perMinute.push(last.calls - minuteStart.calls);
    minuteStart = last;
  }
}
if (last.atMs - minuteStart.atMs >= 59_000) perMinute.push(last.calls - minuteStart.calls);
const waiting = await queues.pages.getJobCounts('waiting', 'prioritized', 'delayed', 'active');
const backlog = Object.values(waiting).reduce((sum, n) => sum + n, 0);
const elapsedMin = (last.atMs - first.atMs) / 60_000;
const callsPerMin = (last.calls - first.calls) / elapsedMin;
console.log(
  `first call ${firstCallS.toFixed(1)} s after the backfill was enqueued; measured after ${WARM_UP_MS / 1000} s more`,
);
console.log(`calls per minute, minute by minute: ${perMinute.join(' ')}`);
console.log(
  `wdt: ${(last.calls - first.calls).toLocaleString('en-US')} calls in ${elapsedMin.toFixed(2)} min = ${callsPerMin.toFixed(2)} calls/min ` +
    `= ${(callsPerMin / limit).toFixed(3)} of the limit ${limit}; peak sliding minute (sampled) ${peakMinute}; ` +
    `1012 answers ${last.refused}; page jobs still queued ${backlog}`,
);
if (values.summary !== undefined)
  appendFileSync(
    values.summary,
    `${JSON.stringify({
      name: 'wdt budget',
      figure: `${callsPerMin.toFixed(2)} calls/min`,
      ratio: callsPerMin / limit,
      of: `limit ${limit}/min`,
      note: `${minutes} min vs wdt-sim's sliding minute; 1012 answers ${last.refused}`,
    })}\n`,
  );
await running.stop();
await sim.close();
await redis.dispose();
if (last.refused > 0) {
  console.error(`FAILED: WDT answered 1012 ${last.refused} times`);
  process.exitCode = 1;
}
if (backlog === 0) {
  console.error('FAILED: the page queue ran dry before the time was up; the figure is not the limiter');
  process.exitCode = 1;
}
