import { setTimeout as sleep } from 'node:timers/promises';
import { discardMarkerKey, eventStreamKey } from '@wdt-k3/jobs';
import { createLogThrottle, type Logger, type RedisConnection } from '@wdt-k3/runtime';
import type pg from 'pg';
import { compareEventIds } from './fold.ts';
import { LEDGER_GROUP, readLedgerLag } from './lag.ts';
import { discardedKeys } from './queries.ts';
import { type ProjectionResult, projectBatch, type StreamEntry } from './store.ts';

export interface ConsumerSettings {
  readonly consumer: string;
  readonly batchSize: number;
  readonly blockMs: number;
  /** Entries another consumer holds unacknowledged this long are taken over (it died). */
  readonly claimIdleMs: number;
}

export interface ConsumerHooks {
  onBatch?(result: ProjectionResult, seconds: number): void;
  onError?(err: unknown): void;
}

export interface LedgerConsumer {
  /** Resolves when `stop()` was called and the batch in hand is done. */
  readonly done: Promise<void>;
  stop(): Promise<void>;
  /** Entries written to the stream and not yet acknowledged by the ledger, and the oldest one's age. */
  lag(now: number): Promise<{ events: number; oldestMs: number | null }>;
  /** Writes every discard marker from PostgreSQL (after Redis lost its data, or at start). */
  mirrorDiscards(): Promise<number>;
}

type RawEntries = Array<[string, string[] | null]>;

const toEntries = (raw: RawEntries | null | undefined): StreamEntry[] =>
  (raw ?? []).flatMap(([id, flat]) => {
    if (flat === null) return [];
    const fields: Record<string, string> = {};
    for (let index = 0; index + 1 < flat.length; index += 2)
      fields[flat[index] as string] = flat[index + 1] as string;
    return [{ id, fields }];
  });

/**
 * The ledger's consumer group on the event stream: reads batches, projects each in one
 * transaction, acknowledges them, and trims what every group has acknowledged — never before.
 * While PostgreSQL is down nothing is acknowledged: the stream buffers and the batch is tried
 * again, backing off to 30 s; the pipeline itself never waits for the ledger.
 */
