import { enqueueBulk, orderJobId, type PageFetchData, type WalkStep } from '@wdt-k3/jobs';
import type { Logger } from '@wdt-k3/runtime';
import type { Interval, StockoutPageQuery } from '@wdt-k3/wdt-client';
import { type Job, type Queue, RateLimitError, UnrecoverableError } from 'bullmq';
import { EXTRACT_ERROR_CODES } from './errors.ts';
import { type PagePolicy, pageJobOptions, partStartMs } from './flows.ts';
import type { ExtractorMetrics } from './metrics.ts';
import type { createOrderIntake } from './order-intake.ts';
import { pageJobId } from './planner.ts';
import type { RankTallies } from './rank-tally.ts';
import {
  decideRange,
  decideRank,
  pageSizeOf,
  rangeOf,
  rankPageSize,
  rankRetryDelayMs,
  type StepDecision,
  stepOf,
  stepTag,
  timeFieldOf,
} from './walk-steps.ts';
import type { WdtFetch } from './wdt-fetch.ts';
import type { WriteGuard } from './write-guard.ts';

export interface PageHandlerDeps {
  readonly fetch: WdtFetch;
  readonly pagesQueue: Queue;
  /** Enqueues what is new (or changed) of a page's orders; see order-intake.ts. */
  readonly intake: ReturnType<typeof createOrderIntake>;
  /** A reconciliation page's rows go to its run's store instead (packages/reconcile). */
  readonly reconcileIntake: (
    data: PageFetchData,
    orders: readonly Record<string, unknown>[],
  ) => Promise<number>;
  readonly tallies: RankTallies;
  readonly guard: WriteGuard;
  readonly metrics: ExtractorMetrics;
  readonly logger: Logger;
  readonly now: () => number;
  readonly pagePolicy: PagePolicy;
}

export interface PageResult {
  /** Rows read for the first time in this run (a keyset step's boundary second and a rank walk's closing call are re-reads). */
  readonly orders: number;
  readonly reread?: number;
  readonly enqueued: number;
  readonly duplicates: number;
  readonly totalCount: number | null;
  /** The window (its start) or lookup this page belongs to, and what its answer proved. */
  readonly part?: string;
  readonly covered?: readonly Interval[];
  readonly lookupComplete?: boolean;
}

export function toStockoutQuery(data: PageFetchData, step: WalkStep = stepOf(data)): StockoutPageQuery {
  const { range, pageNo } = rangeOf(step);
  const query: StockoutPageQuery = {
    pageNo,
    pageSize: pageSizeOf(step, data.pageSize),
    status: data.filter.status,
    byModified: data.filter.byModified,
    ...(data.filter.shopNo === undefined ? {} : { shopNo: data.filter.shopNo }),
    ...(data.filter.warehouseNo === undefined ? {} : { warehouseNo: data.filter.warehouseNo }),
    ...(range === null ? {} : { startTime: range.fromMs, endTime: range.toMs }),
  };
  if (data.numberFilter === null || range !== null) return query;
  return 'stockoutNo' in data.numberFilter
    ? { ...query, stockoutNo: data.numberFilter.stockoutNo }
    : { ...query, srcTid: data.numberFilter.srcTid };
}

/** A non-object list element still travels (and is dead-lettered by the loader with a reason). */
const asOrder = (item: unknown): Record<string, unknown> =>
  item !== null && typeof item === 'object' && !Array.isArray(item)
    ? (item as Record<string, unknown>)
    : { _malformed: item };

/** `pg-<run>-<part>-0` for jobs written before parts existed. */
function partOf(job: Job<PageFetchData>): string {
  if (job.data.part !== undefined) return job.data.part;
  if (job.data.window !== null) return String(job.data.window.fromMs);
  return /-(n\d+)-\d+$/.exec(job.id ?? '')?.[1] ?? 'n0';
}

