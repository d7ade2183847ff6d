import { hostname } from 'node:os';
import type { Logger, RedisConnection } from '@wdt-k3/runtime';
import { z } from 'zod';

/**
 * Which loaders run, and how fast: each loader process writes a heartbeat every few seconds into
 * one hash under the queues' `{hash-tag}` (field = the process id, value = JSON), and a last one
 * when it stops cleanly. BullMQ's `getWorkers()` (CLIENT LIST) says a connection exists, not
 * whether its process is alive or how many jobs it finishes; a heartbeat says both, and works on
 * managed Redis that refuses CLIENT LIST. The hash expires a day after the last beat of any
 * loader; readers drop fields older than that.
 */
export const loaderHeartbeatKey = (prefix: string): string => `${prefix}:loaders`;

/** A loader seen within this is listed; older fields are removed by the reader. */
export const HEARTBEAT_RETENTION_MS = 86_400_000;
/** Missing this many beats in a row: not alive (a frozen or killed process). */
const MISSED_BEATS = 3;

const beatSchema = z.object({
  id: z.string().min(1).max(200),
  host: z.string().max(200),
  pid: z.number().int(),
  startedAt: z.number(),
  lastSeenAt: z.number(),
  stoppedAt: z.number().nullable(),
  intervalMs: z.number().int().positive(),
  concurrency: z.number().int().nonnegative(),
  processed: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  jobsPerSecond: z.number().nonnegative(),
});
export type LoaderBeat = z.output<typeof beatSchema>;

export interface LoaderCounters {
  /** Jobs finished (completed) since the process started. */
  readonly processed: number;
  /** Attempts failed since the process started. */
  readonly failed: number;
}

export interface LoaderHeartbeat {
  readonly id: string;
  /** Writes the beat now (tests; the timer writes it every interval). */
  beat(): Promise<void>;
  /** Stops the timer and writes a last beat with `stoppedAt`. */
  stop(): Promise<void>;
}

export interface LoaderHeartbeatOptions {
  readonly redis: RedisConnection;
  readonly prefix: string;
  readonly concurrency: number;
  readonly intervalMs: number;
  readonly counters: () => LoaderCounters;
  readonly logger: Logger;
  readonly now?: () => number;
}

export function startLoaderHeartbeat(options: LoaderHeartbeatOptions): LoaderHeartbeat {
  const now = options.now ?? Date.now;
  const key = loaderHeartbeatKey(options.prefix);
  const startedAt = now();
  const id = `${hostname()}:${process.pid}:${startedAt.toString(36)}`;
  let previous = { at: startedAt, processed: 0 };
  let failing = false;
  const write = async (stoppedAt: number | null): Promise<void> => {
    const at = now();
    const counters = options.counters();
    const seconds = (at - previous.at) / 1000;
    const jobsPerSecond = seconds > 0 ? Math.max(0, (counters.processed - previous.processed) / seconds) : 0;
    previous = { at, processed: counters.processed };
    const beat: LoaderBeat = {
      id,
      host: hostname(),
      pid: process.pid,
      startedAt,
      lastSeenAt: at,
      stoppedAt,
      intervalMs: options.intervalMs,
      concurrency: options.concurrency,
      processed: counters.processed,
      failed: counters.failed,
      jobsPerSecond: Math.round(jobsPerSecond * 10) / 10,
    };
    try {
      await options.redis
        .multi()
        .hset(key, id, JSON.stringify(beat))
        .pexpire(key, HEARTBEAT_RETENTION_MS)
        .exec();
      failing = false;
    } catch (err) {
      // Once per streak: a Redis outage is logged by the connection already.
      if (!failing) options.logger.warn({ err }, 'loader heartbeat not written');
      failing = true;
    }
  };
  const timer = setInterval(() => void write(null), options.intervalMs);
  timer.unref();
  void write(null);
  return {
    id,
    beat: () => write(null),
    stop: async () => {
      clearInterval(timer);
      await write(now());
    },
  };
}

export interface LoaderFleetEntry extends LoaderBeat {
  readonly ageMs: number;
  readonly alive: boolean;
}

/** Every loader seen within a day, newest beat first; removes the fields of older ones. */
export async function readLoaderFleet(
  redis: RedisConnection,
  prefix: string,
  nowMs: number,
): Promise<LoaderFleetEntry[]> {
  const key = loaderHeartbeatKey(prefix);
  const fields = await redis.hgetall(key);
  const fleet: LoaderFleetEntry[] = [];
  const stale: string[] = [];
  for (const [field, raw] of Object.entries(fields)) {
    const beat = parseBeat(raw);
    if (beat === null || nowMs - beat.lastSeenAt > HEARTBEAT_RETENTION_MS) {
      stale.push(field);
      continue;
    }
    const ageMs = Math.max(0, nowMs - beat.lastSeenAt);
    fleet.push({ ...beat, ageMs, alive: beat.stoppedAt === null && ageMs <= MISSED_BEATS * beat.intervalMs });
  }
  if (stale.length > 0) await redis.hdel(key, ...stale);
  return fleet.sort((a, b) => b.lastSeenAt - a.lastSeenAt || a.id.localeCompare(b.id));
}

function parseBeat(raw: string): LoaderBeat | null {
  try {
    const parsed = beatSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
