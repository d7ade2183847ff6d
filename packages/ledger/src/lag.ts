import { eventStreamKey } from '@wdt-k3/jobs';
import type { RedisConnection } from '@wdt-k3/runtime';

/** The consumer group the ledger reads the event stream with. */
export const LEDGER_GROUP = 'ledger';

const streamIdMs = (id: string): number => Number(id.split('-')[0]);

export interface LedgerLag {
  /** Entries written to the stream and not yet acknowledged by the ledger. */
  readonly events: number;
  /** Age of the oldest of them; null when none waits. */
  readonly oldestMs: number | null;
  /** false: the stream has no `ledger` group, i.e. no ledger ever ran against this Redis. */
  readonly groupExists: boolean;
}

/**
 * How far the ledger is behind, from Redis alone (the consumer's `/health`, its metrics and the
 * alerter share it): unacknowledged (pending) plus undelivered entries of the `ledger` group, and
 * the oldest one's age from its stream id.
 */
export async function readLedgerLag(redis: RedisConnection, prefix: string, at: number): Promise<LedgerLag> {
  const key = eventStreamKey(prefix);
  const pending = (await redis.xpending(key, LEDGER_GROUP).catch(() => [0, null])) as [number, string | null];
  const groups = (await redis.xinfo('GROUPS', key).catch(() => [])) as Array<Array<string | number>>;
  const ours = groups
    .map((group) =>
      Object.fromEntries(
        Array.from({ length: group.length / 2 }, (_, i) => [group[2 * i], group[2 * i + 1]]),
      ),
    )
    .find((info) => info.name === LEDGER_GROUP);
  const undelivered = typeof ours?.lag === 'number' ? ours.lag : 0;
  const first = (await redis.xrange(key, '-', '+', 'COUNT', 1)) as Array<[string, string[]]>;
  const events = pending[0] + undelivered;
  const oldest = events > 0 ? (pending[1] ?? first[0]?.[0] ?? null) : null;
  return {
    events,
    oldestMs: oldest === null ? null : Math.max(0, at - streamIdMs(oldest)),
    groupExists: ours !== undefined,
  };
}
