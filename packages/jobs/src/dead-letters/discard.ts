import { enqueue } from '../dispatch.ts';
import { discardMarkerKey, orderKeyOf, parseEvent } from '../events.ts';
import { DEAD_LETTER_ERROR_CODES, DeadLetterError } from './errors.ts';
import type { DeadLetterDeps } from './replay.ts';
import { loadDeadLetter, withDeadLetterLock } from './store.ts';

export interface DiscardOutcome {
  readonly id: string;
  readonly code: string | null;
  readonly orderNo: string | null;
}

/** A number as the order carries it, or null. */
export function idText(value: unknown): string | null {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

/**
 * Removes a dead letter for good and marks the order discarded, so no re-read, backfill or sync
 * brings it back until someone undiscards it. The marker and the event go first: a failure after
 * them leaves a discarded order whose dead letter is still listed, never a dead letter that is
 * gone while the order comes back.
 */
export async function discardDeadLetter(
  deps: DeadLetterDeps,
  id: string,
  who: { readonly by: string; readonly reason: string },
): Promise<DiscardOutcome> {
  return withDeadLetterLock(deps, id, async () => {
    const { id: letterId, letter } = await loadDeadLetter(deps.queues, id);
    const orderKey = orderKeyOf(letterId);
    const orderNo = idText(letter?.order.order_no);
    await deps.redis.set(discardMarkerKey(deps.prefix, orderKey), orderNo ?? '1');
    await deps.events.emit([
      parseEvent('order.discarded', {
        orderKey,
        at: deps.now(),
        deadLetterId: letterId,
        by: who.by,
        reason: who.reason,
      }),
    ]);
    const removed = await deps.queues.failed.remove(letterId);
    deps.onRemoved?.(letterId);
    if (removed === 0)
      throw new DeadLetterError(DEAD_LETTER_ERROR_CODES.notFound, `no dead letter ${id}`, { id });
    return { id: letterId, code: letter?.error.code ?? null, orderNo };
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
  deps: DeadLetterDeps,
  orderKey: string,
  by: string,
): Promise<UndiscardOutcome> {
  const key = discardMarkerKey(deps.prefix, orderKey);
  const marker = await deps.redis.get(key);
  if (marker === null)
    throw new DeadLetterError(DEAD_LETTER_ERROR_CODES.notFound, `order ${orderKey} is not discarded`, {
      orderKey,
    });
  await deps.events.emit([parseEvent('order.undiscarded', { orderKey, at: deps.now(), by })]);
  await deps.redis.del(key);
  const stockoutNo = /^[A-Za-z0-9_-]{1,64}$/.test(marker) && marker !== '1' ? marker : null;
  if (stockoutNo === null) return { orderKey, resynced: null, jobId: null };
  const job = await enqueue(deps.queues.sync, 'syncOrders', { stockoutNos: [stockoutNo], requestedBy: by });
  return { orderKey, resynced: stockoutNo, jobId: job.id ?? null };
}
