import type { Job } from 'bullmq';
import { type DeadLetterData, type OrderSource, orderLoadSchema, orderSourceSchema } from '../catalog.ts';
import type { PipelineQueues } from '../open-queues.ts';
import { cataloguedFailure, parseAttemptLogs, readFailureReason } from './failure.ts';

const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * Attempts a letter keeps, newest last: ten full runs of `order.load` (10 attempts each). A letter
 * replayed more often than that drops its oldest attempts (the replays and `firstEnqueuedAt`
 * stay), so a letter — and the replay job carrying its history — stays a few tens of KB.
 */
const MAX_HISTORY = 100;

type Earlier = Pick<DeadLetterData, 'originalJobId' | 'firstEnqueuedAt' | 'history' | 'replays'>;

/** Whether this job's failure is already written into the letter (a second copy, the sweep's). */
export function letterHasJob(letter: DeadLetterData, job: Job): boolean {
  // A job created after the letter's failure reuses the id (re-enqueued once the first was
  // removed): it is a newer failure of the order, not a copy of the one written.
  if (job.timestamp > letter.failedAt) return false;
  if (letter.lastJobId !== undefined) return letter.lastJobId === job.id;
  // Written before letters named their last job: the only job it can hold is its first.
  return letter.originalJobId === job.id;
}

function replayOf(data: unknown) {
  const parsed = orderLoadSchema.shape.replay.safeParse(isRecord(data) ? data.replay : undefined);
  return parsed.success ? parsed.data : undefined;
}

/**
 * The dead letter of a job that failed for good: its order and source, the failure (the last
 * attempt log, or the failure document BullMQ kept as failedReason), and one history of the
 * order: what `existing` (the letter already under the order's id) or the replayed letter the
 * job carries (`replay.prior`) held, this job's replay, and this job's attempts.
 */
export async function buildDeadLetter(
  queues: PipelineQueues,
  job: Job,
  now: number,
  existing: DeadLetterData | null = null,
): Promise<DeadLetterData> {
  const jobId = job.id ?? 'unknown';
  const { logs } = await queues.orders.getJobLogs(jobId, 0, -1);
  const attempts = parseAttemptLogs(logs);
  const last = attempts.at(-1);
  const failure = last === undefined ? readFailureReason(job.failedReason) : cataloguedFailure(last);
  const data: unknown = job.data;
  const order = isRecord(data) && isRecord(data.order) ? data.order : { _unreadablePayload: data ?? null };
  const parsedSource = orderSourceSchema.safeParse(isRecord(data) ? data.source : undefined);
  const source: OrderSource = parsedSource.success
    ? parsedSource.data
    : { runId: 'unknown', kind: 'unknown', pageNo: null, fetchedAt: job.timestamp };
  const replay = replayOf(data);
  const earlier: Earlier | null = existing ?? replay?.prior ?? null;
  const failedAt = job.finishedOn ?? now;
  const replays = (earlier?.replays ?? []).filter((entry) => entry.jobId !== jobId);
  if (replay !== undefined)
    replays.push({
      at: replay.at,
      by: replay.by,
      jobId,
      edited: replay.edited ?? replay.editedFrom !== undefined,
    });
  // No attempt log (it could not be written): the failure BullMQ kept stands for the attempt.
  const own =
    attempts.length > 0
      ? attempts.map((entry) => ({
          at: entry.at,
          attempt: entry.attempt,
          code: entry.code,
          message: entry.message,
        }))
      : [{ at: failedAt, attempt: job.attemptsMade, code: failure.code, message: failure.message }];
  return {
    order,
    originalJobId: earlier?.originalJobId ?? jobId,
    lastJobId: jobId,
    source,
    error: {
      code: failure.code,
      message: failure.message,
      retryable: failure.retryable,
      msgCode: failure.msgCode,
      fieldErrors: failure.fieldErrors,
    },
    attemptsMade: job.attemptsMade,
    firstEnqueuedAt: earlier?.firstEnqueuedAt ?? job.timestamp,
    failedAt,
    history: [
      ...(earlier?.history ?? []).filter((entry) => entry.jobId !== jobId),
      ...own.map((entry) => ({ ...entry, jobId })),
    ].slice(-MAX_HISTORY),
    replays,
    replayCount: replays.length,
  };
}
