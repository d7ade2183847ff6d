import type { ExtractFilter, InflightRun, JobData, SyncState } from '@wdt-k3/jobs';
import type { Logger } from '@wdt-k3/runtime';
import type { FlowProducer, Job, Queue } from 'bullmq';
import { addRunFlow, type PagePolicy, type RunSpec } from './flows.ts';
import type { ExtractorMetrics } from './metrics.ts';
import type { PageResult } from './page-handler.ts';
import { commitJobId, planIncrementalRun, splitWindows } from './planner.ts';

export interface SyncSettings {
  readonly pollIntervalMs: number;
  readonly lagMs: number;
  readonly overlapMs: number;
  readonly maxWindowMs: number;
  readonly maxWindowsPerRun: number;
  readonly pageSize: number;
  readonly pagePolicy: PagePolicy;
  readonly filter: ExtractFilter;
  readonly startFromMs: number | undefined;
  readonly dryRun: boolean;
}

export interface SyncHandlerDeps {
  readonly settings: SyncSettings;
  readonly state: SyncState;
  readonly flows: FlowProducer;
  readonly syncQueue: Queue;
  readonly metrics: ExtractorMetrics;
  readonly logger: Logger;
  readonly now: () => number;
}

const DAY_MS = 86_400_000;

export function createSyncHandlers(deps: SyncHandlerDeps) {
  const { settings, state, logger } = deps;
  const incrementalSpec = (run: InflightRun): RunSpec => ({
    runId: run.runId,
    kind: 'incremental',
    filter: settings.filter,
    pageSize: settings.pageSize,
    pagePolicy: settings.pagePolicy,
    dryRun: settings.dryRun,
    watermarkTo: run.toMs,
    windows: run.windows,
    numberFilters: [],
  });

  /**
   * Looks after the run in flight. Returns true when a new run may be planned. A run whose
   * commit job is missing was claimed but never written (a crash between the two): it is added
   * again from the stored plan, with the same ids. A failed run is removed and planned afresh
   * from the unchanged watermark.
   */
  const settleInflight = async (run: InflightRun): Promise<boolean> => {
    const commit = await deps.syncQueue.getJob(commitJobId(run.runId));
    if (commit === undefined) {
      logger.warn({ runId: run.runId }, 'resuming a run whose flow was never written');
      await addRunFlow(deps.flows, incrementalSpec(run));
      return false;
    }
    const jobState = await commit.getState();
    if (jobState === 'completed') {
      await state.clearInflight(run.runId);
      return true;
    }
    if (jobState !== 'failed') return false;
    logger.warn({ runId: run.runId, reason: commit.failedReason }, 'run failed, planning it again');
    try {
      await commit.remove({ removeChildren: true });
    } catch (err) {
      // A child still holds its lock (a retry in flight); the next tick removes the run.
      logger.debug(
        { runId: run.runId, err: { message: (err as Error).message } },
        'failed run not removable yet',
      );
      return false;
    }
    deps.metrics.runs.inc({ kind: 'incremental', outcome: 'failed' });
    await state.clearInflight(run.runId);
    return true;
  };

  const tick = async (): Promise<{ planned: string | null; reason?: string }> => {
    const now = deps.now();
    await state.recordTick(now);
    const inflight = await state.getInflight();
    if (inflight !== null && !(await settleInflight(inflight)))
      return { planned: null, reason: `run ${inflight.runId} in progress` };
    // Persisting the first watermark means a first run that keeps failing does not slide forward.
    const watermark = await state.initWatermark(settings.startFromMs ?? now - DAY_MS);
    const plan = planIncrementalRun({
      watermarkMs: watermark,
      nowMs: now,
      lagMs: settings.lagMs,
      overlapMs: settings.overlapMs,
      maxWindowMs: settings.maxWindowMs,
      maxWindows: settings.maxWindowsPerRun,
    });
    if (plan === null) return { planned: null, reason: 'nothing new has settled' };
    const run: InflightRun = { ...plan, windows: [...plan.windows], plannedAt: now };
    // Claim first, then write the flow: a crash in between leaves a claim that the next tick
    // resumes; two replicas cannot both claim.
    if (!(await state.claimInflight(run))) return { planned: null, reason: 'another replica planned a run' };
    await addRunFlow(deps.flows, incrementalSpec(run));
    logger.info(
      { runId: run.runId, fromMs: run.fromMs, toMs: run.toMs, windows: run.windows.length },
      'run planned',
    );
    return { planned: run.runId };
  };

  const commit = async (
    job: Job<JobData<'syncCommit'>>,
  ): Promise<PageResult & { pages: number; watermark: number | null }> => {
    const values = Object.values(await job.getChildrenValues<PageResult>());
    const totals = values.reduce(
      (sum, value) => ({
        orders: sum.orders + value.orders,
        enqueued: sum.enqueued + value.enqueued,
        duplicates: sum.duplicates + value.duplicates,
      }),
      { orders: 0, enqueued: 0, duplicates: 0 },
    );
    const { runId, kind, watermarkTo, dryRun } = job.data;
    const watermark =
      kind === 'incremental' && !dryRun && watermarkTo !== null
        ? await state.commit(runId, watermarkTo)
        : null;
    if (kind === 'incremental' && dryRun) await state.clearInflight(runId);
    await state.recordRun({ runId, kind, finishedAt: deps.now(), pages: values.length, ...totals });
    deps.metrics.runs.inc({ kind, outcome: 'completed' });
    logger.info({ runId, kind, pages: values.length, ...totals, watermark }, 'run committed');
    return { pages: values.length, ...totals, totalCount: null, watermark };
  };

  const backfill = async (job: Job<JobData<'syncBackfill'>>): Promise<{ runId: string; windows: number }> => {
    const runId = `bf-${job.id ?? job.data.fromMs}`;
    const windows = splitWindows(job.data.fromMs, job.data.toMs, settings.maxWindowMs);
    const spec: RunSpec = {
      runId,
      kind: 'backfill',
      filter: settings.filter,
      pageSize: settings.pageSize,
      pagePolicy: settings.pagePolicy,
      dryRun: job.data.dryRun || settings.dryRun,
      watermarkTo: null,
      windows,
      numberFilters: [],
    };
    await addRunFlow(deps.flows, spec);
    logger.info({ runId, windows: windows.length, requestedBy: job.data.requestedBy }, 'backfill planned');
    return { runId, windows: windows.length };
  };

  const syncOrders = async (job: Job<JobData<'syncOrders'>>): Promise<{ runId: string; lookups: number }> => {
    const runId = `ord-${job.id ?? deps.now()}`;
    const numberFilters = [
      ...job.data.stockoutNos.map((stockoutNo) => ({ stockoutNo })),
      ...job.data.srcTids.map((srcTid) => ({ srcTid })),
    ];
    await addRunFlow(deps.flows, {
      runId,
      kind: 'orders',
      filter: settings.filter,
      pageSize: settings.pageSize,
      pagePolicy: settings.pagePolicy,
      dryRun: job.data.dryRun || settings.dryRun,
      watermarkTo: null,
      windows: [],
      numberFilters,
    });
    logger.info(
      { runId, lookups: numberFilters.length, requestedBy: job.data.requestedBy },
      'order sync planned',
    );
    return { runId, lookups: numberFilters.length };
  };

  return { tick, commit, backfill, syncOrders };
}
