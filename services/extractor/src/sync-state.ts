import type { RedisConnection } from '@wdt-k3/runtime';
import { z } from 'zod';

/**
 * The extractor's own state in Redis, under the queues' `{hash-tag}` so it shares their slot on
 * Cluster: the watermark (LAST_SYNC_TIME: every order consigned before it is enqueued), the run
 * in flight (at most one incremental run at a time), and the last tick and run for operators.
 */
const inflightSchema = z.object({
  runId: z.string(),
  fromMs: z.number(),
  toMs: z.number(),
  windows: z.array(z.object({ fromMs: z.number(), toMs: z.number() })),
  plannedAt: z.number(),
});
export type InflightRun = z.output<typeof inflightSchema>;

export interface RunSummary {
  readonly runId: string;
  readonly kind: string;
  readonly finishedAt: number;
  readonly pages: number;
  readonly orders: number;
  readonly enqueued: number;
  readonly duplicates: number;
}

// Moves the watermark forward only (a late commit of an older run never moves it back) and
// releases the in-flight marker of that run, atomically.
const COMMIT_SCRIPT = `
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if tonumber(ARGV[1]) > current then redis.call('SET', KEYS[1], ARGV[1]) end
local inflight = redis.call('GET', KEYS[2])
if inflight and cjson.decode(inflight)['runId'] == ARGV[2] then redis.call('DEL', KEYS[2]) end
return redis.call('GET', KEYS[1])
`;

export interface SyncState {
  getWatermark(): Promise<number | null>;
  /** Sets the watermark only if none is stored yet; returns the stored one. */
  initWatermark(valueMs: number): Promise<number>;
  getInflight(): Promise<InflightRun | null>;
  /** Claims the in-flight slot; false when another run (or replica) holds it. */
  claimInflight(run: InflightRun): Promise<boolean>;
  clearInflight(runId: string): Promise<void>;
  commit(runId: string, watermarkToMs: number): Promise<number>;
  recordTick(atMs: number): Promise<void>;
  getLastTick(): Promise<number | null>;
  recordRun(summary: RunSummary): Promise<void>;
  getLastRun(): Promise<RunSummary | null>;
}

export function extractorKeys(prefix: string) {
  const base = `${prefix}:extractor`;
  return {
    watermark: `${base}:watermark`,
    inflight: `${base}:inflight`,
    lastTick: `${base}:last-tick`,
    lastRun: `${base}:last-run`,
  };
}

export function createSyncState(redis: RedisConnection, prefix: string): SyncState {
  const keys = extractorKeys(prefix);
  const readNumber = async (key: string): Promise<number | null> => {
    const value = await redis.get(key);
    return value === null ? null : Number(value);
  };
  return {
    getWatermark: () => readNumber(keys.watermark),
    initWatermark: async (valueMs) => {
      await redis.set(keys.watermark, String(valueMs), 'NX');
      return (await readNumber(keys.watermark)) ?? valueMs;
    },
    getInflight: async () => {
      const raw = await redis.get(keys.inflight);
      if (raw === null) return null;
      const parsed = inflightSchema.safeParse(JSON.parse(raw));
      return parsed.success ? parsed.data : null;
    },
    claimInflight: async (run) => (await redis.set(keys.inflight, JSON.stringify(run), 'NX')) === 'OK',
    clearInflight: async (runId) => {
      const raw = await redis.get(keys.inflight);
      if (raw !== null && (JSON.parse(raw) as { runId?: string }).runId === runId) await redis.del(keys.inflight);
    },
    commit: async (runId, watermarkToMs) =>
      Number(await redis.eval(COMMIT_SCRIPT, 2, keys.watermark, keys.inflight, String(watermarkToMs), runId)),
    recordTick: async (atMs) => {
      await redis.set(keys.lastTick, String(atMs));
    },
    getLastTick: () => readNumber(keys.lastTick),
    recordRun: async (summary) => {
      await redis.set(keys.lastRun, JSON.stringify(summary));
    },
    getLastRun: async () => {
      const raw = await redis.get(keys.lastRun);
      return raw === null ? null : (JSON.parse(raw) as RunSummary);
    },
  };
}
