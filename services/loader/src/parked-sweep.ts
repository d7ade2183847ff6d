import {
  DEAD_LETTER_ERROR_CODES,
  DeadLetterError,
  deadLetterSchema,
  type EventEmitter,
  type PipelineQueues,
  replayDeadLetter,
} from '@wdt-k3/jobs';
import type { Logger, RedisConnection } from '@wdt-k3/runtime';
import { LOADER_ERROR_CODES } from './errors.ts';
import type { Lookups } from './lookups.ts';

/** Dead letters looked at per sweep; the oldest wait for the next one. */
const MAX_PER_SWEEP = 1_000;
const REPLAYED_BY = 'parked-sweep';

export interface ParkedSweepDeps {
  readonly queues: PipelineQueues;
  readonly redis: RedisConnection;
  readonly prefix: string;
  readonly lookups: Lookups;
  readonly events: EventEmitter;
  readonly logger: Logger;
  readonly now: () => number;
  /** Dead letters older than this stay where they are (a person decides). */
  readonly horizonMs: number;
  /** One sweep across the fleet: the lock lives this long at most. */
  readonly lockMs: number;
}

/**
 * Orders dead-lettered because their sales order was not in K3 (K3_SOURCE_ORDER_NOT_FOUND) are
 * parked, not forgotten: the sales order is usually synced by another flow, later. Every interval
 * one loader of the fleet (a Redis lock) looks their sales orders up in K3 — batched, through the
 * same cached lookup the loader uses — and replays those whose sales order has appeared, within
 * the horizon. A replay is the admin API's (packages/jobs `replayDeadLetter`, under the same
 * per-order lock): a fresh job id, the history carried, the dead letter removed after the job is
 * queued, an `order.replayed` event by `parked-sweep`.
 */
export async function sweepParked(deps: ParkedSweepDeps): Promise<{ looked: number; replayed: number }> {
  const lock = `${deps.prefix}:loader:parked-sweep`;
  if ((await deps.redis.set(lock, String(deps.now()), 'PX', deps.lockMs, 'NX')) !== 'OK')
    return { looked: 0, replayed: 0 };
  try {
    const parked = await parkedLetters(deps);
    const found = await Promise.all(
      parked.map(async (entry) =>
        (await deps.lookups.salesOrder(entry.salesOrderNo)) === null ? null : entry,
      ),
    );
    let replayed = 0;
    for (const entry of found) {
      if (entry === null) continue;
      if (await replay(deps, entry.id)) replayed += 1;
    }
    if (replayed > 0)
      deps.logger.info(
        { looked: parked.length, replayed },
        'parked orders replayed: their sales orders are in K3 now',
      );
    return { looked: parked.length, replayed };
  } finally {
    await deps.redis.del(lock).catch(() => undefined);
  }
}

async function parkedLetters(deps: ParkedSweepDeps) {
  const jobs = await deps.queues.failed.getJobs(['wait'], 0, MAX_PER_SWEEP - 1, true);
  const since = deps.now() - deps.horizonMs;
  return jobs.flatMap((job) => {
    const parsed = deadLetterSchema.safeParse(job.data);
    if (!parsed.success || job.id === undefined) return [];
    const letter = parsed.data;
    const salesOrderNo = letter.order.src_trade_no;
    if (letter.error.code !== LOADER_ERROR_CODES.sourceOrderNotFound || letter.failedAt < since) return [];
    if (typeof salesOrderNo !== 'string' || salesOrderNo === '') return [];
    return [{ id: job.id, letter, salesOrderNo }];
  });
}

async function replay(deps: ParkedSweepDeps, id: string): Promise<boolean> {
  try {
    await replayDeadLetter(
      {
        ...deps,
        onRemoveFailed: (err, deadLetterId, jobId) =>
          deps.logger.warn({ err, deadLetterId, jobId }, 'dead letter kept after its replay was enqueued'),
      },
      { id, by: REPLAYED_BY },
    );
    return true;
  } catch (err) {
    // A person is replaying or discarding it right now, or it is gone: theirs is the decision.
    // No free replay id: the next sweep tries again, the others of this one still go.
    if (!(err instanceof DeadLetterError) || err.code === DEAD_LETTER_ERROR_CODES.unreadable) throw err;
    if (err.code === DEAD_LETTER_ERROR_CODES.noReplayId)
      deps.logger.warn({ deadLetterId: id }, 'no free replay job id; the next sweep tries again');
    return false;
  }
}
