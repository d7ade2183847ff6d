import { enqueue, orderDoneKey, type ReconcileFilter, type ReconcilePeriod } from '@wdt-k3/jobs';
import {
  createReconcileStore,
  type LatestResult,
  type MissingItem,
  RECONCILE_ERROR_CODES,
  type ReportItem,
  type RunRecord,
  startReconciliation,
} from '@wdt-k3/reconcile';
import { isAppError } from '@wdt-k3/runtime';
import { FlowProducer } from 'bullmq';
import { type Actor, viaDetails } from './actor.ts';
import type { AppContext } from './context.ts';
import { AdminError } from './errors.ts';

/** Kept as long as the reconciler keeps them (RECONCILE_RETENTION_DAYS); the admin reads the same keys. */
const RETENTION_MS = 90 * 86_400_000;
/** Orders one sync.orders job looks up (its schema's bound). */
const SYNC_CHUNK = 500;
/** Missing orders a sync can bring back: the others need a person (replay, undiscard, fix the mapping). */
export const SYNCABLE: ReadonlySet<string> = new Set(['saved', 'never-extracted', 'unknown']);

export const REPORT_CATEGORIES = ['missing', 'extra', 'duplicated', 'mismatch'] as const;
export type ReportCategory = (typeof REPORT_CATEGORIES)[number];

export interface SyncMissingOutcome {
  readonly runId: string;
  readonly enqueued: number;
  readonly skipped: Record<string, number>;
  readonly jobIds: string[];
}

function toAdmin(err: unknown): unknown {
  if (!isAppError(err)) return err;
  const details = { code: err.code, ...(err.context ?? {}) };
  if (err.code === RECONCILE_ERROR_CODES.periodInvalid)
    return new AdminError('ADMIN_BAD_REQUEST', err.message, details);
  if (err.code === RECONCILE_ERROR_CODES.runInProgress)
    return new AdminError('ADMIN_CONFLICT', err.message, details);
  return err;
}

/**
 * What the admin API and the console do with reconciliations, one implementation for both (and
 * one audit): start a run, read runs and their report, sync a finished run's missing orders.
 * Holds a FlowProducer on the admin's connection; `close` ends it.
 */
export function createReconcileActions(ctx: AppContext) {
  const store = createReconcileStore(ctx.redis, ctx.prefix);
  const flows = new FlowProducer({ connection: ctx.redis, prefix: ctx.prefix });

  const runOf = async (id: string): Promise<RunRecord> => {
    const run = await store.getRun(id);
    if (run === null)
      throw new AdminError('ADMIN_NOT_FOUND', `no reconciliation ${id}`, {
        code: RECONCILE_ERROR_CODES.runNotFound,
      });
    return run;
  };
  const finished = (run: RunRecord): RunRecord => {
    if (run.state !== 'done')
      throw new AdminError(
        'ADMIN_CONFLICT',
        `reconciliation ${run.id} is ${run.state}; its report is not ready`,
        {
          code: RECONCILE_ERROR_CODES.runNotFinished,
        },
      );
    return run;
  };

  return {
    store,
    runOf,
    finished,
    listRuns: (limit: number): Promise<RunRecord[]> => store.listRuns(limit),
    latest: (): Promise<LatestResult | null> => store.latest(),
    items: (runId: string) => store.readItems(runId),

    async start(
      actor: Actor,
      input: { readonly period: ReconcilePeriod; readonly filter: ReconcileFilter },
    ): Promise<RunRecord> {
      let run: RunRecord;
      try {
        run = await startReconciliation(
          { store, flows, reconcileQueue: ctx.queues.reconcile, now: ctx.now, retentionMs: RETENTION_MS },
          { period: input.period, filter: input.filter, trigger: 'api', requestedBy: actor.by },
        );
      } catch (err) {
        throw toAdmin(err);
      }
      await ctx.audit.write({
        who: actor.by,
        action: 'reconcile.start',
        target: run.id,
        details: { ...input.period, ...input.filter, ...viaDetails(actor) },
      });
      return run;
    },

    /** A page of a run's report items, optionally of one category. */
    async page(
      runId: string,
      options: { readonly category?: ReportCategory; readonly offset: number; readonly limit: number },
    ): Promise<ReportItem[]> {
      const page: ReportItem[] = [];
      let skipped = 0;
      for await (const chunk of store.readItems(runId)) {
        for (const item of chunk) {
          if (options.category !== undefined && item.category !== options.category) continue;
          if (skipped < options.offset) {
            skipped += 1;
            continue;
          }
          if (page.length < options.limit) page.push(item);
        }
        if (page.length >= options.limit) break;
      }
      return page;
    },

    async syncMissing(actor: Actor, runId: string): Promise<SyncMissingOutcome> {
      const run = finished(await runOf(runId));
      const syncable: MissingItem[] = [];
      const skipped: Record<string, number> = {};
      for await (const chunk of store.readItems(run.id))
        for (const item of chunk) {
          if (item.category !== 'missing') continue;
          if (SYNCABLE.has(item.reason.kind) && item.stockoutNo !== null) syncable.push(item);
          else skipped[item.reason.kind] = (skipped[item.reason.kind] ?? 0) + 1;
        }
      // An order the loader finished would be skipped by the re-read as done: its bill is gone
      // from K3, so its done record and finished job are removed first (the loader checks K3
      // before it saves).
      for (const item of syncable) {
        const id = `so-${item.stockoutId}`;
        await ctx.redis.del(orderDoneKey(ctx.prefix, id));
        const job = await ctx.queues.orders.getJob(id);
        if (job !== undefined && (await job.isCompleted())) await job.remove();
      }
      const jobIds: string[] = [];
      for (let start = 0; start < syncable.length; start += SYNC_CHUNK) {
        const stockoutNos = syncable
          .slice(start, start + SYNC_CHUNK)
          .map((item) => item.stockoutNo as string);
        const job = await enqueue(ctx.queues.sync, 'syncOrders', { stockoutNos, requestedBy: actor.by });
        if (job.id !== undefined) jobIds.push(job.id);
      }
      await ctx.audit.write({
        who: actor.by,
        action: 'reconcile.sync-missing',
        target: run.id,
        details: { enqueued: syncable.length, skipped, jobIds, ...viaDetails(actor) },
      });
      return { runId: run.id, enqueued: syncable.length, skipped, jobIds };
    },

    close: (): Promise<void> => flows.close(),
  };
}