export function startLedgerConsumer(deps: {
  /** Commands, metrics and health. */
  readonly redis: RedisConnection;
  /** Only for the blocking XREADGROUP (a blocked connection answers nothing else meanwhile). */
  readonly blocking: RedisConnection;
  readonly pool: pg.Pool;
  readonly prefix: string;
  readonly settings: ConsumerSettings;
  readonly logger: Logger;
  readonly hooks?: ConsumerHooks;
  readonly now?: () => number;
}): LedgerConsumer {
  const { redis, pool, settings, logger } = deps;
  const now = deps.now ?? Date.now;
  const key = eventStreamKey(deps.prefix);
  const throttle = createLogThrottle(60_000);
  const abort = new AbortController();
  let stopping = false;

  const ensureGroup = async (): Promise<void> => {
    try {
      // From the beginning: events written before the ledger first started are projected too.
      await redis.xgroup('CREATE', key, LEDGER_GROUP, '0', 'MKSTREAM');
    } catch (err) {
      if (!/BUSYGROUP/.test((err as Error).message)) throw err;
    }
  };

  /** Entries trimmed while still pending come back without fields: nothing to project, acknowledge them. */
  const live = async (raw: RawEntries | null | undefined): Promise<StreamEntry[]> => {
    const gone = (raw ?? []).filter(([, flat]) => flat === null).map(([id]) => id);
    if (gone.length > 0) await redis.xack(key, LEDGER_GROUP, ...gone);
    return toEntries(raw);
  };

  const read = async (): Promise<StreamEntry[]> => {
    // Our own unacknowledged entries first (a batch PostgreSQL refused), then others' stale ones.
    const own = (await redis.xreadgroup(
      'GROUP',
      LEDGER_GROUP,
      settings.consumer,
      'COUNT',
      settings.batchSize,
      'STREAMS',
      key,
      '0',
    )) as Array<[string, RawEntries]> | null;
    const mine = await live(own?.[0]?.[1]);
    if (mine.length > 0) return mine;
    const claimed = (await redis.xautoclaim(
      key,
      LEDGER_GROUP,
      settings.consumer,
      settings.claimIdleMs,
      '0-0',
      'COUNT',
      settings.batchSize,
    )) as [string, RawEntries];
    const stale = await live(claimed[1]);
    if (stale.length > 0) return stale;
    const fresh = (await deps.blocking.xreadgroup(
      'GROUP',
      LEDGER_GROUP,
      settings.consumer,
      'COUNT',
      settings.batchSize,
      'BLOCK',
      settings.blockMs,
      'STREAMS',
      key,
      '>',
    )) as Array<[string, RawEntries]> | null;
    return live(fresh?.[0]?.[1]);
  };

  const mirror = async (result: ProjectionResult): Promise<void> => {
    if (result.discarded.length === 0 && result.undiscarded.length === 0) return;
    const multi = redis.multi();
    // NX: the admin writes the marker first, with the order number an undiscard syncs by; the
    // projection only restores a marker that is missing (e.g. after Redis lost its data).
    for (const orderKey of result.discarded) multi.set(discardMarkerKey(deps.prefix, orderKey), '1', 'NX');
    for (const orderKey of result.undiscarded) multi.del(discardMarkerKey(deps.prefix, orderKey));
    await multi.exec();
  };

  /** Trims entries every group has acknowledged: below the oldest pending (or last delivered) id. */
  const trim = async (): Promise<void> => {
    const groups = (await redis.xinfo('GROUPS', key)) as Array<Array<string | number>>;
    let minId: string | null = null;
    for (const group of groups) {
      const info = Object.fromEntries(
        Array.from({ length: group.length / 2 }, (_, i) => [group[2 * i], group[2 * i + 1]]),
      );
      const pending = (await redis.xpending(key, String(info.name))) as [
        number,
        string | null,
        string | null,
        unknown,
      ];
      const floor = pending[0] > 0 && pending[1] !== null ? pending[1] : String(info['last-delivered-id']);
      if (minId === null || compareEventIds(floor, minId) < 0) minId = floor;
    }
    if (minId !== null && minId !== '0-0') await redis.xtrim(key, 'MINID', minId);
  };

  const loop = async (): Promise<void> => {
    let backoffMs = 250;
    await ensureGroup();
    while (!stopping) {
      try {
        const entries = await read();
        if (entries.length === 0) continue;
        const started = performance.now();
        const result = await projectBatch(pool, entries, now());
        await redis.xack(key, LEDGER_GROUP, ...entries.map((entry) => entry.id));
        await mirror(result);
        await trim();
        deps.hooks?.onBatch?.(result, (performance.now() - started) / 1000);
        backoffMs = 250;
      } catch (err) {
        if (stopping) break;
        deps.hooks?.onError?.(err);
        throttle.run((err as Error).message.slice(0, 60), (suppressed) =>
          logger.error(
            { err: { message: (err as Error).message }, suppressed, retryInMs: backoffMs },
            'ledger batch failed; trying again',
          ),
        );
        if (/NOGROUP/.test((err as Error).message)) await ensureGroup().catch(() => undefined);
        await sleep(backoffMs, undefined, { signal: abort.signal }).catch(() => undefined);
        backoffMs = Math.min(backoffMs * 2, 30_000);
      }
    }
  };

  const done = loop();
  return {
    done,
    stop: async () => {
      stopping = true;
      abort.abort();
      await done;
    },
    lag: async (at) => {
      const { events, oldestMs } = await readLedgerLag(redis, deps.prefix, at);
      return { events, oldestMs };
    },
    mirrorDiscards: async () => {
      const keys = await discardedKeys(pool);
      if (keys.length === 0) return 0;
      const multi = redis.multi();
      for (const { orderKey, orderNo } of keys)
        multi.set(discardMarkerKey(deps.prefix, orderKey), orderNo ?? '1', 'NX');
      await multi.exec();
      return keys.length;
    },
  };
}
