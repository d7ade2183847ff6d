import { createProcessor, openQueues, type PipelineQueues, QUEUES } from '@wdt-k3/jobs';
import type { K3CloudClient } from '@wdt-k3/k3cloud-client';
import type { MappingProfile } from '@wdt-k3/mapping';
import { isAppError, type Logger, type RedisConnection } from '@wdt-k3/runtime';
import { UnrecoverableError, Worker } from 'bullmq';
import type { Registry } from 'prom-client';
import { type BillSaver, createBillSaver } from './bill-saver.ts';
import type { LoaderConfig } from './config.ts';
import { deadLetterJob, formatAttemptLog, reconcileDeadLetters } from './dead-letters.ts';
import { OrderError } from './errors.ts';
import { createLookups } from './lookups.ts';
import { createLoaderMetrics } from './metrics.ts';
import { type OrderResult, processOrder } from './process-order.ts';

export interface LoaderDeps {
  readonly config: LoaderConfig;
  readonly logger: Logger;
  readonly producer: RedisConnection;
  readonly workerConnection: RedisConnection;
  readonly client: K3CloudClient;
  readonly profile: MappingProfile;
  readonly registry: Registry;
  readonly now?: () => number;
}

export interface Loader {
  readonly worker: Worker;
  readonly queues: PipelineQueues;
  readonly saver: BillSaver;
  /** Epoch ms when this process last started a job (consumption proof for /health). */
  lastJobStartedAt(): number | null;
  reconcile(): Promise<number>;
  /** Stop taking jobs; the current batch is flushed; waits up to shutdownTimeoutMs. */
  stopIntake(): Promise<void>;
  close(): Promise<void>;
}

function toOrderError(err: unknown): OrderError {
  if (err instanceof OrderError) return err;
  if (isAppError(err)) return new OrderError(err.code, err.message, { retryable: err.retryable, cause: err });
  return new OrderError('LOADER_UNEXPECTED', err instanceof Error ? err.message : String(err), {
    retryable: true,
    cause: err,
  });
}

