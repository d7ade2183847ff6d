import { parseBeijingTime } from '@wdt-k3/runtime';

/**
 * How a window of WDT stock-outs is read so that every row that stays in the result while it
 * is read is returned, whatever leaves or enters meanwhile (docs/architecture.md, "No missed
 * orders"). Pure: it decides what one answer proves and what to read next; the extractor runs
 * the decisions as BullMQ jobs, one per WDT call.
 *
 * The walk is a keyset walk over time: each call asks page 0 of `[cursor, end)`. WDT answers a
 * page 0 at one instant, so it is a snapshot of the first rows of that range; when its rows come
 * back sorted by the window's time (which we check on every answer), the answer proves every row
 * of `[cursor, s)` was returned, where `s` is the second of its last row, and the next call starts
 * at `s` (re-reading that one second). No rank ever carries over from one call to the next, so a
 * row leaving or entering anywhere cannot push a row that stays into a page already read.
 */

/** Half-open `[fromMs, toMs)` on whole seconds, like the extractor's windows. */
export interface Interval {
  readonly fromMs: number;
  readonly toMs: number;
}

/** The field a window filters on: consign time, or the last-modified time (`is_by_modified`). */
export type TimeField = 'consign_time' | 'modified';

export interface SegmentAnswer {
  /** The range asked for (page 0). */
  readonly segment: Interval;
  readonly rows: ReadonlyArray<Readonly<Record<string, unknown>>>;
  /** `total_count` of the range, when WDT sent it. */
  readonly totalCount: number | undefined;
  readonly requestedPageSize: number;
  readonly timeField: TimeField;
}

export type SegmentOutcome =
  /** Every row of the segment was in the answer. */
  | { readonly kind: 'complete'; readonly covered: Interval }
  /** `covered` proven; continue with a keyset call on `next`. */
  | { readonly kind: 'advance'; readonly covered: Interval; readonly next: Interval }
  /**
   * The page holds rows of one second only and more follow: that second cannot be cut by time,
   * so it is read by rank (`rankWalk`); keyset continues on `next` when something is left.
   */
  | { readonly kind: 'dense'; readonly second: Interval; readonly next: Interval | null }
  /**
   * Keyset cannot be used (rows unsorted by the window's time, or outside the range), or a
   * slice held more than one page: read `parts` as slices, each proven only by one whole answer.
   */
  | { readonly kind: 'split'; readonly parts: readonly Interval[]; readonly reason: SplitReason };

export type SplitReason = 'unsorted' | 'overflow';

const SECOND_MS = 1000;
/** Slices aim at this share of a page, so a few rows arriving meanwhile still fit in one answer. */
const SLICE_FILL = 0.7;
const MAX_PARTS = 32;

const floorSecond = (ms: number): number => Math.floor(ms / SECOND_MS) * SECOND_MS;

/** True when the answer holds every row of the range it was asked for. */
function isWhole(answer: SegmentAnswer): boolean {
  return answer.totalCount === undefined
    ? answer.rows.length < answer.requestedPageSize
    : answer.totalCount <= answer.rows.length;
}

/** Epoch ms of each row's time field, or undefined when the rows break the keyset's premise. */
export function sortedTimes(answer: SegmentAnswer): number[] | undefined {
  const times: number[] = [];
  let previous = answer.segment.fromMs;
  for (const row of answer.rows) {
    const value = row[answer.timeField];
    const ms = typeof value === 'string' ? parseBeijingTime(value) : undefined;
    if (ms === undefined || ms < previous || ms >= answer.segment.toMs) return undefined;
    times.push(ms);
    previous = ms;
  }
  return times;
}

/** A keyset call's answer: what it proves and what to read next. */
export function keysetOutcome(answer: SegmentAnswer): SegmentOutcome {
  const { segment } = answer;
  if (isWhole(answer)) return { kind: 'complete', covered: segment };
  const times = sortedTimes(answer);
  const last = times?.at(-1);
  if (times === undefined || last === undefined)
    return { kind: 'split', parts: splitEvenly(segment, answer), reason: 'unsorted' };
  const lastSecond = floorSecond(last);
  if (lastSecond > segment.fromMs)
    return {
      kind: 'advance',
      covered: { fromMs: segment.fromMs, toMs: lastSecond },
      next: { fromMs: lastSecond, toMs: segment.toMs },
    };
  return denseAt(segment);
}

