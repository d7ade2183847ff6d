import type { Dataset } from '@wdt-k3/sim-data';
import {
  compareRows,
  factsOf,
  matchesFilter,
  type OrderFacts,
  type StockoutFilter,
  timeOf,
} from './order-facts.ts';

/** An order inserted through the control API, or a generated one changed by a fault. */
export interface OverlayEntry {
  readonly order: Readonly<Record<string, unknown>>;
  readonly facts: OrderFacts;
  /** The generated order it replaces, or -1. */
  readonly baseIndex: number;
}

/** The ordered result of one filter: rank → order, without holding the orders themselves. */
export interface Selection {
  readonly total: number;
  /** A fresh copy the caller may change. */
  orderAt(rank: number): Record<string, unknown>;
  stockoutIdAt(rank: number): number;
}

/**
 * sim-data writes `modified` at most 5 s after `consign_time` (dataset.ts), so a modified-time
 * window only needs generated orders consigned up to this much earlier. A test pins the bound.
 */
export const MODIFIED_AFTER_CONSIGN_MAX_SEC = 60;
/** sim-data numbers: `CK`/`JY` + Beijing day (8 digits) + dataset index (7 digits). */
const DOCUMENT_NUMBER = /^(?:CK|JY)\d{8}(\d{7})$/;

/** Generated matches in result order, with their sort keys (time in seconds, stockout_id). */
interface BaseMatches {
  readonly length: number;
  ref(i: number): number;
  sec(i: number): number;
  id(i: number): number;
}

const NO_MATCHES: BaseMatches = { length: 0, ref: () => -1, sec: () => -1, id: () => -1 };

/** True for a generated index that does not take part in queries (changed copy, or latent). */
export type Excluded = (index: number) => boolean;

export function computeSelection(
  dataset: Dataset | undefined,
  excluded: Excluded,
  overlay: readonly OverlayEntry[],
  filter: StockoutFilter,
): Selection {
  const base = dataset === undefined ? NO_MATCHES : baseMatches(dataset, excluded, filter);
  const extra = overlay
    .filter((entry) => matchesFilter(entry.facts, filter))
    .sort((a, b) => compareRows(a.facts, b.facts, filter.timeField));
  const refs = mergeRefs(base, extra, filter);
  const idBase = dataset?.stockoutIdRange[0] ?? 0;
  const refAt = (rank: number): number => {
    if (!(rank >= 0 && rank < refs.length)) throw new RangeError(`rank ${rank} outside 0…${refs.length - 1}`);
    return refs[rank] as number;
  };
  return {
    total: refs.length,
    orderAt(rank) {
      const ref = refAt(rank);
      if (ref >= 0) return (dataset as Dataset).orderAt(ref);
      return { ...(extra[-ref - 1] as OverlayEntry).order };
    },
    stockoutIdAt(rank) {
      const ref = refAt(rank);
      return ref >= 0 ? idBase + ref : (extra[-ref - 1] as OverlayEntry).facts.stockoutId;
    },
  };
}

/** Merges two sorted lists; overlay entries become negative refs (-1 is extra[0]). */
function mergeRefs(base: BaseMatches, extra: readonly OverlayEntry[], filter: StockoutFilter): Int32Array {
  const refs = new Int32Array(base.length + extra.length);
  let i = 0;
  let j = 0;
  for (let k = 0; k < refs.length; k += 1) {
    const next = extra[j];
    let takeBase = next === undefined;
    if (!takeBase && i < base.length && next !== undefined) {
      const sec = timeOf(next.facts, filter.timeField) ?? -1;
      const baseSec = base.sec(i);
      takeBase = baseSec < sec || (baseSec === sec && base.id(i) <= next.facts.stockoutId);
    }
    refs[k] = takeBase ? base.ref(i++) : -(j++ + 1);
  }
  return refs;
}

