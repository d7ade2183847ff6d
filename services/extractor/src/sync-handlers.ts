import type {
  CursorState,
  ExtractFilter,
  ExtractorStatusStore,
  InflightRun,
  JobData,
  RunKind,
  SyncState,
} from '@wdt-k3/jobs';
import { formatBeijingTime, type Logger } from '@wdt-k3/runtime';
import { uncovered } from '@wdt-k3/wdt-client';
import { type FlowProducer, type Job, type Queue, UnrecoverableError } from 'bullmq';
import { EXTRACT_ERROR_CODES } from './errors.ts';
import { addRunFlow, type PagePolicy, type RunSpec, windowPart } from './flows.ts';
import type { ExtractorMetrics } from './metrics.ts';
import type { PageResult } from './page-handler.ts';
import { commitJobId, planIncrementalRun, splitWindows } from './planner.ts';

interface SyncSettings {
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
  readonly sweep: { readonly intervalMs: number; readonly delayMs: number } | null;
  readonly paging: 'keyset' | 'slices';
}

export interface SyncHandlerDeps {
  readonly settings: SyncSettings;
  readonly state: SyncState;
  readonly status: ExtractorStatusStore;
  readonly flows: FlowProducer;
  readonly syncQueue: Queue;
  readonly metrics: ExtractorMetrics;
  readonly logger: Logger;
  readonly now: () => number;
}

const DAY_MS = 86_400_000;
/** A stored watermark this far ahead of the clock is not a clock skew but a mistake. */
const FUTURE_SLACK_MS = 5 * 60_000;

type CursorKind = Extract<RunKind, 'incremental' | 'sweep'>;