export function createPageHandler(deps: PageHandlerDeps) {
  const enqueueOrders = async (
    data: PageFetchData,
    orders: Record<string, unknown>[],
    ids: readonly string[],
  ): Promise<number> => {
    try {
      if (data.kind === 'reconcile') return await deps.reconcileIntake(data, orders);
      return await deps.intake(data, orders, ids);
    } catch (err) {
      deps.guard.noteFailure(err);
      throw err;
    }
  };

  /**
   * Adds the steps that read the rest of the window as further children of the run, after this
   * page's orders are enqueued (so a step that exists always follows enqueued rows). A keyset
   * step's id names where it starts: a job that runs again after a crash and sees more or fewer
   * rows starts its own successor where its own answer ends, and both chains are sound.
   */
  const addSteps = async (job: Job<PageFetchData>, part: string, decision: StepDecision): Promise<void> => {
    const parent = job.parent;
    if (parent?.id === undefined || decision.next.length === 0) return;
    const parentRef = { id: parent.id, queue: parent.queueKey };
    const start = partStartMs(part);
    const { forward: _legacy, ...data } = job.data;
    await enqueueBulk(
      deps.pagesQueue,
      'pageFetch',
      decision.next.map((step) => ({
        data: { ...data, part, step, pageNo: rangeOf(step).pageNo },
        options: {
          ...pageJobOptions(deps.pagePolicy, data.kind),
          ...(step.kind === 'rank' && step.phase === 'count' && rankRetryDelayMs(step.attempt) > 0
            ? { delay: rankRetryDelayMs(step.attempt) }
            : {}),
          jobId: pageJobId(data.runId, part, stepTag(step, start)),
          parent: parentRef,
          failParentOnFailure: true,
        },
      })),
    );
  };

  const decide = async (
    data: PageFetchData,
    part: string,
    step: WalkStep,
    answer: { rows: Record<string, unknown>[]; totalCount: number | undefined; ids: readonly string[] },
  ): Promise<StepDecision> => {
    const stepAnswer = { ...answer, requestedPageSize: pageSizeOf(step, data.pageSize) };
    if (step.kind !== 'rank') return decideRange(step, stepAnswer, timeFieldOf(data.filter));
    const walkId = `${data.runId}-${part}-${stepTag({ ...step, phase: 'count', pageNo: 0 }, partStartMs(part))}`;
    const { ids } = answer;
    if (step.phase === 'count')
      await deps.tallies.start(walkId, answer.totalCount ?? 0, rankPageSize(stepAnswer), ids);
    if (step.phase === 'page') await deps.tallies.recordPage(walkId, step.pageNo, ids);
    const tally = step.phase === 'final' ? await deps.tallies.read(walkId) : undefined;
    const decision = decideRank(step, stepAnswer, tally);
    if (step.phase === 'final' || decision.next.length === 0) await deps.tallies.drop(walkId);
    return decision;
  };

  return async (
    job: Job<PageFetchData>,
    _token: string | undefined,
    signal: AbortSignal | undefined,
  ): Promise<PageResult> => {
    const data = job.data;
    const step = stepOf(data);
    const part = partOf(job);
    // Back to the queue (no attempt spent) to take a new limiter slot: see ensureWritable.
    if (await deps.guard.ensureWritable(signal)) throw new RateLimitError();
    const page = await deps.fetch(
      toStockoutQuery(data, step),
      { runId: data.runId, kind: data.kind },
      signal,
    );
    deps.metrics.pagesFetched.inc({ kind: data.kind });
    const rows = page.orders.map(asOrder);
    const ids = rows.map(orderJobId);
    // Rows this run read already: the boundary second a keyset step starts on, a rank walk's
    // closing page 0. The step before enqueued them; they are neither counted nor enqueued again.
    const seen = new Set(step.kind === 'keyset' ? (step.seen ?? []) : []);
    const closing = step.kind === 'rank' && step.phase === 'final';
    const fresh = rows.flatMap((order, index) =>
      closing || seen.has(ids[index] as string) ? [] : [{ order, id: ids[index] as string }],
    );
    deps.metrics.ordersSeen.inc({ kind: data.kind }, fresh.length);
    const enqueued = data.dryRun
      ? 0
      : await enqueueOrders(
          data,
          fresh.map((row) => row.order),
          fresh.map((row) => row.id),
        );
    const duplicates = data.dryRun || data.kind === 'reconcile' ? 0 : fresh.length - enqueued;
    deps.metrics.ordersEnqueued.inc({ kind: data.kind }, enqueued);
    deps.metrics.duplicatesSkipped.inc({ kind: data.kind }, duplicates);
    if (data.kind === 'sweep') deps.metrics.sweepFound.inc(enqueued);
    const decision = await decide(data, part, step, { rows, totalCount: page.totalCount, ids });
    deps.metrics.walkSteps.inc({ step: step.kind, outcome: outcomeLabel(decision) });
    if (decision.unstable !== undefined) {
      deps.logger.warn(
        {
          runId: data.runId,
          part,
          attempt: step.kind === 'rank' ? step.attempt : 0,
          reason: decision.unstable,
        },
        'a rank walk saw its result change while it was read; reading it again',
      );
      if (decision.next.length === 0)
        throw new UnrecoverableError(
          `${EXTRACT_ERROR_CODES.resultUnstable}: ${decision.unstable}; the run is planned again`,
        );
    }
    await addSteps(job, part, decision);
    return {
      orders: fresh.length,
      reread: rows.length - fresh.length,
      enqueued,
      duplicates,
      totalCount: page.totalCount ?? null,
      part,
      covered: decision.covered,
      lookupComplete: decision.lookupComplete,
    };
  };
}

function outcomeLabel(decision: StepDecision): string {
  if (decision.unstable !== undefined) return 'unstable';
  if (decision.next.length === 0) return 'complete';
  const kinds = new Set(decision.next.map((step) => step.kind));
  if (kinds.has('slice')) return 'split';
  if (kinds.has('rank')) return 'rank';
  return 'advance';
}
