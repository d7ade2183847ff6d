import { describeIssues } from '@wdt-k3/runtime';
import type { Job, JobsOptions, Queue } from 'bullmq';
import { JOBS, type JobData, type JobInput, type JobKey, type JobKeysOf, jobKeysOf } from './catalog.ts';
import { failureError } from './dead-letters/failure.ts';
import { JOB_ERROR_CODES, JobError } from './errors.ts';
import type { QueueName } from './queues.ts';

/** Validates a payload against its catalog schema; throws a non-retryable JOB_PAYLOAD_INVALID. */
export function parseJobData<K extends JobKey>(key: K, data: unknown): JobData<K> {
  const result = JOBS[key].schema.safeParse(data);
  if (!result.success) {
    throw new JobError(
      JOB_ERROR_CODES.payloadInvalid,
      `${JOBS[key].name}: ${describeIssues(result.error).join('; ')}`,
      {
        retryable: false,
        context: { job: JOBS[key].name },
      },
    );
  }
  return result.data as JobData<K>;
}

function assertQueue(queue: Queue, key: JobKey): void {
  if (queue.name !== JOBS[key].queue) {
    throw new JobError(
      JOB_ERROR_CODES.unknownJob,
      `${JOBS[key].name} belongs to ${JOBS[key].queue}, not ${queue.name}`,
      {
        retryable: false,
      },
    );
  }
}

export interface EnqueueOptions {
  readonly jobId?: string;
  /** Overrides of the catalog's retry policy (tests shorten it; operators may lengthen it). */
  readonly attempts?: number;
  readonly backoff?: JobsOptions['backoff'];
  readonly delay?: number;
  /** BullMQ priority: 1 is served first; jobs without one are served before any prioritised job. */
  readonly priority?: number;
  readonly parent?: JobsOptions['parent'];
  readonly failParentOnFailure?: boolean;
}

function optionsFor(key: JobKey, options: EnqueueOptions): JobsOptions {
  const merged: JobsOptions = { ...JOBS[key].options };
  if (options.jobId !== undefined) merged.jobId = options.jobId;
  if (options.attempts !== undefined) merged.attempts = options.attempts;
  if (options.backoff !== undefined) merged.backoff = options.backoff;
  if (options.delay !== undefined) merged.delay = options.delay;
  if (options.priority !== undefined) merged.priority = options.priority;
  if (options.parent !== undefined) merged.parent = options.parent;
  if (options.failParentOnFailure !== undefined) merged.failParentOnFailure = options.failParentOnFailure;
  return merged;
}

/** Adds one job after validating its payload; the catalog's retry and retention policy applies. */
export async function enqueue<K extends JobKey>(
  queue: Queue,
  key: K,
  data: JobInput<K>,
  options: EnqueueOptions = {},
): Promise<Job> {
  assertQueue(queue, key);
  const payload = parseJobData(key, data);
  return queue.add(JOBS[key].name, payload, optionsFor(key, options));
}

/**
 * Adds many jobs of one kind in chunks. BullMQ's addBulk is a pipeline, not a transaction, so a
 * failure can leave part of a chunk added; callers use deterministic job ids so a retry of the
 * whole call adds only what is missing.
 */
export async function enqueueBulk<K extends JobKey>(
  queue: Queue,
  key: K,
  items: ReadonlyArray<{ readonly data: JobInput<K>; readonly options?: EnqueueOptions }>,
  chunkSize = 500,
): Promise<number> {
  assertQueue(queue, key);
  const prepared = items.map((item) => ({
    name: JOBS[key].name,
    data: parseJobData(key, item.data),
    opts: optionsFor(key, item.options ?? {}),
  }));
  for (let start = 0; start < prepared.length; start += chunkSize) {
    await queue.addBulk(prepared.slice(start, start + chunkSize));
  }
  return prepared.length;
}

export type JobHandler<K extends JobKey> = (
  job: Job<JobData<K>>,
  token: string | undefined,
  signal: AbortSignal | undefined,
) => Promise<unknown>;
export type HandlersFor<Q extends QueueName> = { readonly [K in JobKeysOf<Q>]: JobHandler<K> };

/** Start-up check: the handlers cover the queue's catalog exactly, each job exactly one handler. */
export function assertHandlers(queue: QueueName, handlers: Readonly<Record<string, unknown>>): void {
  const expected = new Set<string>(jobKeysOf(queue));
  const given = new Set(Object.keys(handlers).filter((key) => typeof handlers[key] === 'function'));
  const missing = [...expected].filter((key) => !given.has(key));
  const extra = [...given].filter((key) => !expected.has(key));
  if (missing.length > 0 || extra.length > 0) {
    throw new JobError(
      JOB_ERROR_CODES.handlersMismatch,
      `queue ${queue}: missing handlers [${missing.join(', ')}], handlers for other queues [${extra.join(', ')}]`,
      { retryable: false },
    );
  }
}

const notRetryable = (code: string, message: string) => ({
  code,
  message,
  retryable: false,
  msgCode: null,
  fieldErrors: [],
});

/**
 * The BullMQ processor of a queue: routes by job name, validates the payload (a bad payload is
 * an UnrecoverableError: the same bytes fail every time) and calls the one handler.
 */
export function createProcessor<Q extends QueueName>(queue: Q, handlers: HandlersFor<Q>) {
  assertHandlers(queue, handlers);
  const byName = new Map<string, JobKey>(jobKeysOf(queue).map((key) => [JOBS[key].name, key]));
  return async (job: Job, token?: string, signal?: AbortSignal): Promise<unknown> => {
    const key = byName.get(job.name);
    if (key === undefined) {
      throw failureError(
        notRetryable(JOB_ERROR_CODES.unknownJob, `queue ${queue} has no job named "${job.name}"`),
      );
    }
    try {
      job.data = parseJobData(key, job.data);
    } catch (err) {
      // The failure as data (dead-letters/failure.ts): failedReason is all BullMQ keeps of it.
      throw failureError(
        notRetryable(JOB_ERROR_CODES.payloadInvalid, err instanceof Error ? err.message : String(err)),
      );
    }
    const handler = (handlers as unknown as Record<string, JobHandler<JobKey>>)[key];
    if (handler === undefined)
      throw failureError(notRetryable(JOB_ERROR_CODES.unknownJob, `no handler for ${job.name}`));
    return handler(job as Job<JobData<JobKey>>, token, signal);
  };
}
