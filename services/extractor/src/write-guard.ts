import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger, RedisConnection } from '@wdt-k3/runtime';
import type { Counter, Gauge } from 'prom-client';

/** Redis refuses writes at `maxmemory` under `noeviction` (BullMQ's required policy) with this. */
const isRedisFull = (err: unknown): boolean => err instanceof Error && /^OOM\b/.test(err.message);

const FIRST_WAIT_MS = 500;
const MAX_WAIT_MS = 15_000;

/**
 * Asks Redis for one small write before every WDT call. At its memory limit Redis refuses every
 * write, so a page fetched then could not be enqueued: found from outside, the extractor spent
 * ~360 WDT calls in 90 s on pages it threw away. While Redis refuses, the page waits (doubling
 * to 15 s) without calling WDT, says so once, and sets `extractor_redis_full`.
 */
export function createWriteGuard(deps: {
  readonly redis: RedisConnection;
  readonly prefix: string;
  readonly logger: Logger;
  readonly gauge: Gauge;
  readonly refusals: Counter;
  readonly now: () => number;
}) {
  const probeKey = `${deps.prefix}:extractor:write-probe`;
  let fullSince: number | null = null;
  const markFull = (err: unknown): void => {
    if (fullSince !== null) return;
    fullSince = deps.now();
    deps.gauge.set(1);
    deps.logger.error(
      { err: { message: (err as Error).message } },
      'redis refuses writes (maxmemory reached): WDT calls are paused until it accepts them again',
    );
  };
  return {
    /**
     * Resolves once Redis takes a write: false at once, true after it had to wait. A page that
     * waited must not call WDT now: its limiter slot lies that far back (wdt-limiter.ts allows
     * WDT_RATE_LIMIT_MARGIN_MS), and every page waiting would call at the same moment.
     */
    async ensureWritable(signal: AbortSignal | undefined): Promise<boolean> {
      let waited = false;
      for (let waitMs = FIRST_WAIT_MS; ; waitMs = Math.min(waitMs * 2, MAX_WAIT_MS)) {
        try {
          await deps.redis.set(probeKey, '1', 'PX', 60_000);
          if (fullSince !== null) {
            deps.logger.warn(
              { pausedMs: deps.now() - fullSince },
              'redis accepts writes again: WDT calls resume',
            );
            fullSince = null;
            deps.gauge.set(0);
          }
          return waited;
        } catch (err) {
          if (!isRedisFull(err)) throw err;
          deps.refusals.inc();
          markFull(err);
          waited = true;
          await sleep(waitMs, undefined, signal === undefined ? {} : { signal });
        }
      }
    },
    /** A write that failed elsewhere (an enqueue) counts as the same state. */
    noteFailure(err: unknown): void {
      if (isRedisFull(err)) markFull(err);
    },
    isFull: (): boolean => fullSince !== null,
  };
}

export type WriteGuard = ReturnType<typeof createWriteGuard>;
