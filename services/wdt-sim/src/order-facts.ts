import { parseBeijingTime } from '@wdt-k3/runtime';

/**
 * The few fields of a WDT stock-out order that the query filters on, read once per order so a
 * filter never walks the wire object twice. Times are whole seconds since the epoch, because
 * WDT's times are `yyyy-MM-dd HH:mm:ss` and its window ends are inclusive at that granularity.
 */
export interface OrderFacts {
  readonly stockoutId: number;
  readonly status: number;
  readonly consignSec: number | undefined;
  readonly modifiedSec: number | undefined;
  readonly shopNo: string;
  readonly warehouseNo: string;
  readonly srcOrderNo: string;
  /** `stockout_no` and `order_no` (both carry the CK number). */
  readonly stockoutNos: readonly string[];
  /** `src_tids` (comma list) and `src_trade_no`. */
  readonly srcTids: readonly string[];
}

export type TimeField = 'consign' | 'modified';

export interface StockoutFilter {
  /** Inclusive at both ends, in whole seconds. */
  readonly window?: { readonly startSec: number; readonly endSec: number };
  readonly timeField: TimeField;
  readonly statuses: readonly number[];
  readonly shopNo?: string;
  readonly warehouseNo?: string;
  readonly srcOrderNo?: string;
  readonly srcTid?: string;
  readonly stockoutNo?: string;
}

/** `yyyy-MM-dd HH:mm:ss` Beijing → epoch seconds; `undefined` for anything else (incl. ""). */
export function beijingSeconds(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const ms = parseBeijingTime(value);
  return ms === undefined ? undefined : ms / 1000;
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

export function factsOf(order: Readonly<Record<string, unknown>>): OrderFacts {
  const stockoutNos = [text(order.stockout_no), text(order.order_no)].filter((no) => no !== '');
  const srcTids = text(order.src_tids)
    .split(',')
    .map((tid) => tid.trim())
    .concat(text(order.src_trade_no))
    .filter((tid) => tid !== '');
  return {
    stockoutId: Number(order.stockout_id),
    status: Number(order.status),
    consignSec: beijingSeconds(order.consign_time),
    modifiedSec: beijingSeconds(order.modified),
    shopNo: text(order.shop_no),
    warehouseNo: text(order.warehouse_no),
    srcOrderNo: text(order.src_order_no),
    stockoutNos,
    srcTids,
  };
}

export function timeOf(facts: OrderFacts, field: TimeField): number | undefined {
  return field === 'consign' ? facts.consignSec : facts.modifiedSec;
}

export function matchesFilter(facts: OrderFacts, filter: StockoutFilter): boolean {
  if (!filter.statuses.includes(facts.status)) return false;
  if (filter.window !== undefined) {
    const sec = timeOf(facts, filter.timeField);
    if (sec === undefined || sec < filter.window.startSec || sec > filter.window.endSec) return false;
  }
  if (filter.shopNo !== undefined && facts.shopNo !== filter.shopNo) return false;
  if (filter.warehouseNo !== undefined && facts.warehouseNo !== filter.warehouseNo) return false;
  if (filter.srcOrderNo !== undefined && facts.srcOrderNo !== filter.srcOrderNo) return false;
  if (filter.stockoutNo !== undefined && !facts.stockoutNos.includes(filter.stockoutNo)) return false;
  if (filter.srcTid !== undefined && !facts.srcTids.includes(filter.srcTid)) return false;
  return true;
}

/** Result order: the filter's time, then stockout_id. Rows without that time sort first. */
export function compareRows(a: OrderFacts, b: OrderFacts, field: TimeField): number {
  const ta = timeOf(a, field) ?? -1;
  const tb = timeOf(b, field) ?? -1;
  return ta !== tb ? ta - tb : a.stockoutId - b.stockoutId;
}
