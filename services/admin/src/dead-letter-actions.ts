import type { BulkReplayResult, DeadLetterDetail, ReplayOutcome } from '@wdt-k3/admin-contract';
import { parseWdtStockoutOrder } from '@wdt-k3/mapping';
import { type Actor, viaDetails } from './actor.ts';
import { bulkReplay } from './bulk-replay.ts';
import type { AppContext } from './context.ts';
import type { DeadLetterFilter } from './dead-letter-query.ts';
import {
  discardDeadLetter,
  loadDeadLetter,
  replayBaseId,
  replayDeadLetter,
  replaySequenceKey,
} from './dead-letters.ts';
import { AdminError } from './errors.ts';

/**
 * The dead-letter actions as the API routes and the console both call them: the domain step
 * (dead-letters.ts, bulk-replay.ts) and its audit entry, written after the step happened.
 */

export async function readDeadLetterDetail(ctx: AppContext, id: string): Promise<DeadLetterDetail> {
  const { job, letter, problems } = await loadDeadLetter(ctx, id);
  const replays = await ctx.redis.hget(replaySequenceKey(ctx.prefix), replayBaseId(id));
  const check = letter === null ? null : parseWdtStockoutOrder(letter.order);
  return {
    id,
    readable: letter !== null,
    createdAt: job.timestamp,
    replaysSoFar: Number(replays ?? 0),
    deadLetter: letter,
    ...(letter === null ? { raw: job.data as unknown, problems } : {}),
    // Whether a replay without edits would be accepted (the wire schema; K3 lookups come later).
    orderCheck:
      check === null ? null : check.ok ? { ok: true, issues: [] } : { ok: false, issues: check.issues },
  };
}

export async function replayOne(
  ctx: AppContext,
  actor: Actor,
  request: {
    readonly id: string;
    readonly order?: Record<string, unknown> | undefined;
    readonly force?: boolean;
  },
): Promise<ReplayOutcome> {
  let done: Awaited<ReturnType<typeof replayDeadLetter>>;
  try {
    done = await replayDeadLetter(ctx, { ...request, by: actor.by });
  } catch (err) {
    // A refused replay is a decision someone will ask about: who tried, what was refused, why.
    if (err instanceof AdminError && err.statusCode < 500)
      await ctx.audit.write({
        who: actor.by,
        action: 'dead-letter.replay-refused',
        target: request.id,
        details: {
          code: err.code,
          message: err.message,
          edited: request.order !== undefined,
          force: request.force ?? false,
          ...viaDetails(actor),
        },
      });
    throw err;
  }
  const { outcome, changes } = done;
  await ctx.audit.write({
    who: actor.by,
    action: 'dead-letter.replay',
    target: outcome.id,
    details: {
      jobId: outcome.jobId,
      edited: outcome.edited,
      force: request.force ?? false,
      ...(changes === null ? {} : { changes: changes.changes, moreChanges: changes.more }),
      ...viaDetails(actor),
    },
  });
  return outcome;
}

export async function replayMatching(
  ctx: AppContext,
  actor: Actor,
  request: {
    readonly filter: DeadLetterFilter;
    readonly limit: number;
    readonly force: boolean;
    readonly dryRun: boolean;
  },
): Promise<BulkReplayResult> {
  return bulkReplay(ctx, { ...request, by: actor.by, ...viaDetails(actor) });
}

export async function discardOne(
  ctx: AppContext,
  actor: Actor,
  id: string,
  reason: string,
): Promise<{ discarded: string }> {
  const outcome = await discardDeadLetter(ctx, id, { by: actor.by, reason });
  await ctx.audit.write({
    who: actor.by,
    action: 'dead-letter.discard',
    target: outcome.id,
    details: { reason, code: outcome.code, orderNo: outcome.orderNo, ...viaDetails(actor) },
  });
  return { discarded: outcome.id };
}
