import {
  createEventEmitter,
  createProcessor,
  createSignalRecorder,
  deadLetterIdOf,
  deadLetterJob,
  failureError,
  formatAttemptLog,
  type OrderEvent,
  type OrderLoadData,
  openQueues,
  orderJobId,
  orderKeyOf,
  type PipelineQueues,
  parseEvent,
  QUEUES,
  reconcileDeadLetters,
  SIGNALS,
  startLoaderHeartbeat,
} from '@wdt-k3/jobs';
import type { K3CloudClient } from '@wdt-k3/k3cloud-client';
import type { MappingProfile } from '@wdt-k3/mapping';
import type { Logger, RedisConnection } from '@wdt-k3/runtime';
import { DelayedError, type Job, Worker } from 'bullmq';
import type { Registry } from 'prom-client';
import { type BillClaims, claimWaitMs, createBillClaims, createNoBillClaims } from './bill-claims.ts';
import { createBillOwners } from './bill-owners.ts';
import { type BillSaver, createBillSaver } from './bill-saver.ts';
import type { LoaderConfig } from './config.ts';
import { LOADER_ERROR_CODES, type OrderError, toOrderError } from './errors.ts';
import { createLookups } from './lookups.ts';
import type { LoaderMetrics } from './metrics.ts';
import { createLoaderMetrics } from './metrics.ts';
import { sweepParked } from './parked-sweep.ts';
import { type OrderResult, processOrder } from './process-order.ts';

/** How often a loader writes its heartbeat (the console shows a loader missing 3 as not alive). */
const HEARTBEAT_INTERVAL_MS = 5_000;

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
  /** One sweep of the parked dead letters now (tests; it also runs every LOADER_PARKED_SWEEP_INTERVAL_MS). */
  sweepParked(): Promise<{ looked: number; replayed: number }>;
  /** Stop taking jobs; the current batch is flushed; waits up to shutdownTimeoutMs. */
  stopIntake(): Promise<void>;
  close(): Promise<void>;
}

/** K3 refusing who we are or what we may do: credentials, permissions, licence (k3cloud-client codes). */
const K3_REFUSALS: ReadonlySet<string> = new Set(['K3_AUTH_FAILED', 'K3_REJECTED']);

/** What an order job returns (and BullMQ keeps): the content hash lets a re-read see a change. */
interface JobResult {
  readonly status: OrderResult['status'];
  readonly id: number;
  readonly number: string;
  readonly contentHash: string;
}

function savedEvent(result: OrderResult, jobId: string, data: OrderLoadData, at: number): OrderEvent {
  return parseEvent('order.saved', {
    orderKey: result.orderKey,
    at,
    jobId,
    billNo: result.number,
    fid: String(result.id),
    already: result.status === 'already-saved',
    billHash: result.billHash,
    bill: result.bill,
    contentHash: result.contentHash,
    ...(data.replay?.editedFrom === undefined ? {} : { editedFrom: data.replay.editedFrom }),
  });
}

/**
 * A job whose bill number another batch holds waits for that holder's outcome as a delayed job
 * (job.moveToDelayed + DelayedError), not inside this process. bullmq 6.7.0's Job.moveToDelayed
 * sends skipAttempt (moveToDelayed-11.lua then leaves `atm` alone), so a wait spends none of the
 * order's attempts; and the job gives its concurrency slot back: a loader killed with -9 leaves
 * up to batchSize × maxConcurrentSaves claims (200 by default) standing for up to their TTL, and
 * a bounded wait in here would park the taking-over loader's 100 slots behind them. The wait
 * doubles per wait (claimWaitMs), so a waiting order costs Redis a few calls, not a loop.
 * Clock skew between loaders only shifts when the job runs again; the claim's TTL runs on Redis.
 */
async function waitForClaimHolder(job: Job, token: string | undefined, error: OrderError): Promise<never> {
  const expiresInMs = error.context?.expiresInMs;
  const waitsSoFar = Math.max(0, job.attemptsStarted - job.attemptsMade - 1);
  const delayMs = claimWaitMs(waitsSoFar, typeof expiresInMs === 'number' ? expiresInMs : undefined);
  await job.moveToDelayed(Date.now() + delayMs, token);
  throw new DelayedError();
}

