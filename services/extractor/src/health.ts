import type { ExtractorStatus } from '@wdt-k3/jobs';
import { formatBeijingTime, type HealthCheck, type RedisConnection } from '@wdt-k3/runtime';
import type { ExtractorConfig } from './config.ts';
import type { Extractor } from './extractor.ts';

interface ExtractionHealthInput {
  readonly now: number;
  readonly watermark: number | null;
  readonly status: ExtractorStatus;
  /** When this process started: a watermark that never moved is judged from then. */
  readonly startedAt: number;
  readonly lagMs: number;
  readonly pollIntervalMs: number;
  readonly stallMs: number;
}

interface HealthResult {
  readonly ok: boolean;
  readonly detail?: string;
}

const FUTURE_SLACK_MS = 5 * 60_000;

/**
 * Whether extraction makes progress, from what every replica shares in Redis. Found from outside:
 * `/health` stayed 200 while a page failed for good (its orders missing), while every call failed
 * on a wrong WDT secret, and with the watermark in 2099.
 */
function extractionHealth(input: ExtractionHealthInput): Readonly<Record<string, HealthResult>> {
  const { status, watermark, now } = input;
  const wdt: HealthResult =
    status.wdtRefusal === null
      ? { ok: true }
      : {
          ok: false,
          detail: `WDT refused the call since ${formatBeijingTime(status.wdtRefusal.at)}: ${status.wdtRefusal.message}`,
        };
  const run: HealthResult =
    status.lastRunFailure === null
      ? { ok: true }
      : { ok: false, detail: `run ${status.lastRunFailure.runId} failed: ${status.lastRunFailure.reason}` };
  return { wdt, run, watermark: watermarkHealth(input, watermark, now) };
}

function watermarkHealth(input: ExtractionHealthInput, watermark: number | null, now: number): HealthResult {
  if (watermark === null) return { ok: true };
  if (watermark > now + FUTURE_SLACK_MS)
    return {
      ok: false,
      detail: `the watermark ${formatBeijingTime(watermark)} lies in the future: move it back (wdt-k3 watermark set)`,
    };
  const expectedLagMs = input.lagMs + 2 * input.pollIntervalMs;
  const lagMs = now - watermark;
  const sinceMs = now - Math.max(input.status.lastAdvanceAt ?? input.startedAt, input.startedAt);
  if (lagMs > expectedLagMs + input.stallMs && sinceMs > input.stallMs)
    return {
      ok: false,
      detail: `the watermark ${formatBeijingTime(watermark)} has not moved for ${Math.round(sinceMs / 60_000)} min`,
    };
  return { ok: true };
}

/** The extractor's `/health` checks: Redis, its workers, ticks, and extraction's progress. */
export function extractorHealthChecks(deps: {
  readonly extractor: Extractor;
  readonly producer: RedisConnection;
  readonly config: ExtractorConfig;
  readonly now?: () => number;
}): Record<string, HealthCheck> {
  const { extractor, config } = deps;
  const now = deps.now ?? Date.now;
  const startedAt = now();
  const progress = async () =>
    extractionHealth({
      now: now(),
      watermark: await extractor.state.getWatermark(),
      status: await extractor.status.read(),
      startedAt,
      lagMs: config.extract.lagMs,
      pollIntervalMs: config.extract.pollIntervalMs,
      stallMs: config.extract.healthStallMs,
    });
  return {
    redis: async () => ({ ok: (await deps.producer.ping()) === 'PONG' }),
    redisWrites: async () =>
      extractor.writeGuard.isFull()
        ? { ok: false, detail: 'redis refuses writes (maxmemory reached); WDT calls are paused' }
        : { ok: true },
    workers: async () => ({ ok: extractor.workers.sync.isRunning() && extractor.workers.pages.isRunning() }),
    // The scheduler must keep ticking; three missed intervals means no replica is consuming.
    ticking: async () => {
      const last = await extractor.state.getLastTick();
      const ageMs = last === null ? null : now() - last;
      return ageMs !== null && ageMs < 3 * config.extract.pollIntervalMs + 30_000
        ? { ok: true }
        : {
            ok: false,
            detail: ageMs === null ? 'no tick yet' : `last tick ${Math.round(ageMs / 1000)} s ago`,
          };
    },
    wdt: async () => (await progress()).wdt as HealthResult,
    run: async () => (await progress()).run as HealthResult,
    watermark: async () => (await progress()).watermark as HealthResult,
  };
}
