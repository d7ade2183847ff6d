import type { BulkReplayResult as ContractResult } from '@wdt-k3/admin-contract';
import type { AuditRecord } from './audit.ts';
import type { DeadLetterContext } from './context.ts';
import { type ReplayOutcome, replayChecked } from './dead-letter-deps.ts';
import { type DeadLetterFilter, selectDeadLetters } from './dead-letter-query.ts';
import { type AdminErrorCode, toAdminError } from './errors.ts';

/**
 * Replays in flight at once. Each replay is ~5 Redis round trips; 16 keeps a 500-letter bulk
 * replay to a few seconds without crowding the loaders' own Redis traffic.
 */
const CONCURRENCY = 16;

export interface BulkReplayRequest {
  readonly filter: DeadLetterFilter;
  readonly limit: number;
  readonly force: boolean;
  readonly dryRun: boolean;
  readonly by: string;
  /** Set when the console asked: recorded in the audit entries. */
  readonly via?: 'console';
}

/**
 * The answer (`@wdt-k3/admin-contract`): `matched` before the limit; `selected` the ids a dry run
 * would try; `skipped` refused by validation (422), gone meanwhile (404) or busy (409), left as
 * they are; `notAttempted` not tried because Redis became unavailable during the run.
 */
export interface BulkReplayResult extends ContractResult {
  readonly replayed: ReplayOutcome[];
  readonly skipped: Array<{ id: string; code: AdminErrorCode; issues?: unknown }>;
  readonly failed: Array<{ id: string; code: AdminErrorCode; message: string }>;
}

export async function bulkReplay(
  ctx: DeadLetterContext,
  request: BulkReplayRequest,
): Promise<BulkReplayResult> {
  const matching = selectDeadLetters(await ctx.index.scan(), request.filter);
  const ids = matching.slice(0, request.limit).map((summary) => summary.id);
  const result: BulkReplayResult = {
    matched: matching.length,
    dryRun: request.dryRun,
    selected: request.dryRun ? ids : [],
    replayed: [],
    skipped: [],
    failed: [],
    notAttempted: [],
  };
  if (request.dryRun) return result;
  const queue = [...ids];
  let redisDown = false;
  const work = async (): Promise<void> => {
    for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
      if (redisDown) {
        result.notAttempted.push(id);
        continue;
      }
      try {
        result.replayed.push(
          (await replayChecked(ctx, { id, by: request.by, force: request.force })).outcome,
        );
      } catch (err) {
        const error = toAdminError(err, ctx.redis.status === 'ready');
        if (error.code === 'ADMIN_REDIS_UNAVAILABLE') redisDown = true;
        if (error.code === 'ADMIN_REDIS_UNAVAILABLE') result.notAttempted.push(id);
        else if (error.statusCode === 422 || error.statusCode === 404 || error.statusCode === 409)
          result.skipped.push({ id, code: error.code, issues: error.details });
        else result.failed.push({ id, code: error.code, message: error.message });
        if (error.code === 'ADMIN_INTERNAL')
          ctx.logger.error({ err, deadLetterId: id }, 'bulk replay item failed');
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, ids.length) }, work));
  await ctx.audit.writeMany(auditRecords(request, result));
  return result;
}

function auditRecords(request: BulkReplayRequest, result: BulkReplayResult): AuditRecord[] {
  const via = request.via === undefined ? {} : { via: request.via };
  const each: AuditRecord[] = result.replayed.map((outcome) => ({
    who: request.by,
    action: 'dead-letter.replay',
    target: outcome.id,
    details: { jobId: outcome.jobId, bulk: true, force: request.force, ...via },
  }));
  const summary: AuditRecord = {
    who: request.by,
    action: 'dead-letter.bulk-replay',
    target: 'orders-failed',
    details: {
      filter: request.filter,
      limit: request.limit,
      force: request.force,
      matched: result.matched,
      replayed: result.replayed.length,
      skipped: result.skipped.length,
      failed: result.failed.length,
      notAttempted: result.notAttempted.length,
      ...via,
    },
  };
  return [...each, summary];
}
