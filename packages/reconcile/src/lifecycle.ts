import { decodeFailureReason, type ReconcileCompareData } from '@wdt-k3/jobs';
import { isAppError } from '@wdt-k3/runtime';
import { type Job, type Queue, UnrecoverableError } from 'bullmq';
import type pg from 'pg';
import { type ComparisonDeps, checkCoverage, compareRun, type PageProof } from './compare-run.ts';
import { RECONCILE_ERROR_CODES } from './errors.ts';
import { periodKey, previousBeijingDay } from './period.ts';
import { recordRunInPostgres } from './pg-results.ts';
import type { RunRecord } from './report.ts';
import { compareJobId, type StartDeps, startReconciliation } from './start.ts';

export interface LifecycleDeps extends ComparisonDeps {
  readonly start: StartDeps;
  readonly reconcileQueue: Queue;
  readonly retentionMs: number;
  /** The ledger's pool: explanations, and each finished run mirrored into PostgreSQL. */
  readonly ledger?: pg.Pool | undefined;
  /** Called with every run that ends (done or failed): metrics, logs. */
  readonly onEnded?: (run: RunRecord) => void;
}

const CODE_FIRST = /^([A-Z][A-Z0-9]*_[A-Z0-9_]+): /;

/**
 * A failed job's reason as `{code, message}`: the failure document of packages/jobs (the job
 * catalog's own refusals, JOB_PAYLOAD_INVALID), else the reconcile handlers' "CODE: message".
 */
function errorOf(reason: string | undefined, fallback: string): { code: string; message: string } {
  const failure = decodeFailureReason(reason);
  if (failure !== null) return { code: failure.code, message: failure.message };
  const text = reason ?? 'failed';
  const match = CODE_FIRST.exec(text);
  return match === null
    ? { code: fallback, message: text }
    : { code: match[1] as string, message: text.slice(match[0].length) };
}

export function createRunLifecycle(deps: LifecycleDeps) {
  const { store, logger } = deps;

  const end = async (run: RunRecord): Promise<void> => {
    await store.finish(
      run,
      deps.retentionMs,
      run.state === 'done' && run.summary !== null && run.finishedAt !== null
        ? {
            runId: run.id,
            period: run.period,
            filter: run.filter,
            finishedAt: run.finishedAt,
            summary: run.summary,
          }
        : null,
    );
    await store.releasePeriod(periodKey(run.period, run.filter), run.id);
    if (deps.ledger !== undefined)
      await recordRunInPostgres(deps.ledger, run, store.readItems(run.id)).catch((err: unknown) =>
        logger.error(
          { runId: run.id, err: { message: (err as Error).message } },
          'reconciliation not mirrored into PostgreSQL',
        ),
      );
    deps.onEnded?.(run);
  };

  const fail = async (run: RunRecord, error: { code: string; message: string }): Promise<void> => {
    logger.error({ runId: run.id, code: error.code, reason: error.message }, 'reconciliation failed');
    await end({ ...run, state: 'failed', finishedAt: deps.now(), error });
  };

  /** The parent job of a run: every WDT page has stored its rows; compare with K3 and finish. */
  const compare = async (job: Job<ReconcileCompareData>): Promise<unknown> => {
    const run = await store.getRun(job.data.runId);
    if (run === null)
      throw new UnrecoverableError(
        `${RECONCILE_ERROR_CODES.runNotFound}: run ${job.data.runId} is gone (retention, or Redis lost it)`,
      );
    if (run.state === 'done' || run.state === 'failed') return { state: run.state };
    try {
      checkCoverage(job.data, Object.values(await job.getChildrenValues<PageProof>()));
    } catch (err) {
      if (isAppError(err)) await fail(run, { code: err.code, message: err.message });
      throw new UnrecoverableError(`${RECONCILE_ERROR_CODES.coverageIncomplete}: ${(err as Error).message}`);
    }
    const reading: RunRecord = { ...run, state: 'reading-k3', progress: { ...run.progress, k3Bills: 0 } };
    await store.saveRun(reading);
    try {
      const summary = await compareRun(deps, reading);
      const done: RunRecord = {
        ...reading,
        state: 'done',
        finishedAt: deps.now(),
        summary,
        progress: { ...reading.progress, k3Bills: summary.k3.orders },
      };
      await end(done);
      return {
        state: 'done',
        missing: summary.missing,
        extra: summary.extra,
        duplicated: summary.duplicated,
        mismatched: summary.mismatched,
      };
    } catch (err) {
      if (isAppError(err) && !err.retryable) {
        await fail(reading, { code: err.code, message: err.message });
        throw new UnrecoverableError(`${err.code}: ${err.message}`);
      }
      throw err;
    }
  };

  /** The scheduler's tick: the Beijing day before today, unless a run of it is going. */
  const daily = async (): Promise<unknown> => {
    const day = previousBeijingDay(deps.now());
    try {
      const run = await startReconciliation(deps.start, {
        period: { from: day, to: day },
        filter: {},
        trigger: 'schedule',
        requestedBy: 'schedule',
      });
      logger.info({ runId: run.id, day }, 'daily reconciliation started');
      return { runId: run.id };
    } catch (err) {
      if (isAppError(err) && err.code === RECONCILE_ERROR_CODES.runInProgress)
        return { running: err.context?.runId };
      throw err;
    }
  };

  /**
   * Runs whose comparison job failed without running (a WDT page failed for good, which fails its
   * parent) or failed for good (K3 down past its retries), or whose jobs are gone: marked failed
   * with the job's reason, and their period released. Called every few seconds by the reconciler.
   */
  const settle = async (): Promise<number> => {
    let settled = 0;
    for (const run of await store.listRuns(50)) {
      if (run.state === 'done' || run.state === 'failed') continue;
      const job = await deps.reconcileQueue.getJob(compareJobId(run.id));
      const state = job === undefined ? 'missing' : await job.getState();
      if (state !== 'failed' && state !== 'missing') continue;
      const fallback =
        run.state === 'reading-wdt'
          ? RECONCILE_ERROR_CODES.wdtReadFailed
          : RECONCILE_ERROR_CODES.k3ReadFailed;
      const error =
        job === undefined
          ? { code: fallback, message: 'the run’s jobs are gone (Redis lost its data?); start it again' }
          : errorOf(job.failedReason, fallback);
      await fail(run, error);
      settled += 1;
    }
    return settled;
  };

  return { compare, daily, settle };
}
