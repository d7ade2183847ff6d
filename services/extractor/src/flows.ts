import {
  type ExtractFilter,
  type ExtractWindow,
  JOBS,
  type PageFetchData,
  parseJobData,
  QUEUES,
  type RunKind,
} from '@wdt-k3/jobs';
import type { FlowJob, FlowProducer } from 'bullmq';
import { commitJobId, pageJobId } from './planner.ts';

/**
 * A run is one BullMQ flow: the parent `sync.commit` (in wdt-sync) waits for every page job of
 * the run (in wdt-pages). Page 0 of each window learns `total_count` and adds the window's other
 * pages as further children of the same parent before it completes, so the parent — and with it
 * the watermark — moves only once every page was fetched and its orders enqueued. The whole tree
 * is written in one MULTI and every id is deterministic, so re-adding a run after a crash is a
 * no-op for what exists. A page that fails for good fails the parent (`failParentOnFailure`):
 * the watermark stays, and the next tick plans the run again.
 */
/** How hard a page job retries; the catalog's policy with these two numbers from config. */
export interface PagePolicy {
  readonly attempts: number;
  readonly backoffMs: number;
}

export function pageJobOptions(policy: PagePolicy) {
  return {
    attempts: policy.attempts,
    backoff: { type: 'exponential' as const, delay: policy.backoffMs, jitter: 0.5 },
  };
}

export interface RunSpec {
  readonly runId: string;
  readonly kind: RunKind;
  readonly filter: ExtractFilter;
  readonly pageSize: number;
  readonly pagePolicy: PagePolicy;
  readonly dryRun: boolean;
  /** Incremental runs: the watermark the commit stores. */
  readonly watermarkTo: number | null;
  readonly windows: readonly ExtractWindow[];
  readonly numberFilters: ReadonlyArray<{ stockoutNo: string } | { srcTid: string }>;
}

function pageJob(spec: RunSpec, data: PageFetchData, part: string | number): FlowJob {
  return {
    name: JOBS.pageFetch.name,
    queueName: QUEUES.pages,
    data: parseJobData('pageFetch', data),
    opts: {
      ...JOBS.pageFetch.options,
      ...pageJobOptions(spec.pagePolicy),
      jobId: pageJobId(spec.runId, part, data.pageNo),
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
    ...spec.windows.map((window) => pageJob(spec, { ...common, window, numberFilter: null }, window.fromMs)),
    ...spec.numberFilters.map((numberFilter, index) =>
      pageJob(spec, { ...common, window: null, numberFilter }, `n${index}`),
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
    }),
    opts: { ...JOBS.syncCommit.options, jobId: commitJobId(spec.runId) },
    children,
  };
}

export async function addRunFlow(flows: FlowProducer, spec: RunSpec): Promise<void> {
  await flows.add(buildRunFlow(spec));
}
