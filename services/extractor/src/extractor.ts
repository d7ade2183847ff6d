import {
  createEventEmitter,
  createExtractorStatusStore,
  createProcessor,
  createSignalRecorder,
  createSyncState,
  type ExtractorStatusStore,
  JOBS,
  openQueues,
  type PipelineQueues,
  QUEUES,
  type SyncState,
} from '@wdt-k3/jobs';
import { DEFAULT_MAPPING_PROFILE, type MappingProfile } from '@wdt-k3/mapping';
import { createReconcileIntake, createReconcileStore } from '@wdt-k3/reconcile';
import { createLogThrottle, type Logger, type RedisConnection } from '@wdt-k3/runtime';
import { FlowProducer, Worker } from 'bullmq';
import type { Registry } from 'prom-client';
import type { ExtractorConfig } from './config.ts';
import { createGuardian, type Guardian } from './guardian.ts';
import { createExtractorMetrics } from './metrics.ts';
import { createOrderIntake } from './order-intake.ts';
import { createPageHandler } from './page-handler.ts';
import { createRankTallies } from './rank-tally.ts';
import { createSyncHandlers } from './sync-handlers.ts';
import { createWdtFetch, type FetchStockoutPage } from './wdt-fetch.ts';
import { wdtQueueLimiter } from './wdt-limiter.ts';
import { createWriteGuard, type WriteGuard } from './write-guard.ts';

export interface ExtractorDeps {
  readonly config: ExtractorConfig;
  readonly logger: Logger;
  /** Fail-fast connection for queues, flows and state. */
  readonly producer: RedisConnection;
  /** Blocking connection for the workers (maxRetriesPerRequest null). */
  readonly workerConnection: RedisConnection;
  readonly fetchPage: FetchStockoutPage;
  readonly registry: Registry;
  /** The loader's profile, for reconciliation pages; the built-in default when not given. */
  readonly profile?: MappingProfile;
  readonly now?: () => number;
}

export interface Extractor {
  readonly state: SyncState;
  readonly status: ExtractorStatusStore;
  readonly queues: PipelineQueues;
  readonly workers: { readonly sync: Worker; readonly pages: Worker };
  readonly guardian: Guardian;
  readonly writeGuard: WriteGuard;
  /** Stop taking jobs and wait for the active ones (pages in flight finish their enqueue). */
  stopIntake(): Promise<void>;
  close(): Promise<void>;
}

export const TICK_SCHEDULER_ID = 'wdt-sync-tick';

