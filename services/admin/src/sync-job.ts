import type { SyncJobAnswer } from '@wdt-k3/admin-contract';
import { commitJobId, JOBS } from '@wdt-k3/jobs';
import { runOutcome } from '@wdt-k3/ledger';
import type { Job } from 'bullmq';
import type { AppContext } from './context.ts';
import { AdminError } from './errors.ts';
import { formatBeijing } from './instants.ts';
import { FUTURE_SLACK_MS } from './pipeline-actions.ts';
import { fromLedger } from './routes/order-routes.ts';

/**
 * What became of a backfill or an order sync (`wdt-k3 backfill --wait`, `sync orders --wait`).
 * The kick-off job (`sync.backfill`, `sync.orders`) plans a run and answers its id; the run's
 * `sync.commit` job completes once every page is read and its orders are enqueued, and answers
 * the counts; the ledger then knows each enqueued order by an `order.extracted` event carrying the
 * run id. Read-only: nothing here changes a job.
 */

interface CommitValue {
  readonly pages?: number;
  readonly orders?: number;
  readonly enqueued?: number;
  readonly duplicates?: number;
}

interface PageValue {
  readonly part?: string;
  readonly orders?: number;
}

const KINDS: Readonly<Record<string, SyncJobAnswer['kind']>> = {
  [JOBS.syncBackfill.name]: 'backfill',
  [JOBS.syncOrders.name]: 'orders',
};

const count = (value: unknown): number => (typeof value === 'number' ? value : 0);

/** The numbers an order sync named, in the order the extractor numbers its lookups (`n<index>`). */
function namedNumbers(job: Job): Array<{ by: 'stockoutNo' | 'srcTid'; number: string }> {
  const data = job.data as { stockoutNos?: unknown; srcTids?: unknown };
  const list = (value: unknown): string[] =>
    Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
  return [
    ...list(data.stockoutNos).map((number) => ({ by: 'stockoutNo' as const, number })),
    ...list(data.srcTids).map((number) => ({ by: 'srcTid' as const, number })),
  ];
}

async function lookupsOf(job: Job, commit: Job): Promise<SyncJobAnswer['lookups']> {
  const pages = Object.values(await commit.getChildrenValues<PageValue>());
  return namedNumbers(job).map((named, index) => ({
    ...named,
    found: pages
      .filter((page) => page.part === `n${index}`)
      .reduce((sum, page) => sum + count(page.orders), 0),
  }));
}

export async function readSyncJob(ctx: AppContext, jobId: string): Promise<SyncJobAnswer> {
  const job = await ctx.queues.sync.getJob(jobId);
  const kind = job === undefined ? undefined : KINDS[job.name];
  if (job === undefined || kind === undefined)
    throw new AdminError('ADMIN_NOT_FOUND', `no backfill or order sync job ${jobId}`, { jobId });
  const base = {
    jobId,
    kind,
    dryRun: (job.data as { dryRun?: unknown }).dryRun === true,
    queuedAt: { ms: job.timestamp, beijing: formatBeijing(job.timestamp) },
    runId: null,
    failedReason: null,
    read: null,
    lookups: [],
    ledger: null,
  };
  const kickoff = await job.getState();
  if (kickoff === 'failed') return { ...base, state: 'failed', failedReason: job.failedReason ?? null };
  const runId = (job.returnvalue as { runId?: unknown } | null)?.runId;
  if (kickoff !== 'completed' || typeof runId !== 'string') return { ...base, state: 'queued' };
  const commit = await ctx.queues.sync.getJob(commitJobId(runId));
  // The kick-off adds the run's flow before it completes, so a missing commit job was removed
  // (kept 30 days) or never written: either way it will not commit.
  if (commit === undefined)
    return { ...base, runId, state: 'failed', failedReason: 'the run’s commit job is gone' };
  const state = await commit.getState();
  if (state === 'failed')
    return { ...base, runId, state: 'failed', failedReason: commit.failedReason ?? 'a page failed for good' };
  if (state !== 'completed') return { ...base, runId, state: 'running' };
  const value = (commit.returnvalue ?? {}) as CommitValue;
  const read = {
    pages: count(value.pages),
    orders: count(value.orders),
    enqueued: count(value.enqueued),
    duplicates: count(value.duplicates),
  };
  const lookups = kind === 'orders' ? await lookupsOf(job, commit) : [];
  const pool = ctx.ledger;
  // The run's events lie between its kick-off and its commit; the slack covers the clocks of the
  // hosts involved (admin, extractor), as FUTURE_SLACK_MS does for a backfill's window.
  const fromMs = job.timestamp - FUTURE_SLACK_MS;
  const toMs = (commit.finishedOn ?? ctx.now()) + FUTURE_SLACK_MS;
  const ledger = pool === undefined ? null : await fromLedger(() => runOutcome(pool, runId, fromMs, toMs));
  return { ...base, runId, state: 'committed', read, lookups, ledger };
}
