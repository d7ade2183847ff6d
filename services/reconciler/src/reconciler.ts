import { createProcessor, JOBS, openQueues, QUEUES } from '@wdt-k3/jobs';
import type { K3CloudClient } from '@wdt-k3/k3cloud-client';
import { createExplainer, createReconcileStore, createRunLifecycle, summaryLine } from '@wdt-k3/reconcile';
import { createLogThrottle, type Logger, type RedisConnection } from '@wdt-k3/runtime';
import { FlowProducer, Worker } from 'bullmq';
import type pg from 'pg';
import type { Registry } from 'prom-client';
import type { ReconcilerConfig } from './config.ts';
import { createReconcilerMetrics } from './metrics.ts';

export const DAILY_SCHEDULER_ID = 'reconcile-daily';

export interface ReconcilerDeps {
  readonly config: ReconcilerConfig;
  readonly logger: Logger;
  readonly producer: RedisConnection;
  readonly workerConnection: RedisConnection;
  readonly k3: Pick<K3CloudClient, 'executeBillQuery' | 'queryAll'>;
  readonly registry: Registry;
  readonly ledger?: pg.Pool | undefined;
  readonly now?: () => number;
}

/** Wires the reconcile queue's worker (daily tick, comparisons), the schedule and the settle timer. */
export async function startReconciler(deps: ReconcilerDeps) {
  const { config, logger } = deps;
  const now = deps.now ?? Date.now;
  const prefix = config.redis.queuePrefix;
  const queues = openQueues(deps.producer, prefix);
  const flows = new FlowProducer({ connection: deps.producer, prefix });
  const store = createReconcileStore(deps.producer, prefix);
  const metrics = createReconcilerMetrics(deps.registry, () => store.latest(), now);
  const lifecycle = createRunLifecycle({
    store,
    k3: deps.k3,
    explain: createExplainer({ redis: deps.producer, prefix, ledger: deps.ledger }),
    pageRows: config.reconcile.k3PageRows,
    logger: logger.child({ component: 'reconcile' }),
    now,
    start: { store, flows, reconcileQueue: queues.reconcile, now, retentionMs: config.reconcile.retentionMs },
    reconcileQueue: queues.reconcile,
    retentionMs: config.reconcile.retentionMs,
    ledger: deps.ledger,
    onEnded: (run) => {
      metrics.ended(run);
      logger.info(
        { runId: run.id, state: run.state, line: summaryLine(run, config.reconcile.lang) },
        'reconciliation ended',
      );
    },
  });
  const worker = new Worker(
    QUEUES.reconcile,
    createProcessor(QUEUES.reconcile, {
      reconcileDaily: () => lifecycle.daily(),
      reconcileCompare: (job) => lifecycle.compare(job),
    }),
    {
      connection: deps.workerConnection,
      prefix,
      concurrency: 2,
      lockDuration: config.reconcile.lockDurationMs,
      stalledInterval: config.reconcile.lockDurationMs,
      // A kill -9 mid-comparison: the job is taken over and compares again from its stored rows.
      maxStalledCount: 3,
    },
  );
  const throttle = createLogThrottle(60_000);
  worker.on('error', (err) =>
    throttle.run(`worker:${err.message.slice(0, 40)}`, (suppressed) =>
      logger.error({ err, suppressed }, 'worker error'),
    ),
  );
  worker.on('failed', (job, err) =>
    logger.warn({ jobId: job?.id, attempt: job?.attemptsMade, err: { message: err.message } }, 'job failed'),
  );
  const daily = config.reconcile.dailyAt;
  if (daily === null) await queues.reconcile.removeJobScheduler(DAILY_SCHEDULER_ID);
  else
    await queues.reconcile.upsertJobScheduler(
      DAILY_SCHEDULER_ID,
      { pattern: `0 ${daily.minute} ${daily.hour} * * *`, tz: 'Asia/Shanghai' },
      { name: JOBS.reconcileDaily.name, data: {}, opts: JOBS.reconcileDaily.options },
    );
  const settle = (): void =>
    void lifecycle
      .settle()
      .catch((err: unknown) =>
        logger.warn({ err: { message: (err as Error).message } }, 'settling runs failed'),
      );
  const timer = setInterval(settle, config.reconcile.settleIntervalMs);
  timer.unref();
  logger.info(
    {
      daily:
        daily === null
          ? null
          : `${String(daily.hour).padStart(2, '0')}:${String(daily.minute).padStart(2, '0')} Beijing`,
    },
    'reconciler started',
  );
  return {
    store,
    queues,
    lifecycle,
    stopIntake: async (): Promise<void> => {
      clearInterval(timer);
      await worker.close();
    },
    close: async (): Promise<void> => {
      clearInterval(timer);
      await worker.close();
      await flows.close();
      await Promise.allSettled(Object.values(queues).map((queue) => queue.close()));
    },
  };
}

export type Reconciler = Awaited<ReturnType<typeof startReconciler>>;
