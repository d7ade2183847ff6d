import type { BulkReplayResult, DeadLetterDetail, ReplayOutcome } from '@wdt-k3/admin-contract';
import { replaysSoFar } from '@wdt-k3/jobs';
import { parseWdtStockoutOrder } from '@wdt-k3/mapping';
import { type Actor, viaDetails } from './actor.ts';
import { bulkReplay } from './bulk-replay.ts';
import type { AppContext } from './context.ts';
import { discardChecked, readDeadLetter, replayChecked } from './dead-letter-deps.ts';
import type { DeadLetterFilter } from './dead-letter-query.ts';
import { AdminError } from './errors.ts';

/**
 * The dead-letter actions as the API routes and the console both call them: the domain step
 * (packages/jobs, through dead-letter-deps.ts and bulk-replay.ts) and its audit entry, written
 * after the step happened.
 */

/** Any id of the order (`so-X`, a replay's `so-X-r1`) answers the order's one letter. */
export async function readDeadLetterDetail(ctx: AppContext, id: string): Promise<DeadLetterDetail> {
  const { id: letterId, job, letter, problems } = await readDeadLetter(ctx, id);
  const check = letter === null ? null : parseWdtStockoutOrder(letter.order);
  return {
    id: letterId,
    ...(letterId === id ? {} : { requestedId: id }),
    readable: letter !== null,
    createdAt: job.timestamp,
    replaysSoFar: await replaysSoFar(ctx, letterId),
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
  let done: Awaited<ReturnType<typeof replayChecked>>;
  try {
    done = await replayChecked(ctx, { ...request, by: actor.by });
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
  const outcome = await discardChecked(ctx, id, { by: actor.by, reason });
  await ctx.audit.write({
    who: actor.by,
    action: 'dead-letter.discard',
    target: outcome.id,
    details: { reason, code: outcome.code, orderNo: outcome.orderNo, ...viaDetails(actor) },
  });
  return { discarded: outcome.id };
}
