import {
  type DeadLetterData,
  enqueue,
  type OrderSource,
  orderSourceSchema,
  type PipelineQueues,
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

/** "CODE: message" (how the processor words every failure) → its parts. */
function fromFailedReason(reason: string | undefined): { code: string; message: string } {
  const match = /^([A-Z][A-Z0-9_]+): ([\s\S]*)$/.exec(reason ?? '');
  return match?.[1] !== undefined
    ? { code: match[1], message: match[2] ?? '' }
    : { code: 'UNKNOWN', message: reason ?? 'failed' };
}

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
      code: last?.code ?? reason.code,
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
export async function deadLetterJob(queues: PipelineQueues, job: Job, now: number): Promise<DeadLetterData> {
  const record = await buildDeadLetter(queues, job, now);
  await enqueue(queues.failed, 'deadLetter', record, { jobId: job.id ?? record.originalJobId });
  // The periodic sweep and the failed-event handler may race for the same job; the loser finds
  // it already gone, which is the outcome both wanted.
  await job.remove().catch(async (err: unknown) => {
    if ((await queues.orders.getJob(job.id ?? '')) !== undefined) throw err;
  });
  return record;
}

/** Start-up (and periodic) sweep: every job left failed in `orders` gets its dead letter. */
export async function reconcileDeadLetters(
  queues: PipelineQueues,
  logger: Logger,
  now: () => number,
): Promise<number> {
  let moved = 0;
  for (;;) {
    const failed = await queues.orders.getFailed(0, 99);
    if (failed.length === 0) return moved;
    for (const job of failed) {
      await deadLetterJob(queues, job, now());
      moved += 1;
    }
    logger.info({ moved }, 'reconciled dead letters');
  }
}
