import { randomUUID } from 'node:crypto';
import type { RedisConnection } from '@wdt-k3/runtime';
import { z } from 'zod';

/**
 * The extractor's sync state in Redis (read by the admin API too), under the queues'
 * `{hash-tag}` so it shares their slot on Cluster. Two cursors: the incremental watermark
 * (LAST_SYNC_TIME: every order consigned before it was enqueued) and the sweep watermark (every
 * order modified before it was looked at again, README "Late orders"); each with at most one run
 * in flight. A generation counter lets an operator move the watermark back deliberately: a run
 * planned before the move cannot move it forward again. An epoch id tells a replica that Redis
 * lost its data (README "When Redis comes back empty").
 */
const inflightSchema = z.object({
  runId: z.string(),
  fromMs: z.number(),
  toMs: z.number(),
  windows: z.array(z.object({ fromMs: z.number(), toMs: z.number() })),
  plannedAt: z.number(),
  generation: z.number().int().nonnegative().optional(),
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

// Moves the watermark forward only (a late commit of an older run never moves it back), and
// only when the run was planned under the current generation; releases the run's in-flight
// marker either way. Returns the watermark and whether it moved.
const COMMIT_SCRIPT = `
local generation = redis.call('GET', KEYS[3]) or '0'
local moved = 0
if ARGV[3] == '' or ARGV[3] == generation then
  local current = tonumber(redis.call('GET', KEYS[1]) or '0')
  if tonumber(ARGV[1]) > current then
    redis.call('SET', KEYS[1], ARGV[1])
    moved = 1
  end
end
local inflight = redis.call('GET', KEYS[2])
if inflight and cjson.decode(inflight)['runId'] == ARGV[2] then redis.call('DEL', KEYS[2]) end
return {redis.call('GET', KEYS[1]) or '', moved}
`;

// An operator's move: both watermarks to at most the value, a new generation, no run in flight.
const MOVE_SCRIPT = `
local previous = redis.call('GET', KEYS[1])
redis.call('SET', KEYS[1], ARGV[1])
local sweep = tonumber(redis.call('GET', KEYS[2]) or ARGV[1])
if sweep > tonumber(ARGV[1]) then redis.call('SET', KEYS[2], ARGV[1]) end
redis.call('DEL', KEYS[3], KEYS[4])
return {previous or '', redis.call('INCR', KEYS[5])}
`;

export interface CursorState {
  getWatermark(): Promise<number | null>;
  /** Sets the watermark only if none is stored yet; returns the stored one. */
  initWatermark(valueMs: number): Promise<number>;
  getInflight(): Promise<InflightRun | null>;
  /** Claims the in-flight slot; false when another run (or replica) holds it. */
  claimInflight(run: InflightRun): Promise<boolean>;
  clearInflight(runId: string): Promise<void>;
  /** Moves the watermark to `watermarkToMs` if later and the generation matches. */
  commit(
    runId: string,
    watermarkToMs: number,
    generation?: number,
  ): Promise<{ watermark: number; moved: boolean }>;
}

export interface SyncState extends CursorState {
  readonly sweep: CursorState;
  /** Incremented by every deliberate move; runs carry the value they were planned under. */
  getGeneration(): Promise<number>;
  /** An operator's move (audited by the admin API): returns the previous watermark. */
  moveWatermark(toMs: number): Promise<{ previous: number | null; generation: number }>;
  /** This deployment's epoch id, created when absent: `created` means Redis had none. */
  ensureEpoch(): Promise<{ epoch: string; created: boolean }>;
  getEpoch(): Promise<string | null>;
  recordTick(atMs: number): Promise<void>;
  getLastTick(): Promise<number | null>;
  recordRun(summary: RunSummary): Promise<void>;
  getLastRun(): Promise<RunSummary | null>;
}

export function syncStateKeys(prefix: string) {
  const base = `${prefix}:extractor`;
  return {
    watermark: `${base}:watermark`,
    inflight: `${base}:inflight`,
    sweepWatermark: `${base}:sweep:watermark`,
    sweepInflight: `${base}:sweep:inflight`,
    generation: `${base}:generation`,
    epoch: `${base}:epoch`,
    lastTick: `${base}:last-tick`,
    lastRun: `${base}:last-run`,
  };
}

function cursorState(
  redis: RedisConnection,
  keys: { watermark: string; inflight: string; generation: string },
): CursorState {
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
      if (raw !== null && (JSON.parse(raw) as { runId?: string }).runId === runId)
        await redis.del(keys.inflight);
    },
    commit: async (runId, watermarkToMs, generation) => {
      const [watermark, moved] = (await redis.eval(
        COMMIT_SCRIPT,
        3,
        keys.watermark,
        keys.inflight,
        keys.generation,
        String(watermarkToMs),
        runId,
        generation === undefined ? '' : String(generation),
      )) as [string, number];
      return { watermark: Number(watermark), moved: moved === 1 };
    },
  };
}

export function createSyncState(redis: RedisConnection, prefix: string): SyncState {
  const keys = syncStateKeys(prefix);
  const incremental = cursorState(redis, keys);
  const sweep = cursorState(redis, {
    watermark: keys.sweepWatermark,
    inflight: keys.sweepInflight,
    generation: keys.generation,
  });
  const readNumber = async (key: string): Promise<number | null> => {
    const value = await redis.get(key);
    return value === null ? null : Number(value);
  };
  return {
    ...incremental,
    sweep,
    getGeneration: async () => (await readNumber(keys.generation)) ?? 0,
    moveWatermark: async (toMs) => {
      const [previous, generation] = (await redis.eval(
        MOVE_SCRIPT,
        5,
        keys.watermark,
        keys.sweepWatermark,
        keys.inflight,
        keys.sweepInflight,
        keys.generation,
        String(toMs),
      )) as [string, number];
      return { previous: previous === '' ? null : Number(previous), generation: Number(generation) };
    },
    ensureEpoch: async () => {
      const fresh = randomUUID();
      const created = (await redis.set(keys.epoch, fresh, 'NX')) === 'OK';
      return { epoch: created ? fresh : ((await redis.get(keys.epoch)) ?? fresh), created };
    },
    getEpoch: () => redis.get(keys.epoch),
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
