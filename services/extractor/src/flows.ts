import {
  type ExtractFilter,
  type ExtractWindow,
  JOBS,
  type PageFetchData,
  parseJobData,
  QUEUES,
  type RunKind,
  type WalkStep,
} from '@wdt-k3/jobs';
import type { FlowJob, FlowProducer } from 'bullmq';
import { commitJobId, pageJobId } from './planner.ts';
import { rankCount, stepTag } from './walk-steps.ts';

/**
 * A run is one BullMQ flow: the parent `sync.commit` (in wdt-sync) waits for every page job of
 * the run (in wdt-pages). Each window starts as one keyset step; every page job adds the steps
 * that read the rest of its window as further children of the same parent before it completes,
 * so the parent — and with it the watermark — moves only once every step of every window has
 * run. The commit then checks that the steps' proofs cover each window (walk-steps.ts). The tree
 * is written in one MULTI and every id is deterministic, so re-adding a run after a crash is a
 * no-op for what exists. A page that fails for good fails the parent (`failParentOnFailure`):
 * the watermark stays, and the next tick plans the run again.
 */
/** How hard a page job retries; the catalog's policy with these two numbers from config. */
export interface PagePolicy {
  readonly attempts: number;
  readonly backoffMs: number;
}

/**
 * BullMQ serves jobs without a priority first, then by priority (1 highest). Incremental runs
 * and operator lookups go first; a backfill must not delay them, and the trailing sweep (the
 * safety net for late rows) least of all (README "Budget"); a reconciliation's pages wait for all
 * of them (packages/reconcile RECONCILE_PAGE_PRIORITY is the same number).
 */
const PRIORITY: Readonly<Record<RunKind, number | undefined>> = {
  incremental: undefined,
  orders: undefined,
  backfill: 5,
  sweep: 10,
  // Reconciliation (issue 17) reads last of all: extraction never waits for it.
  reconcile: 20,
};

export function pageJobOptions(
  policy: PagePolicy,
  kind: RunKind,
): { attempts: number; backoff: { type: 'exponential'; delay: number; jitter: number }; priority?: number } {
  const priority = PRIORITY[kind];
  return {
    attempts: policy.attempts,
    backoff: { type: 'exponential', delay: policy.backoffMs, jitter: 0.5 },
    ...(priority === undefined ? {} : { priority }),
  };
}

export interface RunSpec {
  readonly runId: string;
  readonly kind: RunKind;
  readonly filter: ExtractFilter;
  readonly pageSize: number;
  readonly pagePolicy: PagePolicy;
  readonly dryRun: boolean;
  /** Incremental and sweep runs: the watermark the commit stores. */
  readonly watermarkTo: number | null;
  readonly windows: readonly ExtractWindow[];
  readonly numberFilters: ReadonlyArray<{ stockoutNo: string } | { srcTid: string }>;
  /** The watermark generation the run was planned under (incremental and sweep runs). */
  readonly generation?: number;
  /** `slices`: windows are read in slices from the start instead of by keyset (EXTRACT_PAGING). */
  readonly paging?: 'keyset' | 'slices';
}

/** The window start (ms) or `n<index>` of a lookup; steps' job ids and proofs are grouped by it. */
export const windowPart = (window: ExtractWindow): string => String(window.fromMs);
const lookupPart = (index: number): string => `n${index}`;

/** Start of a part in ms (null for lookups), the origin of its steps' short tags. */
export const partStartMs = (part: string): number | null => (/^\d+$/.test(part) ? Number(part) : null);

function firstPage(spec: RunSpec, data: PageFetchData, step: WalkStep): FlowJob {
  const part = data.part as string;
  return {
    name: JOBS.pageFetch.name,
    queueName: QUEUES.pages,
    data: parseJobData('pageFetch', { ...data, step }),
    opts: {
      ...JOBS.pageFetch.options,
      ...pageJobOptions(spec.pagePolicy, spec.kind),
      jobId: pageJobId(spec.runId, part, stepTag(step, partStartMs(part))),
      failParentOnFailure: true,
    },
  };
}

export function buildRunFlow(spec: RunSpec): FlowJob {
  const common = {
    runId: spec.runId,
    kind: spec.kind,
    filter: spec.filter,
    pageSize: spec.pageSize,
    dryRun: spec.dryRun,
    pageNo: 0,
  };
  const children = [
    ...spec.windows.map((window) =>
      firstPage(
        spec,
        { ...common, window, numberFilter: null, part: windowPart(window) },
        spec.paging === 'slices'
          ? { kind: 'slice', fromMs: window.fromMs, toMs: window.toMs }
          : { kind: 'keyset', fromMs: window.fromMs, toMs: window.toMs, seq: 0 },
      ),
    ),
    ...spec.numberFilters.map((numberFilter, index) =>
      firstPage(spec, { ...common, window: null, numberFilter, part: lookupPart(index) }, rankCount(null, 0)),
    ),
  ];
  return {
    name: JOBS.syncCommit.name,
    queueName: QUEUES.sync,
    data: parseJobData('syncCommit', {
      runId: spec.runId,
      kind: spec.kind,
      watermarkTo: spec.watermarkTo,
      dryRun: spec.dryRun,
      windows: [...spec.windows],
      lookups: spec.numberFilters.length,
      ...(spec.generation === undefined ? {} : { generation: spec.generation }),
    }),
    opts: { ...JOBS.syncCommit.options, jobId: commitJobId(spec.runId) },
    children,
  };
}

export async function addRunFlow(flows: FlowProducer, spec: RunSpec): Promise<void> {
  await flows.add(buildRunFlow(spec));
}
