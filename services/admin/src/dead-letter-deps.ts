import {
  type DeadLetterDeps,
  type DiscardOutcome,
  discardDeadLetter,
  type LoadedDeadLetter,
  loadDeadLetter,
  type Replayed,
  replayDeadLetter,
  type UndiscardOutcome,
  undiscardOrder,
} from '@wdt-k3/jobs';
import type { DeadLetterContext } from './context.ts';
import { fromDeadLetterError } from './errors.ts';
import { orderChanges } from './order-diff.ts';
import { checkReplayOrder } from './replay-checks.ts';

/**
 * The admin's side of the dead-letter actions packages/jobs owns: its context as their deps
 * (the listing cache forgets what they remove, their warnings go to its log) and their refusals
 * as the API's answers (AdminError), so routes, bulk replay and the console answer alike.
 */
function deadLetterDeps(ctx: DeadLetterContext): DeadLetterDeps {
  return {
    queues: ctx.queues,
    events: ctx.events,
    redis: ctx.redis,
    prefix: ctx.prefix,
    now: ctx.now,
    onRemoved: (id) => ctx.index.forget(id),
    onRemoveFailed: (err, deadLetterId, jobId) =>
      ctx.logger.warn({ err, deadLetterId, jobId }, 'dead letter kept after its replay was enqueued'),
    onReleaseFailed: (err, deadLetterId) => ctx.logger.warn({ err, deadLetterId }, 'lock release failed'),
  };
}

async function answering<T>(step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (err) {
    throw fromDeadLetterError(err);
  }
}

export const readDeadLetter = (ctx: DeadLetterContext, id: string): Promise<LoadedDeadLetter> =>
  answering(() => loadDeadLetter(ctx.queues, id));

export interface ReplayOutcome {
  /** The letter's id: the order's base id, whichever of its ids was asked for. */
  readonly id: string;
  readonly jobId: string;
  readonly edited: boolean;
  readonly deadLetterRemoved: boolean;
}

/** A replay's outcome and, for an edited one, what the edit changed (for the audit trail only). */
export interface ReplayDone {
  readonly outcome: ReplayOutcome;
  readonly changes: ReturnType<typeof orderChanges> | null;
}

export interface AdminReplayRequest {
  readonly id: string;
  readonly by: string;
  /** An edited WDT order replacing the stored one. */
  readonly order?: Record<string, unknown> | undefined;
  /** Replay a stored order that fails the wire schema anyway (it will fail again, unless the loader changed). */
  readonly force?: boolean | undefined;
}

/** One replay, after the admin's checks of the order (replay-checks.ts) passed under the lock. */
export async function replayChecked(
  ctx: DeadLetterContext,
  request: AdminReplayRequest,
): Promise<ReplayDone> {
  const edited = request.order !== undefined;
  const done: Replayed = await answering(() =>
    replayDeadLetter(deadLetterDeps(ctx), {
      id: request.id,
      by: request.by,
      order: request.order,
      check: (order, loaded) => checkReplayOrder(order, { edited, force: request.force }, loaded.letter),
    }),
  );
  return {
    outcome: {
      id: done.id,
      jobId: done.jobId,
      edited: done.edited,
      deadLetterRemoved: done.deadLetterRemoved,
    },
    changes: edited ? orderChanges(done.letter?.order ?? null, done.order) : null,
  };
}

export const discardChecked = (
  ctx: DeadLetterContext,
  id: string,
  who: { readonly by: string; readonly reason: string },
): Promise<DiscardOutcome> => answering(() => discardDeadLetter(deadLetterDeps(ctx), id, who));

export const undiscardChecked = (
  ctx: DeadLetterContext,
  orderKey: string,
  by: string,
): Promise<UndiscardOutcome> => answering(() => undiscardOrder(deadLetterDeps(ctx), orderKey, by));