/** A slice's answer: proven only when whole; otherwise cut smaller (or read by rank, at one second). */
export function sliceOutcome(answer: SegmentAnswer): SegmentOutcome {
  const { segment } = answer;
  if (isWhole(answer)) return { kind: 'complete', covered: segment };
  if (segment.toMs - segment.fromMs <= SECOND_MS) return denseAt(segment);
  return { kind: 'split', parts: splitEvenly(segment, answer), reason: 'overflow' };
}

function denseAt(segment: Interval): SegmentOutcome {
  const second = { fromMs: segment.fromMs, toMs: segment.fromMs + SECOND_MS };
  const next = second.toMs < segment.toMs ? { fromMs: second.toMs, toMs: segment.toMs } : null;
  return { kind: 'dense', second, next };
}

/** Equal slices on whole seconds, sized so each should fit one page with room to spare. */
export function splitEvenly(
  segment: Interval,
  answer: Pick<SegmentAnswer, 'totalCount' | 'rows' | 'requestedPageSize'>,
): Interval[] {
  const seconds = Math.max(1, Math.round((segment.toMs - segment.fromMs) / SECOND_MS));
  const pageRows = Math.max(
    1,
    Math.min(answer.requestedPageSize, answer.rows.length || answer.requestedPageSize),
  );
  const rows = answer.totalCount ?? answer.rows.length * 2;
  const wanted = Math.ceil(rows / Math.max(1, Math.floor(pageRows * SLICE_FILL)));
  const parts = Math.max(2, Math.min(MAX_PARTS, wanted, seconds));
  const slices: Interval[] = [];
  for (let index = 0; index < parts; index += 1) {
    const fromMs = segment.fromMs + Math.floor((seconds * index) / parts) * SECOND_MS;
    const toMs = segment.fromMs + Math.floor((seconds * (index + 1)) / parts) * SECOND_MS;
    if (toMs > fromMs) slices.push({ fromMs, toMs: index === parts - 1 ? segment.toMs : toMs });
  }
  return slices;
}

/**
 * Reading one second (or a number lookup) by rank: page 0 counts, then the last page back to
 * page 1 (`planPages`), then page 0 again. Under rows that only leave this returns every row that
 * stays (a row moves only towards pages not yet read; page 0 read last catches those that moved
 * into it). It is accepted only if nothing observable changed: the count asked again equals the
 * first, and the distinct rows read equal it with none read twice.
 */
export interface RankWalkTally {
  /** `total_count` of the first page-0 call. */
  readonly firstTotal: number;
  /** `total_count` of the last page-0 call. */
  readonly lastTotal: number;
  /** Distinct stock-outs read. */
  readonly distinct: number;
  /** Rows returned by every call but the last page-0 call. */
  readonly returned: number;
}

export function verifyRankWalk(tally: RankWalkTally): { ok: true } | { ok: false; reason: string } {
  if (tally.lastTotal !== tally.firstTotal)
    return { ok: false, reason: `total_count moved from ${tally.firstTotal} to ${tally.lastTotal}` };
  if (tally.distinct !== tally.firstTotal)
    return { ok: false, reason: `read ${tally.distinct} distinct rows of ${tally.firstTotal}` };
  if (tally.returned !== tally.firstTotal)
    return { ok: false, reason: `${tally.returned} rows returned for ${tally.firstTotal} (rows moved)` };
  return { ok: true };
}

/** The parts of `window` not covered by `covered` (empty when the proofs add up). */
export function uncovered(window: Interval, covered: readonly Interval[]): Interval[] {
  const sorted = [...covered].sort((a, b) => a.fromMs - b.fromMs);
  const gaps: Interval[] = [];
  let cursor = window.fromMs;
  for (const part of sorted) {
    if (part.toMs <= cursor) continue;
    if (part.fromMs > cursor) gaps.push({ fromMs: cursor, toMs: Math.min(part.fromMs, window.toMs) });
    cursor = Math.max(cursor, part.toMs);
    if (cursor >= window.toMs) break;
  }
  if (cursor < window.toMs) gaps.push({ fromMs: cursor, toMs: window.toMs });
  return gaps.filter((gap) => gap.toMs > gap.fromMs);
}
