import {
  type DeadLetterData,
  deadLetterSchema,
  enqueue,
  type PipelineQueues,
  replayJobId,
} from '@wdt-k3/jobs';
import { parseWdtStockoutOrder } from '@wdt-k3/mapping';
import type { Logger, RedisConnection } from '@wdt-k3/runtime';
import { describeIssues } from '@wdt-k3/runtime';
import type { Job } from 'bullmq';
import type { AuditLog } from './audit.ts';
import type { DeadLetterIndex } from './dead-letter-index.ts';
import { AdminError } from './errors.ts';

export interface DeadLetterContext {
  readonly queues: PipelineQueues;
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
export function replaySequenceKey(prefix: string): string {
  return `${prefix}:admin:replay-seq`;
}

/** The id replays of this dead letter count from: a replay's dead letter shares its original's. */
export function replayBaseId(id: string): string {
  return id.replace(/-r\d+$/, '');
}

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

/**
 * Replays one dead letter as a fresh `order.load` job. The dead letter is removed only after the
 * add resolved: any failure before that leaves it where it was, so no error path loses it.
 */
export async function replayDeadLetter(
  ctx: DeadLetterContext,
  request: ReplayRequest,
): Promise<ReplayOutcome> {
  return withDeadLetterLock(ctx, request.id, () => replayLocked(ctx, request));
}

async function replayLocked(ctx: DeadLetterContext, request: ReplayRequest): Promise<ReplayOutcome> {
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
  const jobId = await nextReplayJobId(ctx, request.id);
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
      replay: { of: request.id, by: request.by, at: ctx.now() },
    },
    { jobId },
  );
  const deadLetterRemoved = await removeAfterReplay(ctx, job, jobId);
  return { id: request.id, jobId, edited: request.order !== undefined, deadLetterRemoved };
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

/**
 * `so-<id>-r<n>` with n from a Redis counter per original order. A job of that id may still be
 * retained (an earlier replay, or a counter lost with a Redis restore); BullMQ would then
 * silently ignore the add and the dead letter would be removed for nothing, so such ids are skipped.
 */
async function nextReplayJobId(ctx: DeadLetterContext, id: string): Promise<string> {
  const base = replayBaseId(id);
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const n = await ctx.redis.hincrby(replaySequenceKey(ctx.prefix), base, 1);
    const jobId = replayJobId(base, n);
    if ((await ctx.queues.orders.getJob(jobId)) === undefined) return jobId;
  }
  throw new AdminError('ADMIN_INTERNAL', `no free replay job id for ${id}`);
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

/** Removes a dead letter for good; the audit entry keeps what identifies the order. */
export async function discardDeadLetter(ctx: DeadLetterContext, id: string): Promise<DiscardOutcome> {
  return withDeadLetterLock(ctx, id, async () => {
    const { letter } = await loadDeadLetter(ctx, id);
    const removed = await ctx.queues.failed.remove(id);
    ctx.index.forget(id);
    if (removed === 0) throw new AdminError('ADMIN_NOT_FOUND', `no dead letter ${id}`, { id });
    return { id, code: letter?.error.code ?? null, orderNo: idText(letter?.order.order_no) };
  });
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
