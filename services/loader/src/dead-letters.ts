import {
  blockingNumbers,
  type DeadLetterCode,
  type DeadLetterData,
  type EventEmitter,
  enqueue,
  isDeadLetterCode,
  ORDER_ERROR_CODES,
  type OrderSource,
  orderKeyOf,
  orderSourceSchema,
  type PipelineQueues,
  parseEvent,
} from '@wdt-k3/jobs';
import type { Logger } from '@wdt-k3/runtime';
import type { Job } from 'bullmq';
import { z } from 'zod';
import type { FieldError } from './errors.ts';

/**
 * Each failed attempt is written to the job's own log as one JSON line. Logs live with the job
 * in Redis, so the dead letter's error and attempt history can be rebuilt after a crash from
 * Redis alone — BullMQ keeps only a message string of an UnrecoverableError.
 */
const attemptLogSchema = z.object({
  at: z.number(),
  attempt: z.number(),
  code: z.string(),
  message: z.string(),
  retryable: z.boolean(),
  msgCode: z.number().nullable(),
  fieldErrors: z.array(z.object({ field: z.string().nullable(), message: z.string() })),
});
export type AttemptLog = z.output<typeof attemptLogSchema>;

export function formatAttemptLog(entry: AttemptLog): string {
  return JSON.stringify(entry);
}

function parseAttemptLogs(lines: readonly string[]): AttemptLog[] {
  return lines.flatMap((line) => {
    try {
      const parsed = attemptLogSchema.safeParse(JSON.parse(line));
      return parsed.success ? [parsed.data] : [];
    } catch {
      return [];
    }
  });
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * The fallback when a job has no attempt log (BullMQ keeps only a message string): "CODE: message",
 * as the processor words every failure, → its parts; a code outside the catalogue becomes
 * LOADER_UNEXPECTED with the whole reason as its message.
 */
function fromFailedReason(reason: string | undefined): { code: DeadLetterCode; message: string } {
  const match = /^([A-Z][A-Z0-9_]+): ([\s\S]*)$/.exec(reason ?? '');
  return match?.[1] !== undefined && isDeadLetterCode(match[1])
    ? { code: match[1], message: match[2] ?? '' }
    : { code: ORDER_ERROR_CODES.unexpected, message: reason ?? 'failed' };
}

/** An attempt log's code, held to the catalogue (a log written by another version may not be). */
const known = (code: string): DeadLetterCode =>
  isDeadLetterCode(code) ? code : ORDER_ERROR_CODES.unexpected;

export async function buildDeadLetter(
  queues: PipelineQueues,
  job: Job,
  now: number,
): Promise<DeadLetterData> {
  const { logs } = await queues.orders.getJobLogs(job.id ?? '', 0, -1);
  const history = parseAttemptLogs(logs);
  const last = history.at(-1);
  const data: unknown = job.data;
  const order = isRecord(data) && isRecord(data.order) ? data.order : { _unreadablePayload: data ?? null };
  const parsedSource = orderSourceSchema.safeParse(isRecord(data) ? data.source : undefined);
  const source: OrderSource = parsedSource.success
    ? parsedSource.data
    : { runId: 'unknown', kind: 'unknown', pageNo: null, fetchedAt: job.timestamp };
  const reason = fromFailedReason(job.failedReason);
  const fieldErrors: FieldError[] = last?.fieldErrors ?? [];
  return {
    order,
    originalJobId: job.id ?? 'unknown',
    source,
    error: {
      code: last === undefined ? reason.code : known(last.code),
      message: last?.message ?? reason.message,
      retryable: last?.retryable ?? false,
      msgCode: last?.msgCode ?? null,
      fieldErrors,
    },
    attemptsMade: job.attemptsMade,
    firstEnqueuedAt: job.timestamp,
    failedAt: job.finishedOn ?? now,
    history: history.map((entry) => ({
      at: entry.at,
      attempt: entry.attempt,
      code: entry.code,
      message: entry.message,
    })),
  };
}

/**
 * Copies a job that failed for good to `orders-failed` (same job id, so a second copy is a
 * no-op), then removes it from `orders`. A crash between the two leaves the failed job where
 * `reconcileDeadLetters` finds it; nothing is lost and nothing is copied twice.
 */
export async function deadLetterJob(
  queues: PipelineQueues,
  job: Job,
  now: number,
  events: EventEmitter,
): Promise<{ readonly record: DeadLetterData; readonly added: boolean }> {
  const record = await buildDeadLetter(queues, job, now);
  const deadLetterId = job.id ?? record.originalJobId;
  // A copy that is already there (the sweep and the failed-event handler both got the job) is a
  // no-op: `added` says whether this one made the dead letter, for the metric.
  const added = (await queues.failed.getJob(deadLetterId)) === undefined;
  await enqueue(queues.failed, 'deadLetter', record, { jobId: deadLetterId });
  // Before the job is removed: a failure here leaves it failed, and the sweep tries both again.
  await events.emit([
    parseEvent('order.dead_lettered', {
      orderKey: orderKeyOf(deadLetterId),
      at: now,
      jobId: deadLetterId,
      deadLetterId,
      code: record.error.code,
      message: record.error.message.slice(0, 500),
      attempts: record.attemptsMade,
      blocking: blockingNumbers(record.order, record.error.fieldErrors),
    }),
  ]);
  // The periodic sweep and the failed-event handler may race for the same job; the loser finds
  // it already gone, which is the outcome both wanted.
  await job.remove().catch(async (err: unknown) => {
    if ((await queues.orders.getJob(job.id ?? '')) !== undefined) throw err;
  });
  return { record, added };
}

/** Start-up (and periodic) sweep: every job left failed in `orders` gets its dead letter. */
export async function reconcileDeadLetters(
  queues: PipelineQueues,
  logger: Logger,
  now: () => number,
  events: EventEmitter,
  onAdded?: (record: DeadLetterData) => void,
): Promise<number> {
  let moved = 0;
  for (;;) {
    const failed = await queues.orders.getFailed(0, 99);
    if (failed.length === 0) return moved;
    for (const job of failed) {
      const { record, added } = await deadLetterJob(queues, job, now(), events);
      if (added) onAdded?.(record);
      moved += 1;
    }
    logger.info({ moved }, 'reconciled dead letters');
  }
}
