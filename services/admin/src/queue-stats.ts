import { JOB_STATES, type JobStateName, type QueueStats } from '@wdt-k3/admin-contract';
import type { PipelineQueues } from '@wdt-k3/jobs';
import type { Queue } from 'bullmq';

export { JOB_STATES, type QueueStats } from '@wdt-k3/admin-contract';

/**
 * When the oldest waiting job became due: its creation plus its delay, or its last start when it
 * is waiting again after a failed attempt (BullMQ keeps no "entered wait at" time, so a retried
 * job's age counts from its last attempt).
 */
async function oldestWaitingSince(queue: Queue): Promise<number | null> {
  const [id] = await queue.getRanges(['wait'], 0, 0, true);
  if (id === undefined) return null;
  const job = await queue.getJob(id);
  if (job === undefined) return null;
  return Math.max(job.timestamp + (job.opts.delay ?? 0), job.processedOn ?? 0);
}

async function readQueueStats(queue: Queue, now: number): Promise<QueueStats> {
  const [raw, paused, since] = await Promise.all([
    queue.getJobCounts(...JOB_STATES),
    queue.isPaused(),
    oldestWaitingSince(queue),
  ]);
  const counts = Object.fromEntries(JOB_STATES.map((state) => [state, raw[state] ?? 0])) as Record<
    JobStateName,
    number
  >;
  return {
    queue: queue.name,
    paused,
    counts,
    oldestWaitingSeconds: since === null ? null : Math.max(0, (now - since) / 1000),
  };
}

export async function readAllQueueStats(queues: PipelineQueues, now: number): Promise<QueueStats[]> {
  return Promise.all(Object.values(queues).map((queue) => readQueueStats(queue, now)));
}

/** The queues a pipeline pause stops: intake (sync, pages) and loading (orders). The DLQ has no consumer. */
export function pausableQueues(queues: PipelineQueues): Queue[] {
  return [queues.sync, queues.pages, queues.orders];
}