export async function startLoader(deps: LoaderDeps): Promise<Loader> {
  const { config, logger } = deps;
  const now = deps.now ?? Date.now;
  const prefix = config.redis.queuePrefix;
  const settings = config.loader;
  const queues = openQueues(deps.producer, prefix);
  const metrics = createLoaderMetrics(deps.registry);
  const saver = createBillSaver(
    deps.client,
    {
      batchSize: settings.batchSize,
      batchWaitMs: settings.batchWaitMs,
      maxConcurrentSaves: settings.maxConcurrentSaves,
      saveOptions: { isVerifyBaseDataField: config.k3.verifyBaseData },
    },
    logger.child({ component: 'bill-saver' }),
    {
      onBatch: (size) => metrics.batchSize.observe(size),
      onK3Call: (operation, seconds, ok) =>
        metrics.k3Seconds.observe({ operation, outcome: ok ? 'ok' : 'error' }, seconds),
    },
  );
  const lookups = createLookups(
    deps.client,
    deps.producer,
    `${prefix}:loader:cache`,
    {
      cacheTtlMs: settings.lookupCacheTtlMs,
      missTtlMs: settings.lookupMissTtlMs,
      batchWaitMs: settings.lookupBatchWaitMs,
    },
    logger.child({ component: 'lookups' }),
    (lookup, hit) => metrics.lookupCache.inc({ lookup, result: hit ? 'hit' : 'miss' }),
  );
  const pipeline = {
    profile: deps.profile,
    linkMode: settings.linkMode,
    lookups,
    saver,
    onUnlinked: () => metrics.unlinked.inc(),
  };
  let lastStartedAt: number | null = null;
  // Whether the dead-letter queue holds anything, re-read at most every 5 s: checking it on
  // every job would double the Redis calls of a busy loader for a rare event.
  let dlqCheckedAt = 0;
  let dlqNonEmpty = true;
  const deadLettersMayExist = async (): Promise<boolean> => {
    if (now() - dlqCheckedAt > 5_000) {
      dlqCheckedAt = now();
      dlqNonEmpty = (await queues.failed.count()) > 0;
    }
    return dlqNonEmpty;
  };

  const processor = createProcessor(QUEUES.orders, {
    orderLoad: async (job): Promise<OrderResult> => {
      lastStartedAt = now();
      try {
        const result = await processOrder(pipeline, job.data);
        (result.status === 'saved' ? metrics.billsSaved : metrics.billsAlreadySaved).inc();
        // A dead letter of this order (or the one this job replays) is resolved by the success.
        const resolved = [job.id, job.data.replay?.of].filter((id): id is string => id !== undefined);
        if (job.data.replay !== undefined || (await deadLettersMayExist())) {
          await Promise.all(resolved.map((id) => queues.failed.remove(id)));
        }
        return result;
      } catch (err) {
        const error = toOrderError(err);
        metrics.attemptsFailed.inc({ code: error.code, retryable: String(error.retryable) });
        await job
          .log(
            formatAttemptLog({
              at: now(),
              attempt: job.attemptsMade + 1,
              code: error.code,
              message: error.message,
              retryable: error.retryable,
              msgCode: error.msgCode,
              fieldErrors: [...error.fieldErrors],
            }),
          )
          .catch(() => undefined);
        // The code leads the message: it is what BullMQ keeps as failedReason.
        if (!error.retryable) throw new UnrecoverableError(`${error.code}: ${error.message}`);
        throw new Error(`${error.code}: ${error.message}`);
      }
    },
  });

  const worker = new Worker(QUEUES.orders, processor, {
    connection: deps.workerConnection,
    prefix,
    concurrency: settings.concurrency,
    lockDuration: settings.lockDurationMs,
    stalledInterval: settings.stalledIntervalMs,
    // A kill -9 of a loader stalls its jobs; they must be taken over, not failed: K3 stays
    // duplicate-free because every batch checks FBillNo first.
    maxStalledCount: 3,
  });
  worker.on('error', (err) => logger.error({ err }, 'worker error'));
  worker.on('closing', () => saver.flushNow());
  worker.on('failed', (job) => {
    if (job === undefined) return;
    void (async () => {
      // BullMQ's retries-exhausted misses UnrecoverableError: decide from the job's state.
      if (!(await job.isFailed())) return;
      const record = await deadLetterJob(queues, job, now());
      metrics.deadLetters.inc({ code: record.error.code });
      logger.warn(
        { jobId: job.id, code: record.error.code, attempts: job.attemptsMade },
        'order dead-lettered',
      );
    })().catch((err: unknown) =>
      logger.error({ err, jobId: job.id }, 'dead-letter copy failed; the next sweep retries'),
    );
  });

  const reconcile = () => reconcileDeadLetters(queues, logger.child({ component: 'reconcile' }), now);
  await reconcile();
  const sweep = setInterval(() => {
    reconcile().catch((err: unknown) => logger.error({ err }, 'dead-letter sweep failed'));
  }, settings.reconcileIntervalMs);
  sweep.unref();

  let stopped: Promise<void> | undefined;
  const stopIntake = (): Promise<void> => {
    stopped ??= (async () => {
      clearInterval(sweep);
      const closing = worker.close();
      saver.flushNow();
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([
        closing.then(() => false),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(true), settings.shutdownTimeoutMs);
        }),
      ]);
      clearTimeout(timer);
      if (timedOut) {
        logger.warn(
          { timeoutMs: settings.shutdownTimeoutMs },
          'jobs still running at the shutdown bound; they will be taken over',
        );
        await worker.close(true);
      }
    })();
    return stopped;
  };
  logger.info(
    { concurrency: settings.concurrency, batchSize: settings.batchSize, linkMode: settings.linkMode },
    'loader started',
  );
  return {
    worker,
    queues,
    saver,
    lastJobStartedAt: () => lastStartedAt,
    reconcile,
    stopIntake,
    close: async () => {
      await stopIntake();
      await Promise.allSettled(Object.values(queues).map((queue) => queue.close()));
    },
  };
}