/** Wires queues, the flow producer, both workers and the tick scheduler. */
export async function startExtractor(deps: ExtractorDeps): Promise<Extractor> {
  const { config, logger } = deps;
  const now = deps.now ?? Date.now;
  const prefix = config.redis.queuePrefix;
  const queues = openQueues(deps.producer, prefix);
  const flows = new FlowProducer({ connection: deps.producer, prefix });
  const state = createSyncState(deps.producer, prefix);
  const status = createExtractorStatusStore(deps.producer, prefix);
  const metrics = createExtractorMetrics(
    deps.registry,
    () => state.getWatermark(),
    now,
    () => state.getLastTick(),
  );
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
      sweep: extract.sweep ? { intervalMs: extract.sweepIntervalMs, delayMs: extract.sweepDelayMs } : null,
      paging: extract.paging,
    },
    state,
    status,
    flows,
    syncQueue: queues.sync,
    metrics,
    logger: logger.child({ component: 'sync' }),
    now,
  });
  const pagesLogger = logger.child({ component: 'pages' });
  const writeGuard = createWriteGuard({
    redis: deps.producer,
    prefix,
    logger: pagesLogger,
    gauge: metrics.redisFull,
    refusals: metrics.redisWriteRefusals,
    now,
  });
  const events = createEventEmitter(deps.producer, prefix, { enabled: config.eventsEnabled });
  // What the alerter reads of the extraction (packages/jobs signals): WDT calls and 1012 answers.
  const signals = createSignalRecorder(deps.producer, prefix, { now, logger: pagesLogger });
  const pageHandler = createPageHandler({
    fetch: createWdtFetch({
      fetchPage: deps.fetchPage,
      pagesQueue: queues.pages,
      status,
      metrics,
      signals,
      logger: pagesLogger,
      now,
      rateLimitBackoffMs: extract.rateLimitBackoffMs,
    }),
    pagesQueue: queues.pages,
    intake: createOrderIntake({
      redis: deps.producer,
      prefix,
      ordersQueue: queues.orders,
      failedQueue: queues.failed,
      events,
      verdicts: metrics.intakeVerdicts,
      now,
      keepCompleted: extract.keepCompleted,
    }),
    // Reconciliation pages store their rows for the comparison and enqueue nothing.
    reconcileIntake: createReconcileIntake(
      createReconcileStore(deps.producer, prefix),
      deps.profile ?? DEFAULT_MAPPING_PROFILE,
    ),
    tallies: createRankTallies(deps.producer, prefix),
    guard: writeGuard,
    metrics,
    logger: pagesLogger,
    now,
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
  // the second guard (two replicas can never both plan a run). Both live in Redis, so the
  // guardian restores them when Redis lost its data.
  const restoreScheduling = async (): Promise<void> => {
    await queues.sync.setGlobalConcurrency(1);
    await queues.sync.upsertJobScheduler(
      TICK_SCHEDULER_ID,
      { every: extract.pollIntervalMs },
      { name: JOBS.syncTick.name, data: {}, opts: JOBS.syncTick.options },
    );
  };
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
    // Queue-wide (every replica together); the rule and its proof: wdt-limiter.ts.
    limiter: wdtQueueLimiter(
      config.wdt.rateLimitPerMinute,
      config.wdt.rateLimitWindowMs,
      config.wdt.rateLimitMarginMs,
    ),
  });
  // A Redis that refuses writes or is away makes every worker loop fail the same way: one line
  // per kind of failure and minute, with the count of those held back.
  const throttle = createLogThrottle(60_000);
  for (const [name, worker] of [
    ['sync', syncWorker],
    ['pages', pagesWorker],
  ] as const) {
    worker.on('error', (err) =>
      throttle.run(`${name}:${err.message.slice(0, 40)}`, (suppressed) =>
        logger.error({ err, worker: name, suppressed }, 'worker error'),
      ),
    );
    worker.on('failed', (job, err) =>
      logger.warn(
        { worker: name, jobId: job?.id, attempt: job?.attemptsMade, err: { message: err.message } },
        'job failed',
      ),
    );
  }
  await restoreScheduling();
  const guardian = createGuardian({
    state,
    queues,
    metrics,
    logger: logger.child({ component: 'guard' }),
    now,
    restoreScheduling,
    schedulerExists: async () => (await queues.sync.getJobScheduler(TICK_SCHEDULER_ID)) !== undefined,
    startFromMs: extract.startFromMs,
    dataLossRewindMs: extract.dataLossRewindMs,
  });
  await guardian.check();
  const guardTimer = setInterval(() => void guardian.check(), extract.guardIntervalMs);
  guardTimer.unref();
  const onReady = (): void => void guardian.check();
  deps.producer.on('ready', onReady);
  logger.info(
    { pollIntervalMs: extract.pollIntervalMs, rateLimitPerMinute: config.wdt.rateLimitPerMinute },
    'extractor started',
  );
  const stopIntake = async (): Promise<void> => {
    clearInterval(guardTimer);
    deps.producer.off('ready', onReady);
    await Promise.all([syncWorker.close(), pagesWorker.close()]);
  };
  return {
    state,
    status,
    queues,
    workers: { sync: syncWorker, pages: pagesWorker },
    guardian,
    writeGuard,
    stopIntake,
    close: async () => {
      await stopIntake();
      await events.close();
      await signals.close();
      await flows.close();
      await Promise.allSettled(Object.values(queues).map((queue) => queue.close()));
    },
  };
}