/**
 * sim-data generates every order shipped (status 95), with its consign second equal to
 * ⌊consignTimeAt / 1000⌋ (dataset.ts); a test pins both. A consign-time window filtered by status
 * only is then an index range, found without generating a single order.
 */
const GENERATED_STATUS = 95;

function isIndexRange(filter: StockoutFilter): boolean {
  return (
    filter.timeField === 'consign' &&
    filter.shopNo === undefined &&
    filter.warehouseNo === undefined &&
    filter.srcOrderNo === undefined &&
    filter.srcTid === undefined &&
    filter.stockoutNo === undefined
  );
}

/** Generated orders matching the filter, sorted like `compareRows`. */
function baseMatches(dataset: Dataset, excluded: Excluded, filter: StockoutFilter): BaseMatches {
  const idBase = dataset.stockoutIdRange[0];
  if (isIndexRange(filter)) {
    if (!filter.statuses.includes(GENERATED_STATUS)) return NO_MATCHES;
    const [from, to] = windowBounds(dataset, filter);
    const all = new Int32Array(Math.max(to - from, 0));
    let length = 0;
    for (let index = from; index < to; index += 1) if (!excluded(index)) all[length++] = index;
    const refs = all.subarray(0, length);
    return {
      length: refs.length,
      ref: (i) => refs[i] as number,
      sec: (i) => Math.floor(dataset.consignTimeAt(refs[i] as number) / 1000),
      id: (i) => idBase + (refs[i] as number),
    };
  }
  const byNumber = numberCandidates(dataset, filter);
  const found: { ref: number; sec: number; id: number }[] = [];
  for (const index of byNumber ?? range(...windowBounds(dataset, filter))) {
    if (excluded(index)) continue;
    const facts = factsOf(dataset.orderAt(index));
    if (matchesFilter(facts, filter))
      found.push({ ref: index, sec: timeOf(facts, filter.timeField) ?? -1, id: facts.stockoutId });
  }
  found.sort((a, b) => a.sec - b.sec || a.id - b.id);
  return {
    length: found.length,
    ref: (i) => (found[i] as { ref: number }).ref,
    sec: (i) => (found[i] as { sec: number }).sec,
    id: (i) => (found[i] as { id: number }).id,
  };
}

function* range(from: number, to: number): Generator<number> {
  for (let i = from; i < to; i += 1) yield i;
}

/** Binary search on the non-decreasing consign times: [from, to) of the indices a window can match. */
export function windowBounds(dataset: Dataset, filter: StockoutFilter): [number, number] {
  if (filter.window === undefined) return [0, 0];
  const slack = filter.timeField === 'modified' ? MODIFIED_AFTER_CONSIGN_MAX_SEC : 0;
  const lowerBound = (ms: number): number => {
    let lo = 0;
    let hi = dataset.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (dataset.consignTimeAt(mid) < ms) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  return [lowerBound((filter.window.startSec - slack) * 1000), lowerBound((filter.window.endSec + 1) * 1000)];
}

/** The generated order a number filter can only mean (sim-data numbers orders by index), or undefined. */
function numberCandidates(dataset: Dataset, filter: StockoutFilter): number[] | undefined {
  const numbers = [filter.stockoutNo, filter.srcOrderNo].filter((no) => no !== undefined);
  if (numbers.length === 0 && filter.srcTid === undefined) return undefined;
  const found = new Set<number>();
  for (const no of numbers) {
    const match = DOCUMENT_NUMBER.exec(no);
    if (match !== null) found.add(Number(match[1]));
  }
  if (filter.srcTid !== undefined && /^\d{1,30}$/.test(filter.srcTid) && dataset.count > 0) {
    const first = BigInt(dataset.orderAt(0).src_trade_no);
    const index = BigInt(filter.srcTid) - first;
    if (index >= 0n && index < BigInt(dataset.count)) found.add(Number(index));
  }
  return [...found].filter((index) => index < dataset.count).sort((a, b) => a - b);
}
