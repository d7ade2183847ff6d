import type { RedisConnection } from '@wdt-k3/runtime';
import { Queue } from 'bullmq';
import { QUEUES, type QueueName } from './queues.ts';

export type PipelineQueues = { readonly [K in keyof typeof QUEUES]: Queue };

/**
 * Opens every queue of the pipeline on one producer connection. The events stream is capped
 * (BullMQ keeps ~10,000 entries per queue by default; nothing here reads old events).
 *
 * A Queue re-emits its connection's errors; with no listener BullMQ `console.error`s each one, a
 * multi-line stack per queue per reconnect attempt in the JSON logs (seen on every failover).
 * The connection's own listener (`createRedis`) already logs them, once per change.
 */
export function openQueues(connection: RedisConnection, prefix: string): PipelineQueues {
  const open = (name: QueueName): Queue => {
    const queue = new Queue(name, { connection, prefix, streams: { events: { maxLen: 2_000 } } });
    queue.on('error', () => undefined);
    return queue;
  };
  return {
    sync: open(QUEUES.sync),
    pages: open(QUEUES.pages),
    orders: open(QUEUES.orders),
    failed: open(QUEUES.failed),
    reconcile: open(QUEUES.reconcile),
  };
}

export async function closeQueues(queues: PipelineQueues): Promise<void> {
  await Promise.allSettled(Object.values(queues).map((queue) => queue.close()));
}
