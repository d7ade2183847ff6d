import type { ExtractFilter, PageFetchData, WalkStep } from '@wdt-k3/jobs';
import { parseBeijingTime } from '@wdt-k3/runtime';
import {
  type Interval,
  keysetOutcome,
  MAX_PAGE_SIZE,
  planPages,
  type SegmentOutcome,
  sliceOutcome,
  type TimeField,
  verifyRankWalk,
} from '@wdt-k3/wdt-client';

/**
 * The steps of a window walk (docs/architecture.md, "No missed orders"): one WDT call each, run
 * as one page job each. A step's answer proves part of the window (`covered`) and names the
 * steps that read the rest; the commit moves the watermark only when the proofs of every window
 * of the run add up. Pure, so the same decisions are tested against the simulator without BullMQ.
 */

/** A rank walk needs to remember what its earlier calls saw (kept in Redis by the extractor). */
export interface RankTally {
  readonly firstTotal: number;
  readonly pageSize: number;
  /** Rows returned per page of this walk, page 0 of its counting call included. */
  readonly returnedByPage: Readonly<Record<string, number>>;
  readonly distinct: number;
}

export interface StepAnswer {
  readonly rows: ReadonlyArray<Readonly<Record<string, unknown>>>;
  readonly totalCount: number | undefined;
  readonly requestedPageSize: number;
  /** Job ids of `rows`, in order (keyset successors carry those of the boundary second). */
  readonly ids: readonly string[];
}

export interface StepDecision {
  /** Parts of the window this answer proves were read whole. */
  readonly covered: readonly Interval[];
  /** A number lookup (no window) whose every row was read. */
  readonly lookupComplete: boolean;
  readonly next: readonly WalkStep[];
  /** A rank walk saw its result change: `next` starts it again (or the run fails). */
  readonly unstable?: string;
}

/**
 * Walks of one second before the page fails and the run is planned again from its watermark. The
 * first three follow at once; later ones wait (`rankRetryDelayMs`), so a second whose result keeps
 * changing is read again once it settles instead of burning the budget.
 */
const MAX_RANK_ATTEMPTS = 10;
const IMMEDIATE_RANK_ATTEMPTS = 3;

/** How long a rank walk waits before attempt `attempt` (0 for the first three). */
export function rankRetryDelayMs(attempt: number): number {
  return attempt < IMMEDIATE_RANK_ATTEMPTS
    ? 0
    : Math.min(60_000, 5_000 * 2 ** (attempt - IMMEDIATE_RANK_ATTEMPTS));
}

/** Shipped-and-after statuses filter on consign time; anything below 95 or `is_by_modified` on `modified`. */
export function timeFieldOf(filter: ExtractFilter): TimeField {
  return filter.byModified || filter.status.some((status) => status < 95) ? 'modified' : 'consign_time';
}

/** The step a page job runs; jobs written before steps existed walk their window from its start. */
export function stepOf(data: PageFetchData): WalkStep {
  if (data.step !== undefined) return data.step;
  if (data.window !== null)
    return { kind: 'keyset', fromMs: data.window.fromMs, toMs: data.window.toMs, seq: 0 };
  return rankCount(null, 0);
}

export function rankCount(second: Interval | null, attempt: number, pageSize?: number): WalkStep {
  return {
    kind: 'rank',
    second,
    phase: 'count',
    pageNo: 0,
    attempt,
    ...(pageSize === undefined ? {} : { pageSize }),
  };
}

/** Rows a step asks for: its own size (a crowded second asks for WDT's largest page), else the run's. */
export function pageSizeOf(step: WalkStep, runPageSize: number): number {
  return step.kind === 'keyset' ? runPageSize : (step.pageSize ?? runPageSize);
}

/** What a step asks WDT: its range (or the run's number filter) and the page. */
export function rangeOf(step: WalkStep): { range: Interval | null; pageNo: number } {
  if (step.kind === 'rank') return { range: step.second, pageNo: step.pageNo };
  return { range: { fromMs: step.fromMs, toMs: step.toMs }, pageNo: 0 };
}

/** Short, deterministic job-id tag of a step within its window (`part`). */
export function stepTag(step: WalkStep, partStartMs: number | null): string {
  const rel = (ms: number): number => Math.round((ms - (partStartMs ?? 0)) / 1000);
  if (step.kind === 'keyset') return step.seq === 0 ? 'k0' : `k${step.seq}-${rel(step.fromMs)}`;
  if (step.kind === 'slice')
    return `s${rel(step.fromMs)}-${rel(step.toMs)}${step.pageSize === undefined ? '' : `p${step.pageSize}`}`;
  const at = step.second === null ? 'n' : String(rel(step.second.fromMs));
  return `r${at}a${step.attempt}${step.phase[0]}${step.pageNo}`;
}

