import {
  type ExtractWindow,
  JOBS,
  parseJobData,
  QUEUES,
  type ReconcileFilter,
  type ReconcilePeriod,
} from '@wdt-k3/jobs';
import { planWindows } from '@wdt-k3/wdt-client';
import type { FlowJob, FlowProducer, Queue } from 'bullmq';
import { RECONCILE_ERROR_CODES, ReconcileError } from './errors.ts';
import { checkPeriod, periodKey } from './period.ts';
import type { RunRecord } from './report.ts';
import type { ReconcileStore } from './store.ts';

/** Shipped and after (the extractor's default EXTRACT_STATUS): every stock-out that left the warehouse. */
export const SHIPPED_STATUSES = [95, 105, 110, 113] as const;
/**
 * A day in four windows: each window's page chain runs on its own, so up to four pages of a run
 * are in flight (EXTRACT_PAGE_CONCURRENCY permitting) while each empty window costs one call.
 */
export const RECONCILE_WINDOW_MS = 6 * 3_600_000;
/**
 * BullMQ serves prioritised jobs after unprioritised ones, lowest number first: incremental pages
 * have none, backfills 5, the sweep 10. Reconciliation reads last, so extraction never waits for it.
 */
export const RECONCILE_PAGE_PRIORITY = 20;
/** A period stays claimed at most this long without its run finishing (a lost run frees it). */
const PERIOD_CLAIM_MS = 2 * 86_400_000;

export const compareJobId = (runId: string): string => `rcmp-${runId}`;

export interface StartDeps {
  readonly store: ReconcileStore;
  readonly flows: FlowProducer;
  readonly reconcileQueue: Queue;
  readonly now: () => number;
  readonly retentionMs: number;
}

export interface StartInput {
  readonly period: ReconcilePeriod;
  readonly filter: ReconcileFilter;
  readonly trigger: RunRecord['trigger'];
  readonly requestedBy: string | null;
}

/** The flow of a run: the comparison waits for one keyset walk per window of WDT pages. */
export function buildReconcileFlow(run: RunRecord, windows: readonly ExtractWindow[]): FlowJob {
  return {
    name: JOBS.reconcileCompare.name,
    queueName: QUEUES.reconcile,
    data: parseJobData('reconcileCompare', {
      runId: run.id,
      period: run.period,
      filter: run.filter,
      windows: [...windows],
    }),
    opts: { ...JOBS.reconcileCompare.options, jobId: compareJobId(run.id) },
    children: windows.map((window) => ({
      name: JOBS.pageFetch.name,
      queueName: QUEUES.pages,
      data: parseJobData('pageFetch', {
        runId: run.id,
        kind: 'reconcile',
        window,
        numberFilter: null,
        filter: {
          status: [...SHIPPED_STATUSES],
          byModified: false,
          ...(run.filter.shopNo === undefined ? {} : { shopNo: run.filter.shopNo }),
          ...(run.filter.warehouseNo === undefined ? {} : { warehouseNo: run.filter.warehouseNo }),
        },
        pageNo: 0,
        pageSize: 100,
        dryRun: false,
        part: String(window.fromMs),
        step: { kind: 'keyset', fromMs: window.fromMs, toMs: window.toMs, seq: 0 },
      }),
      opts: {
        ...JOBS.pageFetch.options,
        attempts: 10,
        backoff: { type: 'exponential', delay: 5_000, jitter: 0.5 },
        priority: RECONCILE_PAGE_PRIORITY,
        // The id the extractor's page handler gives a window's first step (`pg-<run>-<part>-k0`).
        jobId: `pg-${run.id}-${window.fromMs}-k0`,
        failParentOnFailure: true,
      },
    })),
  };
}

/** Whether the run holding a period still runs: its comparison job exists and has not ended. */
async function stillRunning(deps: StartDeps, runId: string): Promise<boolean> {
  const run = await deps.store.getRun(runId);
  if (run === null || run.state === 'done' || run.state === 'failed') return false;
  const job = await deps.reconcileQueue.getJob(compareJobId(runId));
  if (job === undefined) return false;
  const state = await job.getState();
  return state !== 'failed' && state !== 'completed' && state !== 'unknown';
}

/**
 * Starts a run for a period: one at a time per period and filter (a second start answers
 * RECONCILE_RUN_IN_PROGRESS with the running one's id).
 */
export async function startReconciliation(deps: StartDeps, input: StartInput): Promise<RunRecord> {
  const now = deps.now();
  const range = checkPeriod(input.period, now);
  const key = periodKey(input.period, input.filter);
  const runId = `rc-${input.period.from.replaceAll('-', '')}-${input.period.to.replaceAll('-', '')}-${now.toString(36)}`;
  let holder = await deps.store.claimPeriod(key, runId, PERIOD_CLAIM_MS);
  if (holder !== runId) {
    if (await stillRunning(deps, holder))
      throw new ReconcileError(
        RECONCILE_ERROR_CODES.runInProgress,
        `run ${holder} is reconciling this period; wait for it or read its progress`,
        { retryable: false, context: { runId: holder } },
      );
    await deps.store.releasePeriod(key, holder);
    holder = await deps.store.claimPeriod(key, runId, PERIOD_CLAIM_MS);
    if (holder !== runId)
      throw new ReconcileError(
        RECONCILE_ERROR_CODES.runInProgress,
        `run ${holder} just started for this period`,
        {
          retryable: false,
          context: { runId: holder },
        },
      );
  }
  const run: RunRecord = {
    id: runId,
    period: input.period,
    filter: input.filter,
    state: 'reading-wdt',
    trigger: input.trigger,
    requestedBy: input.requestedBy,
    createdAt: now,
    finishedAt: null,
    progress: { wdtPages: 0, wdtOrders: 0, k3Bills: 0 },
    summary: null,
    error: null,
  };
  await deps.store.createRun(run, deps.retentionMs);
  await deps.flows.add(buildReconcileFlow(run, planWindows(range.fromMs, range.toMs, RECONCILE_WINDOW_MS)));
  return run;
}
