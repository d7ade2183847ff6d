import type { Logger } from '@wdt-k3/runtime';
import type { Job } from 'bullmq';
import { blockingNumbers } from '../blocking.ts';
import type { DeadLetterData } from '../catalog.ts';
import { enqueue } from '../dispatch.ts';
import type { EventEmitter } from '../event-emitter.ts';
import { orderKeyOf, parseEvent } from '../events.ts';
import type { PipelineQueues } from '../open-queues.ts';
import { buildDeadLetter, letterHasJob } from './record.ts';
import { deadLetterIdOf, parseDeadLetter } from './store.ts';

export interface DeadLettered {
  readonly id: string;
  readonly record: DeadLetterData;
  /** Whether this call wrote the job's failure (false: a copy of it was already there). */
  readonly added: boolean;
}

/**
 * Writes the letter of a job that failed for good under its order's id, in steps that can each
 * be run again: (1) copy — a new letter, or the order's letter rewritten with this job's attempts
 * (a replay that failed again); a letter that already holds this job is left alone; (2) the
 * `order.dead_lettered` event; (3) the job removed from `orders`. A crash between any two leaves
 * the job failed in `orders`, where `reconcileDeadLetters` runs the steps again: one letter, never
 * two, never none.
 */
export async function deadLetterJob(
  queues: PipelineQueues,
  job: Job,
  now: number,
  events: EventEmitter,
): Promise<DeadLettered> {
  const jobId = job.id ?? 'unknown';
  const written = await copyToDeadLetters(queues, job, now);
  const { id, record } = written;
  // Before the job is removed: a failure here leaves it failed, and the sweep tries both again.
  await events.emit([
    parseEvent('order.dead_lettered', {
      orderKey: orderKeyOf(id),
      at: now,
      jobId,
      deadLetterId: id,
      code: record.error.code,
      message: record.error.message.slice(0, 500),
      attempts: record.attemptsMade,
      blocking: blockingNumbers(record.order, record.error.fieldErrors),
    }),
  ]);
  await removeFailedJob(queues, job);
  return written;
}

/** Step 1 of `deadLetterJob`, on its own (the crash-safety tests stop after it). */
export async function copyToDeadLetters(
  queues: PipelineQueues,
  job: Job,
  now: number,
): Promise<DeadLettered> {
  const jobId = job.id ?? 'unknown';
  const id = deadLetterIdOf(jobId);
  const stored = await queues.failed.getJob(id);
  const existing = stored === undefined ? null : parseDeadLetter(stored.data).letter;
  if (existing !== null && letterHasJob(existing, job)) return { id, record: existing, added: false };
  const record = await buildDeadLetter(queues, job, now, existing);
  if (stored === undefined) {
    // The same id: of two writers racing here (the failed-event handler and the sweep), the
    // second add is a no-op.
    await enqueue(queues.failed, 'deadLetter', record, { jobId: id });
  } else {
    // The order's letter is still there (its replay's removal failed, or it is unreadable):
    // this job's failure is the newer state of the same order, with the older history kept.
    await stored.updateData(record);
  }
  return { id, record, added: true };
}

/**
 * Step 3 of `deadLetterJob`. The periodic sweep and the failed-event handler may race for the
 * same job; the loser finds it already gone, which is the outcome both wanted.
 */
async function removeFailedJob(queues: PipelineQueues, job: Job): Promise<void> {
  await job.remove().catch(async (err: unknown) => {
    if ((await queues.orders.getJob(job.id ?? '')) !== undefined) throw err;
  });
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