function openClaims(deps: LoaderDeps, metrics: LoaderMetrics): BillClaims {
  const { config } = deps;
  if (!config.loader.billClaims) return createNoBillClaims();
  return createBillClaims(
    deps.producer,
    config.redis.queuePrefix,
    // A release waits up to 200 ms for the next batch's acquisition to carry it. Measured with
    // the claims bench (20,000 orders, batches of 50): waiting one batch window (20 ms) sent 166
    // of 577 claim calls as lone releases, 1.40 per batch; waiters look again after 250 ms at
    // the earliest (claimWaitMs), so the longer ride delays them little.
    { ttlMs: config.loader.claimTtlMs, releaseDelayMs: Math.max(200, config.loader.batchWaitMs) },
    deps.logger.child({ component: 'bill-claims' }),
    {
      onRoundTrip: (reason) => metrics.claimRoundTrips.inc({ reason }),
      onLost: (count) => metrics.claimsLost.inc(count),
    },
  );
}

export async function startLoader(deps: LoaderDeps): Promise<Loader> {
  const { config, logger } = deps;
  const now = deps.now ?? Date.now;
  const prefix = config.redis.queuePrefix;
  const settings = config.loader;
  const queues = openQueues(deps.producer, prefix);
  const metrics = createLoaderMetrics(deps.registry);
  const claims = openClaims(deps, metrics);
  // What the alerter reads of this loader (packages/jobs signals): K3 calls, failures, refusals, starts.
  const signals = createSignalRecorder(deps.producer, prefix, { now, logger });
  const saver = createBillSaver(
    deps.client,
    claims,
    {
      batchSize: settings.batchSize,
      batchWaitMs: settings.batchWaitMs,
      maxConcurrentSaves: settings.maxConcurrentSaves,
      saveOptions: { isVerifyBaseDataField: config.k3.verifyBaseData },
    },
    logger.child({ component: 'bill-saver' }),
    {
      onBatch: (size) => metrics.batchSize.observe(size),
      onK3Call: (operation, seconds, ok) => {
        metrics.k3Seconds.observe({ operation, outcome: ok ? 'ok' : 'error' }, seconds);
        signals.count(SIGNALS.k3Calls);
        if (ok) signals.accepted('k3');
        else signals.count(SIGNALS.k3Failed);
      },
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
    () => metrics.sideWritesFailed.inc({ kind: 'lookup-cache' }),
  );
  const events = createEventEmitter(deps.producer, prefix, { enabled: config.eventsEnabled });
  const pipeline = {
    profile: deps.profile,
    linkMode: settings.linkMode,
    lookups,
    saver,
    owners: createBillOwners(deps.producer, prefix, {
      ownerTtlMs: settings.billOwnerTtlMs,
      doneTtlMs: settings.doneTtlMs,
    }),
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
    orderLoad: async (job, token): Promise<JobResult> => {
      lastStartedAt = now();
      signals.count(SIGNALS.jobsStarted);
      const jobId = job.id ?? orderJobId(job.data.order);
      // Every line about this order names it: which job, which stock-out. Made only when a line
      // is written: a pino child with redaction was 2.6 % of a busy loader's CPU (--cpu-prof).
      const orderLog = () => logger.child({ jobId, stockoutId: String(job.data.order.stockout_id ?? '') });
      try {
        const result = await processOrder(pipeline, job.data, jobId);
        (result.status === 'saved' ? metrics.billsSaved : metrics.billsAlreadySaved).inc();
        // Written before the job completes (at-least-once); the ledger ignores a repeat.
        await events.emit([savedEvent(result, jobId, job.data, now())]);
        // The order's dead letter (its base id; a legacy letter under the replayed id) is resolved.
        const resolved = new Set([deadLetterIdOf(jobId), job.data.replay?.of ?? deadLetterIdOf(jobId)]);
        if (job.data.replay !== undefined || (await deadLettersMayExist())) {
          await Promise.all([...resolved].map((id) => queues.failed.remove(id)));
        }
        // What the job keeps in Redis: small, with the content hash a later re-read compares.
        return {
          status: result.status,
          id: result.id,
          number: result.number,
          contentHash: result.contentHash,
        };
      } catch (err) {
        const error = toOrderError(err);
        if (error.code === LOADER_ERROR_CODES.billClaimed) {
          metrics.claimWaits.inc();
          await waitForClaimHolder(job, token, error);
        }
        metrics.attemptsFailed.inc({ code: error.code, retryable: String(error.retryable) });
        if (K3_REFUSALS.has(error.code))
          signals.refused('k3', { code: error.code, message: error.message.slice(0, 300), at: now() });
        await events
          .emit([
            parseEvent('order.attempt_failed', {
              orderKey: orderKeyOf(jobId),
              at: now(),
              jobId,
              attempt: job.attemptsMade + 1,
              code: error.code,
              retryable: error.retryable,
              message: error.message.slice(0, 500),
            }),
          ])
          .catch((emitErr: unknown) => {
            metrics.sideWritesFailed.inc({ kind: 'attempt-event' });
            orderLog().warn({ err: emitErr }, 'attempt event not written');
          });
        const failure = {
          code: error.code,
          message: error.message,
          retryable: error.retryable,
          msgCode: error.msgCode,
          fieldErrors: [...error.fieldErrors],
        };
        await job
          .log(formatAttemptLog({ at: now(), attempt: job.attemptsMade + 1, ...failure }))
          .catch((logErr: unknown) => {
            // The attempt history of a later dead letter lacks this attempt; the event has it.
            metrics.sideWritesFailed.inc({ kind: 'job-log' });
            orderLog().warn({ err: logErr }, 'attempt not written to the job log');
          });
        // The failure as data: BullMQ keeps the message as failedReason in the same script that
        // fails the job, so the dead letter has the code even when the log above was lost.
        throw failureError(failure);
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
  // The console's loader fleet (last seen, jobs/s) reads these from the heartbeat.
  const counters = { processed: 0, failed: 0 };
  worker.on('completed', () => {
    counters.processed += 1;
  });
  const heartbeat = startLoaderHeartbeat({
    redis: deps.producer,
    prefix,
    concurrency: settings.concurrency,
    intervalMs: HEARTBEAT_INTERVAL_MS,
    counters: () => counters,
    logger,
    now,
  });
  worker.on('failed', (job) => {
    counters.failed += 1;
    if (job === undefined) return;
    void (async () => {
      // BullMQ's retries-exhausted misses UnrecoverableError: decide from the job's state.
      if (!(await job.isFailed())) return;
      const { id, record, added } = await deadLetterJob(queues, job, now(), events);
      if (added) metrics.deadLetters.inc({ code: record.error.code });
      logger.warn(
        { jobId: job.id, deadLetterId: id, code: record.error.code, attempts: job.attemptsMade },
        'order dead-lettered',
      );
    })().catch((err: unknown) =>
      logger.error({ err, jobId: job.id }, 'dead-letter copy failed; the next sweep retries'),
    );
  });

  const reconcile = () =>
    reconcileDeadLetters(queues, logger.child({ component: 'reconcile' }), now, events, (record) =>
      metrics.deadLetters.inc({ code: record.error.code }),
    );
  await reconcile();
  const sweep = setInterval(() => {
    reconcile().catch((err: unknown) => logger.error({ err }, 'dead-letter sweep failed'));
  }, settings.reconcileIntervalMs);
  sweep.unref();
  const parkedDeps = {
    queues,
    redis: deps.producer,
    prefix,
    lookups,
    events,
    logger: logger.child({ component: 'parked-sweep' }),
    now,
    horizonMs: settings.parkedHorizonMs,
    lockMs: Math.max(60_000, settings.parkedSweepIntervalMs),
  };
  const sweepParkedNow = () => sweepParked(parkedDeps);
  const parked = setInterval(() => {
    sweepParkedNow().catch((err: unknown) =>
      logger.warn({ err }, 'parked sweep failed; the next one tries again'),
    );
  }, settings.parkedSweepIntervalMs);
  parked.unref();

  let stopped: Promise<void> | undefined;
  const stopIntake = (): Promise<void> => {
    stopped ??= (async () => {
      clearInterval(sweep);
      clearInterval(parked);
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
      await heartbeat.stop();
      // Releases of the last batches are queued to ride along with a next batch: send them now.
      await claims
        .flush()
        .catch((err: unknown) =>
          logger.warn({ err }, 'bill claims not released at shutdown; they expire after their TTL'),
        );
    })();
    return stopped;
  };
  logger.info(
    {
      concurrency: settings.concurrency,
      batchSize: settings.batchSize,
      linkMode: settings.linkMode,
      claimOwner: settings.billClaims ? claims.processId : null,
      claimTtlMs: settings.claimTtlMs,
    },
    'loader started',
  );
  return {
    worker,
    queues,
    saver,
    lastJobStartedAt: () => lastStartedAt,
    reconcile,
    sweepParked: sweepParkedNow,
    stopIntake,
    close: async () => {
      await stopIntake();
      await events.close();
      await signals.close();
      await Promise.allSettled(Object.values(queues).map((queue) => queue.close()));
    },
  };
}
