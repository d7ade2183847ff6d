import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface ExtractorMetrics {
  readonly pagesFetched: Counter<'kind'>;
  readonly ordersSeen: Counter<'kind'>;
  readonly ordersEnqueued: Counter<'kind'>;
  readonly duplicatesSkipped: Counter<'kind'>;
  readonly wdtRequestSeconds: Histogram<'outcome'>;
  readonly wdtErrors: Counter<'code'>;
  readonly rateLimited: Counter;
  readonly runs: Counter<'kind' | 'outcome'>;
  readonly watermarkLagSeconds: Gauge;
  readonly lastTickAgeSeconds: Gauge;
  readonly wdtCalls: Counter<'kind'>;
  readonly walkSteps: Counter<'step' | 'outcome'>;
  readonly sweepFound: Counter;
  readonly coverageIncomplete: Counter;
  readonly redisFull: Gauge;
  readonly redisWriteRefusals: Counter;
  readonly redisDataLost: Counter;
  readonly intakeVerdicts: Counter<'verdict'>;
}

/**
 * `readWatermark` and `readLastTick` feed the lag and tick-age gauges on each scrape, so they are
 * never stale (and every replica reports the deployment's value: both live in Redis).
 */
export function createExtractorMetrics(
  registry: Registry,
  readWatermark: () => Promise<number | null>,
  now: () => number,
  readLastTick: () => Promise<number | null> = async () => null,
): ExtractorMetrics {
  const registers = [registry];
  return {
    ...walkMetrics(registers),
    ...baseMetrics(registers, readWatermark, now),
    lastTickAgeSeconds: new Gauge({
      name: 'extractor_last_tick_age_seconds',
      help: 'Seconds since any replica last ran the scheduler tick; -1 before the first (the alerts watch it)',
      registers,
      async collect() {
        const last = await readLastTick();
        this.set(last === null ? -1 : Math.max(0, (now() - last) / 1000));
      },
    }),
  };
}

function walkMetrics(registers: Registry[]) {
  return {
    wdtCalls: new Counter({
      name: 'extractor_wdt_calls_total',
      help: 'WDT calls made, by run kind (the budget split between extraction, backfills and the sweep)',
      labelNames: ['kind'],
      registers,
    }),
    walkSteps: new Counter({
      name: 'extractor_walk_steps_total',
      help: 'Window-walk steps by kind (keyset, slice, rank) and outcome (complete, advance, split, rank, unstable)',
      labelNames: ['step', 'outcome'],
      registers,
    }),
    sweepFound: new Counter({
      name: 'extractor_sweep_orders_found_total',
      help: 'Orders the trailing sweep enqueued that no earlier read had (WDT showed them late)',
      registers,
    }),
    coverageIncomplete: new Counter({
      name: 'extractor_coverage_incomplete_total',
      help: 'Run commits refused because the pages did not prove every window read whole',
      registers,
    }),
    redisFull: new Gauge({
      name: 'extractor_redis_full',
      help: '1 while Redis refuses writes (maxmemory): WDT calls are paused',
      registers,
    }),
    redisWriteRefusals: new Counter({
      name: 'extractor_redis_write_refusals_total',
      help: 'Writes Redis refused at its memory limit (each a WDT call not made)',
      registers,
    }),
    intakeVerdicts: new Counter({
      name: 'extractor_orders_read_total',
      help: 'Orders read from WDT by what they already were: new, recheck (changed after loading), queued, done, dead, discarded',
      labelNames: ['verdict'],
      registers,
    }),
    redisDataLost: new Counter({
      name: 'extractor_redis_data_lost_total',
      help: 'Times this process found Redis empty of the deployment’s state and rebuilt it',
      registers,
    }),
  };
}

function baseMetrics(registers: Registry[], readWatermark: () => Promise<number | null>, now: () => number) {
  return {
    pagesFetched: new Counter({
      name: 'extractor_pages_fetched_total',
      help: 'WDT pages fetched',
      labelNames: ['kind'],
      registers,
    }),
    ordersSeen: new Counter({
      name: 'extractor_orders_seen_total',
      help: 'Orders read from WDT',
      labelNames: ['kind'],
      registers,
    }),
    ordersEnqueued: new Counter({
      name: 'extractor_orders_enqueued_total',
      help: 'Order jobs added to the orders queue',
      labelNames: ['kind'],
      registers,
    }),
    duplicatesSkipped: new Counter({
      name: 'extractor_duplicates_skipped_total',
      help: 'Orders read again (overlap, repeated backfill) whose job already existed',
      labelNames: ['kind'],
      registers,
    }),
    wdtRequestSeconds: new Histogram({
      name: 'extractor_wdt_request_duration_seconds',
      help: 'Latency of WDT stock-out page queries',
      labelNames: ['outcome'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
      registers,
    }),
    wdtErrors: new Counter({
      name: 'extractor_wdt_errors_total',
      help: 'WDT errors by code',
      labelNames: ['code'],
      registers,
    }),
    rateLimited: new Counter({
      name: 'extractor_wdt_rate_limited_total',
      help: 'WDT rate-limit answers that paused the page queue',
      registers,
    }),
    runs: new Counter({
      name: 'extractor_runs_total',
      help: 'Runs finished, by kind and outcome',
      labelNames: ['kind', 'outcome'],
      registers,
    }),
    watermarkLagSeconds: new Gauge({
      name: 'extractor_watermark_lag_seconds',
      help: 'Seconds between now and the watermark (LAST_SYNC_TIME)',
      registers,
      async collect() {
        const watermark = await readWatermark();
        this.set(watermark === null ? -1 : Math.max(0, (now() - watermark) / 1000));
      },
    }),
  };
}
