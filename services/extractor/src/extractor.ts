import {
  createProcessor,
  createSyncState,
  JOBS,
  openQueues,
  type PipelineQueues,
  QUEUES,
  type SyncState,
} from '@wdt-k3/jobs';
import type { Logger, RedisConnection } from '@wdt-k3/runtime';
import { FlowProducer, Worker } from 'bullmq';
import type { Registry } from 'prom-client';
import type { ExtractorConfig } from './config.ts';
import { createExtractorMetrics } from './metrics.ts';
import { createPageHandler, type FetchStockoutPage } from './page-handler.ts';
import { createSyncHandlers } from './sync-handlers.ts';

export interface ExtractorDeps {
  readonly config: ExtractorConfig;
  readonly logger: Logger;
  /** Fail-fast connection for queues, flows and state. */
  readonly producer: RedisConnection;
  /** Blocking connection for the workers (maxRetriesPerRequest null). */
  readonly workerConnection: RedisConnection;
  readonly fetchPage: FetchStockoutPage;
  readonly registry: Registry;
  readonly now?: () => number;
}

export interface Extractor {
  readonly state: SyncState;
  readonly queues: PipelineQueues;
  readonly workers: { readonly sync: Worker; readonly pages: Worker };
  /** Stop taking jobs and wait for the active ones (pages in flight finish their enqueue). */
  stopIntake(): Promise<void>;
  close(): Promise<void>;
}

export const TICK_SCHEDULER_ID = 'wdt-sync-tick';

/**
 * Queue-wide (every replica together) limiter for WDT calls. BullMQ counts in fixed windows, but
 * a server counting a sliding minute (the safe reading of WDT's "60 a minute"; our simulator does)
 * would see up to twice the limit across a window boundary. Any sliding window of W overlaps at
 * most 7 fixed windows of W/6, so floor(limit / 7) per W/6 never exceeds the limit: 60 a minute
 * becomes 8 per 10 s, 48 a minute sustained. A 1012 answer still backs the queue off.
 */
export function slidingWindowLimiter(limit: number, windowMs: number): { max: number; duration: number } {
  return { max: Math.max(1, Math.floor(limit / 7)), duration: Math.max(1, Math.floor(windowMs / 6)) };
}

/** Wires queues, the flow producer, both workers and the tick scheduler. */
export async function startExtractor(deps: ExtractorDeps): Promise<Extractor> {
  const { config, logger } = deps;
  const now = deps.now ?? Date.now;
  const prefix = config.redis.queuePrefix;
  const queues = openQueues(deps.producer, prefix);
  const flows = new FlowProducer({ connection: deps.producer, prefix });
  const state = createSyncState(deps.producer, prefix);
  const metrics = createExtractorMetrics(deps.registry, () => state.getWatermark(), now);
  const extract = config.extract;
  const sync = createSyncHandlers({
    settings: {
      pollIntervalMs: extract.pollIntervalMs,
      lagMs: extract.lagMs,
      overlapMs: extract.overlapMs,
      maxWindowMs: extract.maxWindowMs,
      maxWindowsPerRun: extract.maxWindowsPerRun,
      pageSize: extract.pageSize,
      pagePolicy: { attempts: extract.pageAttempts, backoffMs: extract.pageBackoffMs },
      filter: {
        status: [...extract.status],
        byModified: extract.byModified,
        ...(extract.shopNo === undefined ? {} : { shopNo: extract.shopNo }),
        ...(extract.warehouseNo === undefined ? {} : { warehouseNo: extract.warehouseNo }),
      },
      startFromMs: extract.startFromMs,
      dryRun: extract.dryRun,
    },
    state,
    flows,
    syncQueue: queues.sync,
    metrics,
    logger: logger.child({ component: 'sync' }),
    now,
  });
  const pageHandler = createPageHandler({
    fetchPage: deps.fetchPage,
    pagesQueue: queues.pages,
    ordersQueue: queues.orders,
    redis: deps.producer,
    prefix,
    metrics,
    logger: logger.child({ component: 'pages' }),
    now,
    rateLimitBackoffMs: extract.rateLimitBackoffMs,
    pagePolicy: { attempts: extract.pageAttempts, backoffMs: extract.pageBackoffMs },
  });
  const workerOptions = {
    connection: deps.workerConnection,
    prefix,
    lockDuration: extract.lockDurationMs,
    stalledInterval: extract.stalledIntervalMs,
    // Two stalls are tolerated: a kill -9 mid-run must not fail a page that is fine.
    maxStalledCount: 2,
  };
  // Ticks and commits run one at a time across every replica; the in-flight claim in Redis is
  // the second guard (two replicas can never both plan a run).
  await queues.sync.setGlobalConcurrency(1);
  const syncWorker = new Worker(
    QUEUES.sync,
    createProcessor(QUEUES.sync, {
      syncTick: () => sync.tick(),
      syncCommit: (job) => sync.commit(job),
      syncBackfill: (job) => sync.backfill(job),
      syncOrders: (job) => sync.syncOrders(job),
    }),
    { ...workerOptions, concurrency: 1 },
  );
  const pagesWorker = new Worker(QUEUES.pages, createProcessor(QUEUES.pages, { pageFetch: pageHandler }), {
    ...workerOptions,
    concurrency: extract.pageConcurrency,
    limiter: slidingWindowLimiter(config.wdt.rateLimitPerMinute, config.wdt.rateLimitWindowMs),
  });
  for (const [name, worker] of [
    ['sync', syncWorker],
    ['pages', pagesWorker],
  ] as const) {
    worker.on('error', (err) => logger.error({ err, worker: name }, 'worker error'));
    worker.on('failed', (job, err) =>
      logger.warn(
        { worker: name, jobId: job?.id, attempt: job?.attemptsMade, err: { message: err.message } },
        'job failed',
      ),
    );
  }
  await queues.sync.upsertJobScheduler(
    TICK_SCHEDULER_ID,
    { every: extract.pollIntervalMs },
    { name: JOBS.syncTick.name, data: {}, opts: JOBS.syncTick.options },
  );
  logger.info(
    { pollIntervalMs: extract.pollIntervalMs, rateLimitPerMinute: config.wdt.rateLimitPerMinute },
    'extractor started',
  );
  const stopIntake = async (): Promise<void> => {
    await Promise.all([syncWorker.close(), pagesWorker.close()]);
  };
  return {
    state,
    queues,
    workers: { sync: syncWorker, pages: pagesWorker },
    stopIntake,
    close: async () => {
      await stopIntake();
      await flows.close();
      await Promise.allSettled(Object.values(queues).map((queue) => queue.close()));
    },
  };
}
