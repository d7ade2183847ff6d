import { envBoolean, type RedisConnection } from '@wdt-k3/runtime';
import { z } from 'zod';
import { eventStreamKey, type OrderEvent } from './events.ts';

export interface EventEmitter {
  /**
   * Writes the events to the stream; resolves once Redis has them. Callers await it before the
   * job that caused them completes (at-least-once). Events of one call stay in order.
   */
  emit(events: readonly OrderEvent[]): Promise<void>;
  /** Writes what is buffered and stops. */
  close(): Promise<void>;
}

/**
 * The one setting of the event stream, shared by every service that writes it. Off only where no
 * ledger runs (and so nothing would trim the stream): then nothing is written at all.
 */
export const eventsEnvSchema = z.object({ EVENTS_ENABLED: envBoolean.default(true) });

export interface EventEmitterOptions {
  /** false: every emit resolves at once and writes nothing (EVENTS_ENABLED=false). */
  readonly enabled?: boolean;
  /** Events wait at most this long to share one round trip with others (a loader's 100 jobs). */
  readonly flushMs?: number;
  readonly maxBatch?: number;
}

/**
 * Coalesces the events of concurrent jobs into one pipelined round trip of XADDs (measured: a
 * loader with 100 concurrent jobs would otherwise pay one round trip per job). The stream is not
 * capped here: entries are trimmed by the ledger once it has acknowledged them, never before.
 */
export function createEventEmitter(
  redis: RedisConnection,
  prefix: string,
  options: EventEmitterOptions = {},
): EventEmitter {
  const key = eventStreamKey(prefix);
  const flushMs = options.flushMs ?? 2;
  const maxBatch = options.maxBatch ?? 500;
  let pending: Array<{ events: readonly OrderEvent[]; resolve: () => void; reject: (err: unknown) => void }> =
    [];
  let size = 0;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> = Promise.resolve();

  const flush = (): Promise<void> => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    const batch = pending;
    pending = [];
    size = 0;
    if (batch.length === 0) return inFlight;
    const pipeline = redis.pipeline();
    for (const entry of batch)
      for (const event of entry.events)
        pipeline.xadd(key, '*', 'type', event.type, 'data', JSON.stringify(event.data));
    inFlight = pipeline.exec().then(
      (results) => {
        const failed = (results ?? []).find(([err]) => err !== null)?.[0];
        for (const entry of batch) failed ? entry.reject(failed) : entry.resolve();
      },
      (err: unknown) => {
        for (const entry of batch) entry.reject(err);
      },
    );
    return inFlight;
  };

  const enabled = options.enabled ?? true;
  return {
    emit: (events) => {
      if (events.length === 0 || !enabled) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        pending.push({ events, resolve, reject });
        size += events.length;
        if (size >= maxBatch) void flush();
        else timer ??= setTimeout(() => void flush(), flushMs);
      });
    },
    close: async () => {
      await flush();
    },
  };
}
