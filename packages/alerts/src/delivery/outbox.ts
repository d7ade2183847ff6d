import type { RedisConnection } from '@wdt-k3/runtime';
import { type Notification, notificationSchema, readStored } from '../engine/types.ts';
import type { AlertKeys } from '../keys.ts';

export interface QueuedNotification {
  /** The list entry exactly as stored: LREM removes by value. */
  readonly raw: string;
  /** null: unreadable (removed without sending). */
  readonly notification: Notification | null;
}

/** The oldest `max` queued notifications of a channel, in order. */
export async function peekOutbox(
  redis: RedisConnection,
  keys: AlertKeys,
  channel: string,
  max: number,
): Promise<QueuedNotification[]> {
  const raw = await redis.lrange(keys.outbox(channel), 0, max - 1);
  return raw.map((entry) => ({ raw: entry, notification: readStored(notificationSchema, entry) }));
}

// Removes delivered (or superseded) entries and records a sent message for the rate limiter, in
// one step and only for the lease holder: a holder that lost the lease mid-send leaves the entries
// for the next one (a crash here costs a repeat, never a loss).
const ACK = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
local entries = cjson.decode(ARGV[2])
for i = 1, #entries do redis.call('LREM', KEYS[2], 1, entries[i]) end
if ARGV[3] ~= '' then
  redis.call('ZADD', KEYS[3], ARGV[4], ARGV[3])
  redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', '(' .. ARGV[5])
  redis.call('PEXPIRE', KEYS[3], ARGV[6])
end
return 1
`;

export async function ackOutbox(
  redis: RedisConnection,
  keys: AlertKeys,
  instanceId: string,
  channel: string,
  entries: readonly string[],
  sent: { readonly messageId: string; readonly at: number; readonly windowMs: number } | null,
): Promise<boolean> {
  const result = await redis.eval(
    ACK,
    3,
    keys.lease,
    keys.outbox(channel),
    keys.sent(channel),
    instanceId,
    JSON.stringify(entries),
    sent?.messageId ?? '',
    String(sent?.at ?? 0),
    String((sent?.at ?? 0) - (sent?.windowMs ?? 0)),
    String(Math.max(60_000, 2 * (sent?.windowMs ?? 0))),
  );
  return result === 1;
}

/** Send times of the messages in the rate window `(now − windowMs, now]`, oldest first. */
export async function sentInWindow(
  redis: RedisConnection,
  keys: AlertKeys,
  channel: string,
  now: number,
  windowMs: number,
): Promise<number[]> {
  const flat = await redis.zrangebyscore(keys.sent(channel), `(${now - windowMs}`, '+inf', 'WITHSCORES');
  const times: number[] = [];
  for (let index = 1; index < flat.length; index += 2) times.push(Number(flat[index]));
  return times.sort((a, b) => a - b);
}

/** Queues one notification for a channel (a test message from the admin API). */
export async function enqueueNotification(
  redis: RedisConnection,
  keys: AlertKeys,
  channel: string,
  notification: Notification,
): Promise<void> {
  await redis.rpush(keys.outbox(channel), JSON.stringify(notification));
}
