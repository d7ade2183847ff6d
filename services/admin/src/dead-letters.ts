import {
  contentHashOf,
  type DeadLetterData,
  deadLetterSchema,
  discardMarkerKey,
  type EventEmitter,
  enqueue,
  nextReplayJobId,
  orderKeyOf,
  type PipelineQueues,
  parseEvent,
} from '@wdt-k3/jobs';
import { parseWdtStockoutOrder } from '@wdt-k3/mapping';
import type { Logger, RedisConnection } from '@wdt-k3/runtime';
import { describeIssues } from '@wdt-k3/runtime';
import type { Job } from 'bullmq';
import type { AuditLog } from './audit.ts';
import type { DeadLetterIndex } from './dead-letter-index.ts';
import { AdminError } from './errors.ts';
import { orderChanges } from './order-diff.ts';

export interface DeadLetterContext {
  readonly queues: PipelineQueues;
  /** The event stream the ledger reads (replays, discards). */
  readonly events: EventEmitter;
  readonly redis: RedisConnection;
  readonly prefix: string;
  readonly now: () => number;
  readonly index: DeadLetterIndex;
  readonly audit: AuditLog;
  readonly logger: Logger;
}

export interface LoadedDeadLetter {
  readonly job: Job;
  /** null when the job data fails the catalog schema; `problems` says why. */
  readonly letter: DeadLetterData | null;
  readonly problems: string[];
}

/** Replay numbers per original order, one hash field each: `HINCRBY` makes every replay id new. */
export { replayBaseId, replaySequenceKey } from '@wdt-k3/jobs';

export async function loadDeadLetter(ctx: DeadLetterContext, id: string): Promise<LoadedDeadLetter> {
  const job = await ctx.queues.failed.getJob(id);
  if (job === undefined) throw new AdminError('ADMIN_NOT_FOUND', `no dead letter ${id}`, { id });
  const parsed = deadLetterSchema.safeParse(job.data);
  return parsed.success
    ? { job, letter: parsed.data, problems: [] }
    : { job, letter: null, problems: describeIssues(parsed.error) };
}

export interface ReplayRequest {
  readonly id: string;
  readonly by: string;
  /** An edited WDT order replacing the stored one. */
  readonly order?: Record<string, unknown> | undefined;
  /** Replay a stored order that fails the wire schema anyway (it will fail again, unless the loader changed). */
  readonly force?: boolean | undefined;
}

export interface ReplayOutcome {
  readonly id: string;
  readonly jobId: string;
  readonly edited: boolean;
  /** false: the new job is enqueued but removing the dead letter failed; the loader removes it once the replay succeeds. */
  readonly deadLetterRemoved: boolean;
}

/** A replay's outcome and, for an edited one, what the edit changed (for the audit trail only). */
export interface ReplayDone {
  readonly outcome: ReplayOutcome;
  readonly changes: ReturnType<typeof orderChanges> | null;
}

/**
 * Replays one dead letter as a fresh `order.load` job. The dead letter is removed only after the
 * add resolved: any failure before that leaves it where it was, so no error path loses it.
 */
export async function replayDeadLetter(ctx: DeadLetterContext, request: ReplayRequest): Promise<ReplayDone> {
  return withDeadLetterLock(ctx, request.id, () => replayLocked(ctx, request));
}

async function replayLocked(ctx: DeadLetterContext, request: ReplayRequest): Promise<ReplayDone> {
  const { job, letter, problems } = await loadDeadLetter(ctx, request.id);
  const order = request.order ?? letter?.order;
  if (order === undefined) {
    throw new AdminError(
      'ADMIN_VALIDATION_FAILED',
      'the dead letter is unreadable; replay it with an edited order',
      {
        problems,
      },
    );
  }
  checkOrder(order, request, letter);
  const jobId = await nextReplayJobIdOf(ctx, request.id);
  const edited = request.order !== undefined;
  await ctx.events.emit([
    parseEvent('order.replayed', {
      orderKey: orderKeyOf(request.id),
      at: ctx.now(),
      deadLetterId: request.id,
      jobId,
      by: request.by,
      edited,
    }),
  ]);
  await enqueue(
    ctx.queues.orders,
    'orderLoad',
    {
      order,
      source: {
        runId: `replay-${request.id}`,
        kind: 'replay',
        pageNo: null,
        // When the data came from WDT; an edit is recorded in `replay` (by, at) and the audit trail.
        fetchedAt: letter?.source.fetchedAt ?? ctx.now(),
      },
      replay: {
        of: request.id,
        by: request.by,
        at: ctx.now(),
        // The unedited original read again later is not a change after save (the ledger knows).
        ...(edited && letter !== null ? { editedFrom: contentHashOf(letter.order) } : {}),
      },
    },
    { jobId },
  );
  const deadLetterRemoved = await removeAfterReplay(ctx, job, jobId);
  return {
    outcome: { id: request.id, jobId, edited, deadLetterRemoved },
    changes: edited ? orderChanges(letter?.order ?? null, order) : null,
  };
}

function checkOrder(
  order: Record<string, unknown>,
  request: ReplayRequest,
  letter: DeadLetterData | null,
): void {
  const edited = request.order !== undefined;
  const parsed = parseWdtStockoutOrder(order);
  if (!parsed.ok && (edited || request.force !== true)) {
    throw new AdminError(
      'ADMIN_VALIDATION_FAILED',
      edited
        ? 'the edited order fails validation; nothing was replayed'
        : 'the stored order fails validation and would fail again; edit it, or replay with force',
      { issues: parsed.issues },
    );
  }
  if (edited && letter !== null) {
    const changed = changedIdentity(letter.order, order);
    if (changed.length > 0) {
      throw new AdminError(
        'ADMIN_IDENTITY_CHANGED',
        `the edit changes ${changed.join(' and ')}; K3 would get a second bill for the same stock-out`,
        { fields: changed },
      );
    }
  }
}

