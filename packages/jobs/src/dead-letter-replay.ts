import type { RedisConnection } from '@wdt-k3/runtime';
import type { Queue } from 'bullmq';
import { replayJobId } from './ids.ts';

/** Replays per order, counted in Redis, so every replay gets a job id never used before. */
export const replaySequenceKey = (prefix: string): string => `${prefix}:admin:replay-seq`;

/** `so-1-r3` → `so-1`. */
export const replayBaseId = (id: string): string => id.replace(/-r\d+$/, '');

/**
 * `so-<id>-r<n>` with n from the per-order counter. A job of that id may still be retained (an
 * earlier replay, or a counter lost with a Redis restore); BullMQ would silently ignore the add
 * and the dead letter would be removed for nothing, so such ids are skipped. Shared by the admin
 * API's replays and the loader's sweep of parked dead letters.
 */
export async function nextReplayJobId(
  redis: RedisConnection,
  prefix: string,
  orders: Queue,
  id: string,
): Promise<string | undefined> {
  const base = replayBaseId(id);
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const n = await redis.hincrby(replaySequenceKey(prefix), base, 1);
    const jobId = replayJobId(base, n);
    if ((await orders.getJob(jobId)) === undefined) return jobId;
  }
  return undefined;
}
