import type { Queue } from 'bullmq';
import type { DeadLetterData } from '../catalog.ts';
import { enqueue } from '../dispatch.ts';
import type { EventEmitter } from '../event-emitter.ts';
import { orderKeyOf, parseEvent } from '../events.ts';
import { contentHashOf, replayJobId } from '../ids.ts';
import type { PipelineQueues } from '../open-queues.ts';
import { DEAD_LETTER_ERROR_CODES, DeadLetterError } from './errors.ts';
import {
  deadLetterIdOf,
  type LoadedDeadLetter,
  type LockDeps,
  loadDeadLetter,
  withDeadLetterLock,
} from './store.ts';

/** Replays per order, counted in Redis, so every replay gets a job id never used before. */
const replaySequenceKey = (prefix: string): string => `${prefix}:admin:replay-seq`;

export interface DeadLetterDeps extends LockDeps {
  readonly queues: PipelineQueues;
  /** The event stream the ledger reads (replays, discards). */
  readonly events: EventEmitter;
  /** Called with each letter id removed (the admin's listing cache forgets it). */
  readonly onRemoved?: (id: string) => void;
  readonly onRemoveFailed?: (err: unknown, id: string, jobId: string) => void;
}

/**
 * `so-<id>-r<n>` with n from the per-order counter. BullMQ job ids are unique while retained, and
 * a job of that id may still be (an earlier replay, or a counter lost with a Redis restore);
 * BullMQ would silently ignore the add and the dead letter would be removed for nothing, so such
 * ids are skipped. The replay job's id is internal: its dead letter, if it fails, is the order's.
 */
async function nextReplayJobId(deps: LockDeps, orders: Queue, id: string): Promise<string> {
  const base = deadLetterIdOf(id);
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const n = await deps.redis.hincrby(replaySequenceKey(deps.prefix), base, 1);
    const jobId = replayJobId(base, n);
    if ((await orders.getJob(jobId)) === undefined) return jobId;
  }
  throw new DeadLetterError(DEAD_LETTER_ERROR_CODES.noReplayId, `no free replay job id for ${id}`, { id });
}

/** How many replays the order's counter has handed out. */
export async function replaysSoFar(deps: LockDeps, id: string): Promise<number> {
  return Number((await deps.redis.hget(replaySequenceKey(deps.prefix), deadLetterIdOf(id))) ?? 0);
}

export interface ReplayRequest {
  /** Any id of the order: its base id, or a replay's. */
  readonly id: string;
  readonly by: string;
  /** An edited WDT order replacing the stored one. */
  readonly order?: Record<string, unknown> | undefined;
  /** Runs under the lock before anything is written; throws to refuse the replay. */
  readonly check?: (order: Record<string, unknown>, loaded: LoadedDeadLetter) => void;
}

export interface Replayed {
  /** The letter's id (the order's base id, or a legacy replay id). */
  readonly id: string;
  readonly jobId: string;
  readonly edited: boolean;
  /** false: the new job is enqueued but removing the dead letter failed; the loader removes it once the replay succeeds. */
  readonly deadLetterRemoved: boolean;
  readonly letter: DeadLetterData | null;
  readonly order: Record<string, unknown>;
}

/**
 * Replays one dead letter as a fresh `order.load` job that carries the letter's history. The
 * letter is removed only after the add resolved: any failure before that leaves it where it was,
 * so no error path loses it. Shared by the admin API and the loaders' parked sweep.
 */
export async function replayDeadLetter(deps: DeadLetterDeps, request: ReplayRequest): Promise<Replayed> {
  return withDeadLetterLock(deps, request.id, async () => {
    const loaded = await loadDeadLetter(deps.queues, request.id);
    const { id, letter } = loaded;
    const order = request.order ?? letter?.order;
    if (order === undefined) {
      throw new DeadLetterError(
        DEAD_LETTER_ERROR_CODES.unreadable,
        'the dead letter is unreadable; replay it with an edited order',
        { problems: loaded.problems },
      );
    }
    request.check?.(order, loaded);
    const jobId = await nextReplayJobId(deps, deps.queues.orders, id);
    const edited = request.order !== undefined;
    const at = deps.now();
    await deps.events.emit([
      parseEvent('order.replayed', {
        orderKey: orderKeyOf(id),
        at,
        deadLetterId: id,
        jobId,
        by: request.by,
        edited,
      }),
    ]);
    await enqueue(
      deps.queues.orders,
      'orderLoad',
      {
        order,
        source: {
          runId: `replay-${id}`,
          kind: 'replay',
          pageNo: null,
          // When the data came from WDT; an edit is recorded in `replay` (by, at) and the audit trail.
          fetchedAt: letter?.source.fetchedAt ?? at,
        },
        replay: {
          of: id,
          by: request.by,
          at,
          edited,
          // The unedited original read again later is not a change after save (the ledger knows).
          ...(edited && letter !== null ? { editedFrom: contentHashOf(letter.order) } : {}),
          ...(letter === null
            ? {}
            : {
                prior: {
                  originalJobId: letter.originalJobId,
                  firstEnqueuedAt: letter.firstEnqueuedAt,
                  history: letter.history,
                  replays: letter.replays,
                },
              }),
        },
      },
      { jobId },
    );
    return { id, jobId, edited, deadLetterRemoved: await removeAfterReplay(deps, id, jobId), letter, order };
  });
}

async function removeAfterReplay(deps: DeadLetterDeps, id: string, jobId: string): Promise<boolean> {
  deps.onRemoved?.(id);
  try {
    // queue.remove answers 0 for a job already gone (the loader removes it once the replay
    // succeeded) instead of throwing like job.remove().
    await deps.queues.failed.remove(id);
    return true;
  } catch (err) {
    deps.onRemoveFailed?.(err, id, jobId);
    return false;
  }
}
