import type { BackfillAnswer, SyncOrdersAnswer, SyncStateAnswer } from '@wdt-k3/admin-contract';
import { createExtractorStatusStore, enqueue } from '@wdt-k3/jobs';
import { type Actor, viaDetails } from './actor.ts';
import type { AppContext } from './context.ts';
import { AdminError } from './errors.ts';
import { formatBeijing } from './instants.ts';
import { pausableQueues } from './queue-stats.ts';

/**
 * The pipeline's reads and writes as the API routes and the console both call them; each write
 * is audited after it happened, under the actor's name.
 */

const DAY_MS = 86_400_000;
/** A year is the longest window a person plausibly backfills; longer is a typo (2204 for 2024). */
const MAX_BACKFILL_MS = 366 * DAY_MS;
/** Before this, no WDT account of ours has data; an earlier `from` is a typo too. */
export const EARLIEST_MS = Date.parse('2010-01-01T00:00:00+08:00');
/** Clock skew allowed for `to` in the future. */
export const FUTURE_SLACK_MS = 5 * 60_000;

export const instantOrNull = (ms: number | null) => (ms === null ? null : { ms, beijing: formatBeijing(ms) });

export function badRange(path: string, message: string): AdminError {
  return new AdminError('ADMIN_BAD_REQUEST', 'invalid body', { issues: [{ in: 'body', path, message }] });
}

export function checkBackfillRange(fromMs: number, toMs: number, nowMs: number): void {
  if (!(toMs > fromMs)) throw badRange('to', 'to must be after from');
  if (fromMs < EARLIEST_MS) throw badRange('from', `from is before ${formatBeijing(EARLIEST_MS)}`);
  if (toMs > nowMs + FUTURE_SLACK_MS) throw badRange('to', 'to is in the future');
  if (toMs - fromMs > MAX_BACKFILL_MS) throw badRange('to', 'a backfill spans at most 366 days; split it');
}

export async function readSyncState(ctx: AppContext): Promise<SyncStateAnswer> {
  const [watermark, sweepWatermark, lastTick, inflight, lastRun, status] = await Promise.all([
    ctx.syncState.getWatermark(),
    ctx.syncState.sweep.getWatermark(),
    ctx.syncState.getLastTick(),
    ctx.syncState.getInflight(),
    ctx.syncState.getLastRun(),
    createExtractorStatusStore(ctx.redis, ctx.prefix).read(),
  ]);
  const now = ctx.now();
  return {
    watermark: instantOrNull(watermark),
    sweepWatermark: instantOrNull(sweepWatermark),
    inFuture: watermark !== null && watermark > now + FUTURE_SLACK_MS,
    wdtRefusal: status.wdtRefusal,
    lastRunFailure: status.lastRunFailure,
    lastAdvance: instantOrNull(status.lastAdvanceAt),
    lagSeconds: watermark === null ? null : Math.max(0, (now - watermark) / 1000),
    lastTick:
      lastTick === null
        ? null
        : {
            ms: lastTick,
            beijing: formatBeijing(lastTick),
            ageSeconds: Math.max(0, (now - lastTick) / 1000),
          },
    inflight,
    lastRun,
  };
}

/** BullMQ global pause or resume of intake and loading; running jobs finish. Returns the queues. */
export async function setPipelinePaused(
  ctx: AppContext,
  actor: Actor,
  paused: boolean,
  reason: string | null,
): Promise<string[]> {
  const queues = pausableQueues(ctx.queues);
  await Promise.all(queues.map((queue) => (paused ? queue.pause() : queue.resume())));
  const names = queues.map((queue) => queue.name);
  await ctx.audit.write({
    who: actor.by,
    action: paused ? 'pipeline.pause' : 'pipeline.resume',
    target: names.join(','),
    details: { reason, ...viaDetails(actor) },
  });
  return names;
}

export async function startBackfill(
  ctx: AppContext,
  actor: Actor,
  request: { readonly fromMs: number; readonly toMs: number; readonly dryRun: boolean },
): Promise<BackfillAnswer> {
  const { fromMs, toMs, dryRun } = request;
  checkBackfillRange(fromMs, toMs, ctx.now());
  const job = await enqueue(ctx.queues.sync, 'syncBackfill', { fromMs, toMs, requestedBy: actor.by, dryRun });
  const window = { from: formatBeijing(fromMs), to: formatBeijing(toMs) };
  await ctx.audit.write({
    who: actor.by,
    action: 'sync.backfill',
    target: `${window.from}..${window.to}`,
    details: { jobId: job.id, dryRun, ...viaDetails(actor) },
  });
  return { jobId: job.id ?? '', fromMs, toMs, window, dryRun };
}

export async function syncNamedOrders(
  ctx: AppContext,
  actor: Actor,
  request: {
    readonly stockoutNos: readonly string[];
    readonly srcTids: readonly string[];
    readonly dryRun: boolean;
  },
): Promise<SyncOrdersAnswer> {
  const stockoutNos = [...new Set(request.stockoutNos)];
  const srcTids = [...new Set(request.srcTids)];
  const { dryRun } = request;
  const job = await enqueue(ctx.queues.sync, 'syncOrders', {
    stockoutNos,
    srcTids,
    requestedBy: actor.by,
    dryRun,
  });
  await ctx.audit.write({
    who: actor.by,
    action: 'sync.orders',
    target: [...stockoutNos, ...srcTids].slice(0, 20).join(','),
    details: {
      jobId: job.id,
      stockoutNos: stockoutNos.length,
      srcTids: srcTids.length,
      dryRun,
      ...viaDetails(actor),
    },
  });
  return { jobId: job.id ?? '', stockoutNos, srcTids, dryRun };
}
