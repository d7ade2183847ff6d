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
}

/** `readWatermark` feeds the lag gauge on each scrape, so it is never stale. */
export function createExtractorMetrics(
  registry: Registry,
  readWatermark: () => Promise<number | null>,
  now: () => number,
): ExtractorMetrics {
  const registers = [registry];
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