export function createSyncHandlers(deps: SyncHandlerDeps) {
  const { settings, state, logger } = deps;
  const cursorOf = (kind: CursorKind): CursorState => (kind === 'sweep' ? state.sweep : state);
  const filterOf = (kind: CursorKind): ExtractFilter =>
    kind === 'sweep' ? { ...settings.filter, byModified: true } : settings.filter;
  const cursorSpec = (kind: CursorKind, run: InflightRun): RunSpec => ({
    runId: run.runId,
    kind,
    filter: filterOf(kind),
    pageSize: settings.pageSize,
    pagePolicy: settings.pagePolicy,
    dryRun: settings.dryRun,
    watermarkTo: run.toMs,
    windows: run.windows,
    numberFilters: [],
    paging: settings.paging,
    ...(run.generation === undefined ? {} : { generation: run.generation }),
  });

  /**
   * Looks after the run in flight. Returns true when a new run may be planned. A run whose
   * commit job is missing was claimed but never written (a crash between the two): it is added
   * again from the stored plan, with the same ids. A failed run is removed and planned afresh
   * from the unchanged watermark.
   */
  const settleInflight = async (kind: CursorKind, run: InflightRun): Promise<boolean> => {
    const commit = await deps.syncQueue.getJob(commitJobId(run.runId));
    if (commit === undefined) {
      logger.warn({ runId: run.runId }, 'resuming a run whose flow was never written');
      await addRunFlow(deps.flows, cursorSpec(kind, run));
      return false;
    }
    const jobState = await commit.getState();
    if (jobState === 'completed') {
      await cursorOf(kind).clearInflight(run.runId);
      return true;
    }
    if (jobState !== 'failed') return false;
    const reason = commit.failedReason ?? 'a page failed for good';
    logger.warn({ runId: run.runId, reason }, 'run failed, planning it again');
    await deps.status.recordRunFailure({ runId: run.runId, kind, reason, at: deps.now() });
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
    deps.metrics.runs.inc({ kind, outcome: 'failed' });
    await cursorOf(kind).clearInflight(run.runId);
    return true;
  };

  /** Plans the next run of one cursor; null with the reason when there is nothing to plan. */
  const planCursor = async (kind: CursorKind, now: number): Promise<string> => {
    const cursor = cursorOf(kind);
    const inflight = await cursor.getInflight();
    if (inflight !== null && !(await settleInflight(kind, inflight)))
      return `run ${inflight.runId} in progress`;
    const start = settings.startFromMs ?? now - DAY_MS;
    // Persisting the first watermark means a first run that keeps failing does not slide forward.
    const watermark = await cursor.initWatermark(
      kind === 'sweep' ? ((await state.getWatermark()) ?? start) : start,
    );
    if (watermark > now + FUTURE_SLACK_MS) {
      logger.error(
        {
          code: EXTRACT_ERROR_CODES.watermarkInFuture,
          watermark: formatBeijingTime(watermark),
          cursor: kind,
        },
        'the watermark lies in the future, so nothing would ever be read: move it back with `wdt-k3 watermark set <time>`',
      );
      return 'the watermark lies in the future';
    }
    const sweep = settings.sweep;
    const plan =
      kind === 'sweep' && sweep !== null
        ? planSweep(watermark, now, (await state.getWatermark()) ?? watermark, sweep, settings)
        : planIncrementalRun({
            watermarkMs: watermark,
            nowMs: now,
            lagMs: settings.lagMs,
            overlapMs: settings.overlapMs,
            maxWindowMs: settings.maxWindowMs,
            maxWindows: settings.maxWindowsPerRun,
          });
    if (plan === null) return 'nothing new has settled';
    const generation = await state.getGeneration();
    const run: InflightRun = { ...plan, windows: [...plan.windows], plannedAt: now, generation };
    // Claim first, then write the flow: a crash in between leaves a claim that the next tick
    // resumes; two replicas cannot both claim.
    if (!(await cursor.claimInflight(run))) return 'another replica planned a run';
    await addRunFlow(deps.flows, cursorSpec(kind, run));
    logger.info(
      { runId: run.runId, kind, fromMs: run.fromMs, toMs: run.toMs, windows: run.windows.length },
      'run planned',
    );
    return `planned ${run.runId}`;
  };

  const tick = async (): Promise<{ incremental: string; sweep: string | null }> => {
    const now = deps.now();
    await state.recordTick(now);
    const incremental = await planCursor('incremental', now);
    const sweep = settings.sweep === null ? null : await planCursor('sweep', now);
    return { incremental, sweep };
  };

  /** Every window and lookup of the run must be proven read whole by its pages' answers. */
  const checkCoverage = (data: JobData<'syncCommit'>, values: readonly PageResult[]): void => {
    if (data.windows === undefined) return;
    const gaps = data.windows.flatMap((window) => {
      const part = windowPart(window);
      const covered = values.filter((value) => value.part === part).flatMap((value) => value.covered ?? []);
      return uncovered(window, covered).map(
        (gap) => `${formatBeijingTime(gap.fromMs)} … ${formatBeijingTime(gap.toMs)}`,
      );
    });
    const lookups = Array.from({ length: data.lookups ?? 0 }, (_, index) => `n${index}`).filter(
      (part) => !values.some((value) => value.part === part && value.lookupComplete === true),
    );
    if (gaps.length === 0 && lookups.length === 0) return;
    deps.metrics.coverageIncomplete.inc();
    logger.error(
      { runId: data.runId, gaps, lookups },
      'run not committed: its pages do not prove every window read',
    );
    throw new UnrecoverableError(
      `${EXTRACT_ERROR_CODES.coverageIncomplete}: not proven read: ${[...gaps, ...lookups].slice(0, 5).join('; ')}`,
    );
  };

  const commit = async (
    job: Job<JobData<'syncCommit'>>,
  ): Promise<PageResult & { pages: number; watermark: number | null }> => {
    const values = Object.values(await job.getChildrenValues<PageResult>());
    checkCoverage(job.data, values);
    const totals = values.reduce(
      (sum, value) => ({
        orders: sum.orders + value.orders,
        enqueued: sum.enqueued + value.enqueued,
        duplicates: sum.duplicates + value.duplicates,
      }),
      { orders: 0, enqueued: 0, duplicates: 0 },
    );
    const { runId, kind, watermarkTo, dryRun, generation } = job.data;
    let watermark: number | null = null;
    if ((kind === 'incremental' || kind === 'sweep') && watermarkTo !== null) {
      const cursor = cursorOf(kind);
      if (dryRun) await cursor.clearInflight(runId);
      else {
        const result = await cursor.commit(runId, watermarkTo, generation);
        watermark = result.watermark;
        if (result.moved && kind === 'incremental') await deps.status.recordAdvance(deps.now());
        if (!result.moved && watermark < watermarkTo)
          logger.warn(
            { runId, watermark },
            'the watermark was moved by an operator while this run read: not moved',
          );
      }
    }
    await deps.status.clearRunFailure();
    await state.recordRun({ runId, kind, finishedAt: deps.now(), pages: values.length, ...totals });
    deps.metrics.runs.inc({ kind, outcome: 'completed' });
    logger.info({ runId, kind, pages: values.length, ...totals, watermark }, 'run committed');
    return { pages: values.length, ...totals, totalCount: null, watermark };
  };

  const backfill = async (job: Job<JobData<'syncBackfill'>>): Promise<{ runId: string; windows: number }> => {
    const runId = `bf-${job.id ?? job.data.fromMs}`;
    const windows = splitWindows(job.data.fromMs, job.data.toMs, settings.maxWindowMs);
    await addRunFlow(deps.flows, {
      runId,
      kind: 'backfill',
      filter: settings.filter,
      pageSize: settings.pageSize,
      pagePolicy: settings.pagePolicy,
      dryRun: job.data.dryRun || settings.dryRun,
      watermarkTo: null,
      windows,
      numberFilters: [],
      paging: settings.paging,
    });
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
      paging: settings.paging,
    });
    logger.info(
      { runId, lookups: numberFilters.length, requestedBy: job.data.requestedBy },
      'order sync planned',
    );
    return { runId, lookups: numberFilters.length };
  };

  return { tick, commit, backfill, syncOrders };
}

/**
 * The trailing sweep reads, by modified time, the band from its watermark up to `now − delay`
 * (and never past the incremental watermark: in a backlog the main walk reads those rows first),
 * once a whole interval has settled. Every stock-out modified in the band is looked at again
 * once, so one shown late — its consign time already behind the incremental watermark — is found
 * within delay + interval of its last change. Nothing before the sweep watermark is read twice.
 */
function planSweep(
  watermarkMs: number,
  nowMs: number,
  incrementalWatermarkMs: number,
  sweep: { readonly intervalMs: number; readonly delayMs: number },
  settings: Pick<SyncSettings, 'maxWindowMs' | 'maxWindowsPerRun'>,
): { runId: string; fromMs: number; toMs: number; windows: ReturnType<typeof splitWindows> } | null {
  const endMs = Math.floor(Math.min(nowMs - sweep.delayMs, incrementalWatermarkMs) / 1000) * 1000;
  if (endMs - watermarkMs < sweep.intervalMs) return null;
  const windows = splitWindows(watermarkMs, endMs, settings.maxWindowMs).slice(0, settings.maxWindowsPerRun);
  const last = windows.at(-1);
  if (last === undefined) return null;
  return { runId: `sw-${watermarkMs}-${last.toMs}`, fromMs: watermarkMs, toMs: last.toMs, windows };
}
