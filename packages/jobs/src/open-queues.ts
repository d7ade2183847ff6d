import type { RedisConnection } from '@wdt-k3/runtime';
import { Queue } from 'bullmq';
import { QUEUES, type QueueName } from './queues.ts';

export type PipelineQueues = { readonly [K in keyof typeof QUEUES]: Queue };

/**
 * Opens every queue of the pipeline on one producer connection. The events stream is capped
 * (BullMQ keeps ~10,000 entries per queue by default; nothing here reads old events).
 */
export function openQueues(connection: RedisConnection, prefix: string): PipelineQueues {
  const open = (name: QueueName): Queue =>
    new Queue(name, { connection, prefix, streams: { events: { maxLen: 2_000 } } });
  return {
    sync: open(QUEUES.sync),
    pages: open(QUEUES.pages),
    orders: open(QUEUES.orders),
    failed: open(QUEUES.failed),
  };
}

export async function closeQueues(queues: PipelineQueues): Promise<void> {
  await Promise.allSettled(Object.values(queues).map((queue) => queue.close()));
}
