import type { ExtractWindow } from '@wdt-k3/jobs';
import { planWindows } from '@wdt-k3/wdt-client';

const floorToSecond = (ms: number): number => Math.floor(ms / 1000) * 1000;

/** Windows on whole seconds, because WDT times have second precision. */
export function splitWindows(fromMs: number, toMs: number, maxSpanMs: number): ExtractWindow[] {
  return planWindows(floorToSecond(fromMs), floorToSecond(toMs), Math.max(1000, floorToSecond(maxSpanMs)));
}

export interface RunPlanInput {
  readonly watermarkMs: number;
  readonly nowMs: number;
  readonly lagMs: number;
  readonly overlapMs: number;
  readonly maxWindowMs: number;
  readonly maxWindows: number;
}

export interface RunPlan {
  readonly runId: string;
  readonly fromMs: number;
  readonly toMs: number;
  readonly windows: readonly ExtractWindow[];
}

/**
 * The next incremental run: from `overlap` before the watermark (rows that settle late are read
 * again; job ids make the re-read free) up to `now − lag` (rows still settling wait for the next
 * tick), at most `maxWindows` windows so the watermark advances in steps through a backlog.
 * Null when nothing new has settled since the watermark.
 */
export function planIncrementalRun(input: RunPlanInput): RunPlan | null {
  const endMs = floorToSecond(input.nowMs - input.lagMs);
  if (endMs <= input.watermarkMs) return null;
  const startMs = Math.max(0, floorToSecond(input.watermarkMs - input.overlapMs));
  const windows = splitWindows(startMs, endMs, input.maxWindowMs).slice(0, input.maxWindows);
  const last = windows.at(-1);
  if (last === undefined) return null;
  return { runId: `inc-${startMs}-${last.toMs}`, fromMs: startMs, toMs: last.toMs, windows };
}

export { commitJobId } from '@wdt-k3/jobs';
/** `pg-<run>-<part>-<step tag>`: deterministic, so a page added twice (a crash, a retry) is one job. */
export const pageJobId = (runId: string, part: string, tag: string): string => `pg-${runId}-${part}-${tag}`;