/** Decides a keyset or slice answer. */
export function decideRange(
  step: Extract<WalkStep, { kind: 'keyset' | 'slice' }>,
  answer: StepAnswer,
  timeField: TimeField,
): StepDecision {
  const segment = { fromMs: step.fromMs, toMs: step.toMs };
  const outcome =
    step.kind === 'keyset'
      ? keysetOutcome({ ...answer, segment, timeField })
      : sliceOutcome({ ...answer, segment, timeField });
  return fromOutcome(outcome, step.kind === 'keyset' ? step.seq : 0, answer, timeField);
}

/** The rows of the answer at second `fromMs`: the successor reads them again and must not count them. */
function boundaryIds(answer: StepAnswer, timeField: TimeField, fromMs: number): string[] {
  return answer.rows.flatMap((row, index) => {
    const value = row[timeField];
    const ms = typeof value === 'string' ? parseBeijingTime(value) : undefined;
    return ms !== undefined && ms >= fromMs && ms < fromMs + 1000 ? [answer.ids[index] as string] : [];
  });
}

/**
 * A second holding more rows than the page asked for. Asked again with WDT's largest page, one
 * whole answer proves it (no order needed); only a second with more rows than that is read by
 * rank, which is proven only against rows that leave (README "The one weak spot").
 */
function crowdedSecond(second: Interval, answer: StepAnswer): WalkStep {
  return answer.requestedPageSize < MAX_PAGE_SIZE
    ? { kind: 'slice', ...second, pageSize: MAX_PAGE_SIZE }
    : rankCount(second, 0, answer.requestedPageSize);
}

const keysetAfter = (next: Interval, seq: number): WalkStep => ({ kind: 'keyset', ...next, seq: seq + 1 });

function fromOutcome(
  outcome: SegmentOutcome,
  seq: number,
  answer: StepAnswer,
  timeField: TimeField,
): StepDecision {
  switch (outcome.kind) {
    case 'complete':
      return { covered: [outcome.covered], lookupComplete: false, next: [] };
    case 'advance':
      return {
        covered: [outcome.covered],
        lookupComplete: false,
        next: [
          {
            kind: 'keyset',
            ...outcome.next,
            seq: seq + 1,
            seen: boundaryIds(answer, timeField, outcome.next.fromMs).slice(0, 100),
          },
        ],
      };
    case 'dense':
      return {
        covered: [],
        lookupComplete: false,
        next: [
          crowdedSecond(outcome.second, answer),
          ...(outcome.next === null ? [] : [keysetAfter(outcome.next, seq)]),
        ],
      };
    case 'split':
      return {
        covered: [],
        lookupComplete: false,
        next: outcome.parts.map((part) => ({ kind: 'slice' as const, ...part })),
      };
  }
}

const proven = (step: Extract<WalkStep, { kind: 'rank' }>): StepDecision =>
  step.second === null
    ? { covered: [], lookupComplete: true, next: [] }
    : { covered: [step.second], lookupComplete: false, next: [] };

/** The honoured page size: WDT may return fewer rows than asked while more remain. */
export function rankPageSize(answer: StepAnswer): number {
  const total = answer.totalCount ?? 0;
  return answer.rows.length > 0 && answer.rows.length < answer.requestedPageSize && total > answer.rows.length
    ? answer.rows.length
    : answer.requestedPageSize;
}

/**
 * Decides a rank-walk answer. `tally` is what the walk has seen, this answer included (for the
 * final call: everything before it).
 */
export function decideRank(
  step: Extract<WalkStep, { kind: 'rank' }>,
  answer: StepAnswer,
  tally: RankTally | undefined,
): StepDecision {
  if (step.phase === 'count') {
    const whole =
      answer.totalCount === undefined
        ? answer.rows.length < answer.requestedPageSize
        : answer.totalCount <= answer.rows.length;
    if (whole) return proven(step);
    const pages = planPages(answer.totalCount ?? 0, rankPageSize(answer));
    return { covered: [], lookupComplete: false, next: [pageStep(step, pages[0] ?? 1)] };
  }
  if (step.phase === 'page')
    return {
      covered: [],
      lookupComplete: false,
      next: [step.pageNo > 1 ? pageStep(step, step.pageNo - 1) : { ...step, phase: 'final', pageNo: 0 }],
    };
  if (tally === undefined) return restart(step, 'the walk’s tally is gone (Redis lost it)');
  const returned = Object.values(tally.returnedByPage).reduce((sum, value) => sum + value, 0);
  const verdict = verifyRankWalk({
    firstTotal: tally.firstTotal,
    lastTotal: answer.totalCount ?? -1,
    distinct: tally.distinct,
    returned,
  });
  return verdict.ok ? proven(step) : restart(step, verdict.reason);
}

function pageStep(step: Extract<WalkStep, { kind: 'rank' }>, pageNo: number): WalkStep {
  return { ...step, phase: 'page', pageNo };
}

function restart(step: Extract<WalkStep, { kind: 'rank' }>, reason: string): StepDecision {
  const next =
    step.attempt + 1 < MAX_RANK_ATTEMPTS ? [rankCount(step.second, step.attempt + 1, step.pageSize)] : [];
  return { covered: [], lookupComplete: false, next, unstable: reason };
}
