import type { OrderEvent } from '@wdt-k3/jobs';
import { diffBills, type FieldChange } from './diff.ts';
import type { OrderState } from './order-states.ts';

export { ORDER_STATES, type OrderState } from './order-states.ts';

/**
 * One order's row of the ledger, and how each event changes it. Pure: the projection reads the
 * rows of a batch, folds the batch's events over them in stream order, and writes them back.
 */

export interface BlockingNumber {
  readonly kind: string;
  readonly number: string;
}

export interface OrderRow {
  readonly orderKey: string;
  readonly stockoutId: string | null;
  readonly orderNo: string | null;
  readonly stockoutNo: string | null;
  readonly srcTradeNo: string | null;
  readonly logisticsNo: string | null;
  readonly shopNo: string | null;
  readonly warehouseNo: string | null;
  /** Epoch ms. */
  readonly consignTime: number | null;
  readonly wdtStatus: number | null;
  readonly state: OrderState;
  readonly billNo: string | null;
  readonly k3Fid: string | null;
  readonly lastCode: string | null;
  readonly lastMessage: string | null;
  readonly attempts: number;
  readonly contentHash: string | null;
  readonly billHash: string | null;
  readonly savedBill: Record<string, unknown> | null;
  readonly changedBill: Record<string, unknown> | null;
  readonly changedFields: readonly FieldChange[] | null;
  readonly editedFrom: string | null;
  readonly blocking: readonly BlockingNumber[];
  readonly discardedBy: string | null;
  readonly discardReason: string | null;
  readonly firstSeenAt: number;
  readonly savedAt: number | null;
  readonly deadAt: number | null;
  readonly updatedAt: number;
  /** The stream id of the last event applied (`compareEventIds` order). */
  readonly lastEventId: string;
}

/** Redis stream ids `<ms>-<seq>` in stream order. */
export function compareEventIds(a: string, b: string): number {
  const [am, as] = a.split('-').map(Number) as [number, number];
  const [bm, bs] = b.split('-').map(Number) as [number, number];
  return am !== bm ? am - bm : as - bs;
}

function emptyRow(orderKey: string, at: number, eventId: string): OrderRow {
  return {
    orderKey,
    stockoutId: null,
    orderNo: null,
    stockoutNo: null,
    srcTradeNo: null,
    logisticsNo: null,
    shopNo: null,
    warehouseNo: null,
    consignTime: null,
    wdtStatus: null,
    state: 'pending',
    billNo: null,
    k3Fid: null,
    lastCode: null,
    lastMessage: null,
    attempts: 0,
    contentHash: null,
    billHash: null,
    savedBill: null,
    changedBill: null,
    changedFields: null,
    editedFrom: null,
    blocking: [],
    discardedBy: null,
    discardReason: null,
    firstSeenAt: at,
    savedAt: null,
    deadAt: null,
    updatedAt: at,
    lastEventId: eventId,
  };
}

/** `yyyy-MM-dd HH:mm:ss` Beijing → epoch ms, or null. */
function beijingMs(text: string | null): number | null {
  const match = text === null ? null : /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(text);
  if (match === null) return null;
  const [, y, mo, d, h, mi, s] = match.map(Number) as number[];
  return Date.UTC(y as number, (mo as number) - 1, d, (h as number) - 8, mi, s);
}

/** Identity fields an event knows: filled in whatever the event's age, never blanked. */
function withIdentity(row: OrderRow, event: OrderEvent): OrderRow {
  if (event.type !== 'order.extracted') return row;
  const d = event.data;
  return {
    ...row,
    stockoutId: d.stockoutId ?? row.stockoutId,
    orderNo: d.orderNo ?? row.orderNo,
    stockoutNo: d.stockoutNo ?? row.stockoutNo,
    srcTradeNo: d.srcTradeNo ?? row.srcTradeNo,
    logisticsNo: d.logisticsNo ?? row.logisticsNo,
    shopNo: d.shopNo ?? row.shopNo,
    warehouseNo: d.warehouseNo ?? row.warehouseNo,
    consignTime: beijingMs(d.consignTime) ?? row.consignTime,
    firstSeenAt: Math.min(row.firstSeenAt, d.at),
  };
}

/**
 * Applies one event. An event older than the last one applied (redelivered, or overtaken by a
 * later one of another consumer) still fills in identity fields but changes nothing else.
 */
export function applyEvent(current: OrderRow | null, event: OrderEvent, eventId: string): OrderRow {
  const base = withIdentity(current ?? emptyRow(event.data.orderKey, event.data.at, eventId), event);
  if (current !== null && compareEventIds(eventId, current.lastEventId) <= 0) return base;
  const row: OrderRow = { ...base, updatedAt: Math.max(base.updatedAt, event.data.at), lastEventId: eventId };
  switch (event.type) {
    case 'order.extracted':
      return {
        ...row,
        wdtStatus: event.data.wdtStatus ?? row.wdtStatus,
        contentHash: event.data.contentHash,
      };
    case 'order.attempt_failed':
      return {
        ...row,
        attempts: Math.max(row.attempts, event.data.attempt),
        lastCode: event.data.code,
        lastMessage: event.data.message,
      };
    case 'order.saved':
      return applySaved(row, event.data);
    case 'order.dead_lettered':
      return {
        ...row,
        state: 'dead',
        lastCode: event.data.code,
        lastMessage: event.data.message,
        attempts: Math.max(row.attempts, event.data.attempts),
        blocking: event.data.blocking,
        deadAt: event.data.at,
      };
    case 'order.replayed':
      return row.state === 'dead' ? { ...row, state: 'pending' } : row;
    case 'order.discarded':
      return { ...row, state: 'discarded', discardedBy: event.data.by, discardReason: event.data.reason };
    case 'order.undiscarded':
      return row.state === 'discarded'
        ? { ...row, state: 'pending', discardedBy: null, discardReason: null }
        : row;
  }
}

type SavedData = Extract<OrderEvent, { type: 'order.saved' }>['data'];

/**
 * A first save records the bill as built from WDT. A later "already saved" (a re-read) whose bill
 * differs from it is a change after save — unless the saved bill came from an edited replay and
 * this is the unedited original read again (the person who edited it knows).
 */
function applySaved(row: OrderRow, saved: SavedData): OrderRow {
  const identity = {
    ...row,
    billNo: saved.billNo,
    k3Fid: saved.fid ?? row.k3Fid,
    lastCode: null,
    lastMessage: null,
  };
  const recorded = row.billHash !== null && row.savedBill !== null;
  if (!saved.already || !recorded) {
    return {
      ...identity,
      state: 'saved',
      billHash: saved.billHash ?? row.billHash,
      savedBill: saved.bill ?? row.savedBill,
      editedFrom: saved.editedFrom ?? (saved.already ? row.editedFrom : null),
      changedBill: null,
      changedFields: null,
      savedAt: row.savedAt ?? saved.at,
    };
  }
  const sameBill = saved.billHash !== null && saved.billHash === row.billHash;
  const theEditedOriginal = row.editedFrom !== null && saved.contentHash === row.editedFrom;
  if (sameBill || theEditedOriginal)
    return { ...identity, state: 'saved', changedBill: null, changedFields: null };
  return {
    ...identity,
    state: 'changed',
    changedBill: saved.bill,
    changedFields: diffBills(row.savedBill, saved.bill),
  };
}