const IDENTITY_FIELDS = ['stockout_id', 'order_no'] as const;

function idText(value: unknown): string | null {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

/** Identity fields the original had and the edit changes (filling in a missing one is the fix). */
export function changedIdentity(
  original: Readonly<Record<string, unknown>>,
  edited: Readonly<Record<string, unknown>>,
): string[] {
  return IDENTITY_FIELDS.filter((field) => {
    const before = idText(original[field]);
    return before !== null && idText(edited[field]) !== before;
  });
}

async function nextReplayJobIdOf(ctx: DeadLetterContext, id: string): Promise<string> {
  const jobId = await nextReplayJobId(ctx.redis, ctx.prefix, ctx.queues.orders, id);
  if (jobId === undefined) throw new AdminError('ADMIN_INTERNAL', `no free replay job id for ${id}`);
  return jobId;
}

async function removeAfterReplay(ctx: DeadLetterContext, job: Job, jobId: string): Promise<boolean> {
  ctx.index.forget(job.id ?? '');
  try {
    // queue.remove answers 0 for a job already gone (the loader removes it once the replay
    // succeeded) instead of throwing like job.remove().
    await ctx.queues.failed.remove(job.id ?? '');
    return true;
  } catch (err) {
    ctx.logger.warn({ err, deadLetterId: job.id, jobId }, 'dead letter kept after its replay was enqueued');
    return false;
  }
}

export interface DiscardOutcome {
  readonly id: string;
  readonly code: string | null;
  readonly orderNo: string | null;
}

/**
 * Removes a dead letter for good and marks the order discarded, so no re-read, backfill or sync
 * brings it back until someone undiscards it; the audit entry keeps what identifies the order.
 * The marker and the event go first: a failure after them leaves a discarded order whose dead
 * letter is still listed, never a dead letter that is gone while the order comes back.
 */
export async function discardDeadLetter(
  ctx: DeadLetterContext,
  id: string,
  who: { readonly by: string; readonly reason: string },
): Promise<DiscardOutcome> {
  return withDeadLetterLock(ctx, id, async () => {
    const { job, letter } = await loadDeadLetter(ctx, id);
    const orderKey = orderKeyOf(id);
    const orderNo = idText(letter?.order.order_no);
    await ctx.redis.set(discardMarkerKey(ctx.prefix, orderKey), orderNo ?? '1');
    await ctx.events.emit([
      parseEvent('order.discarded', {
        orderKey,
        at: ctx.now(),
        deadLetterId: id,
        by: who.by,
        reason: who.reason,
      }),
    ]);
    const removed = await ctx.queues.failed.remove(job.id ?? id);
    ctx.index.forget(id);
    if (removed === 0) throw new AdminError('ADMIN_NOT_FOUND', `no dead letter ${id}`, { id });
    return { id, code: letter?.error.code ?? null, orderNo };
  });
}

export interface UndiscardOutcome {
  readonly orderKey: string;
  /** The stock-out number synced again, when the marker knew it. */
  readonly resynced: string | null;
  readonly jobId: string | null;
}

/** Lifts a discard: the marker goes, and the order is looked up in WDT again by its number. */
export async function undiscardOrder(
  ctx: DeadLetterContext,
  orderKey: string,
  by: string,
): Promise<UndiscardOutcome> {
  const key = discardMarkerKey(ctx.prefix, orderKey);
  const marker = await ctx.redis.get(key);
  if (marker === null)
    throw new AdminError('ADMIN_NOT_FOUND', `order ${orderKey} is not discarded`, { orderKey });
  await ctx.events.emit([parseEvent('order.undiscarded', { orderKey, at: ctx.now(), by })]);
  await ctx.redis.del(key);
  const stockoutNo = /^[A-Za-z0-9_-]{1,64}$/.test(marker) && marker !== '1' ? marker : null;
  if (stockoutNo === null) return { orderKey, resynced: null, jobId: null };
  const job = await enqueue(ctx.queues.sync, 'syncOrders', { stockoutNos: [stockoutNo], requestedBy: by });
  return { orderKey, resynced: stockoutNo, jobId: job.id ?? null };
}

/** Longer than any replay takes (a handful of round trips); it only bounds a lock left by a crash. */
const LOCK_TTL_MS = 60_000;

export function deadLetterLockKey(prefix: string, id: string): string {
  return `${prefix}:admin:lock:${id}`;
}

/**
 * One replay or discard per dead letter at a time (across admin replicas). Two concurrent
 * replays would put two order.load jobs for one order in flight, and two loaders could then
 * both find no bill in K3 and both save one.
 */
async function withDeadLetterLock<T>(
  ctx: DeadLetterContext,
  id: string,
  action: () => Promise<T>,
): Promise<T> {
  const key = deadLetterLockKey(ctx.prefix, id);
  if ((await ctx.redis.set(key, String(ctx.now()), 'PX', LOCK_TTL_MS, 'NX')) !== 'OK') {
    throw new AdminError('ADMIN_CONFLICT', `dead letter ${id} is being replayed or discarded right now`, {
      id,
    });
  }
  try {
    return await action();
  } finally {
    // A failed release only delays the next action on this letter until the TTL passes.
    await ctx.redis
      .del(key)
      .catch((err: unknown) => ctx.logger.warn({ err, deadLetterId: id }, 'lock release failed'));
  }
}
