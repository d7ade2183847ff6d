import type { Logger, RedisConnection } from '@wdt-k3/runtime';
import { z } from 'zod';

/**
 * Small per-minute counters the services add to and the alerter reads (packages/alerts), so the
 * alerter judges the whole fleet from Redis instead of scraping every process: a loader's K3 calls
 * and failures, the jobs it started, the extractor's WDT calls and rate-limit answers. One hash
 * per minute (`{prefix}:signals:<epoch minute>`, field = signal, value = count) under the queues'
 * hash tag, expiring after three hours. Writers count in memory and flush every few seconds: a
 * loader starting 2,000 jobs a second costs one pipelined round trip per flush, not per job.
 */
export const SIGNALS = {
  wdtCalls: 'wdt.calls',
  wdtRateLimited: 'wdt.rate_limited',
  k3Calls: 'k3.calls',
  k3Failed: 'k3.failed',
  jobsStarted: 'loader.jobs_started',
} as const;
export type SignalName = (typeof SIGNALS)[keyof typeof SIGNALS];
export const SIGNAL_NAMES: readonly SignalName[] = Object.values(SIGNALS);

/** The systems whose refusal of our credentials a service records (WDT's is in extractor-status). */
export const REFUSING_SYSTEMS = ['k3'] as const;
export type RefusingSystem = (typeof REFUSING_SYSTEMS)[number];

const MINUTE_MS = 60_000;
const BUCKET_TTL_S = 3 * 3_600;

export const signalBucketKey = (prefix: string, minute: number): string => `${prefix}:signals:${minute}`;
/** Hash: system → the last refusal `{ code, message, at }`, cleared by the next accepted call. */
export const refusalsKey = (prefix: string): string => `${prefix}:signals:refusals`;

const refusalSchema = z.object({ code: z.string(), message: z.string(), at: z.number() });
export type Refusal = z.output<typeof refusalSchema>;

export interface SignalRecorder {
  /** Adds `n` (default 1) to the signal's count of the current minute. */
  count(name: SignalName, n?: number): void;
  /** The system refused our credentials or configuration: written at once. */
  refused(system: RefusingSystem, refusal: Refusal): void;
  /** The system accepted a call: clears an older refusal at the next flush. */
  accepted(system: RefusingSystem): void;
  flush(): Promise<void>;
  /** Flushes and stops the timer. */
  close(): Promise<void>;
}

// Clears a refusal only when it is older than the acceptance (another process may have written a
// newer one meanwhile).
const CLEAR_OLDER = `
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if raw then
  local ok, value = pcall(cjson.decode, raw)
  if (not ok) or tonumber(value['at'] or 0) < tonumber(ARGV[2]) then redis.call('HDEL', KEYS[1], ARGV[1]) end
end
return 1
`;

export function createSignalRecorder(
  redis: RedisConnection,
  prefix: string,
  options: { readonly flushMs?: number; readonly now?: () => number; readonly logger?: Logger } = {},
): SignalRecorder {
  const now = options.now ?? Date.now;
  let counts = new Map<number, Map<SignalName, number>>();
  const accepted = new Map<RefusingSystem, number>();
  let lastWarnAt = 0;
  const warn = (err: unknown, what: string): void => {
    // A Redis outage must not flood the log: one line a minute.
    if (now() - lastWarnAt < MINUTE_MS) return;
    lastWarnAt = now();
    options.logger?.warn({ err: { message: (err as Error).message } }, what);
  };
  const flush = async (): Promise<void> => {
    const batch = counts;
    counts = new Map();
    const acceptedNow = [...accepted.entries()];
    accepted.clear();
    if (batch.size === 0 && acceptedNow.length === 0) return;
    const pipeline = redis.pipeline();
    for (const [minute, names] of batch) {
      const key = signalBucketKey(prefix, minute);
      for (const [name, n] of names) pipeline.hincrby(key, name, n);
      pipeline.expire(key, BUCKET_TTL_S);
    }
    for (const [system, at] of acceptedNow) pipeline.eval(CLEAR_OLDER, 1, refusalsKey(prefix), system, at);
    try {
      const replies = (await pipeline.exec()) ?? [];
      const failed = replies.find(([err]) => err !== null)?.[0];
      if (failed) throw failed;
    } catch (err) {
      warn(err, 'signals not written; the alerter sees this minute short');
    }
  };
  const timer = setInterval(() => void flush(), options.flushMs ?? 5_000);
  timer.unref();
  return {
    count: (name, n = 1) => {
      const minute = Math.floor(now() / MINUTE_MS);
      const names = counts.get(minute) ?? new Map<SignalName, number>();
      names.set(name, (names.get(name) ?? 0) + n);
      counts.set(minute, names);
    },
    refused: (system, refusal) => {
      accepted.delete(system);
      redis
        .hset(refusalsKey(prefix), system, JSON.stringify(refusal))
        .catch((err: unknown) => warn(err, 'refusal not written'));
    },
    accepted: (system) => {
      accepted.set(system, now());
    },
    flush,
    close: async () => {
      clearInterval(timer);
      await flush();
    },
  };
}

export interface SignalWindow {
  /** Sum of each signal over the window. */
  readonly totals: Readonly<Record<SignalName, number>>;
  /** One entry per minute of the window, oldest first (missing minutes count 0). */
  readonly minutes: ReadonlyArray<{ readonly minute: number; readonly counts: Record<SignalName, number> }>;
}

const zeros = (): Record<SignalName, number> =>
  Object.fromEntries(SIGNAL_NAMES.map((name) => [name, 0])) as Record<SignalName, number>;

/** The counts of the last `minutes` minutes up to and including the current one. */
export async function readSignals(
  redis: RedisConnection,
  prefix: string,
  nowMs: number,
  minutes: number,
): Promise<SignalWindow> {
  const current = Math.floor(nowMs / MINUTE_MS);
  const wanted = Array.from({ length: Math.max(1, minutes) }, (_, i) => current - minutes + 1 + i);
  const pipeline = redis.pipeline();
  for (const minute of wanted) pipeline.hgetall(signalBucketKey(prefix, minute));
  const replies = (await pipeline.exec()) ?? [];
  const totals = zeros();
  const perMinute = wanted.map((minute, index) => {
    const [err, raw] = replies[index] ?? [null, {}];
    if (err) throw err;
    const counts = zeros();
    for (const name of SIGNAL_NAMES) {
      const value = Number((raw as Record<string, string>)[name] ?? 0);
      counts[name] = Number.isFinite(value) ? value : 0;
      totals[name] += counts[name];
    }
    return { minute, counts };
  });
  return { totals, minutes: perMinute };
}

/** Every system's standing refusal. */
export async function readRefusals(
  redis: RedisConnection,
  prefix: string,
): Promise<Partial<Record<RefusingSystem, Refusal>>> {
  const raw = await redis.hgetall(refusalsKey(prefix));
  const found: Partial<Record<RefusingSystem, Refusal>> = {};
  for (const system of REFUSING_SYSTEMS) {
    const text = raw[system];
    if (text === undefined) continue;
    try {
      const parsed = refusalSchema.safeParse(JSON.parse(text));
      if (parsed.success) found[system] = parsed.data;
    } catch {
      // an unreadable entry counts as none
    }
  }
  return found;
}
