import { createDataset, type Dataset, type DatasetOptions, mix } from '@wdt-k3/sim-data';
import { factsOf, type StockoutFilter } from './order-facts.ts';
import { computeSelection, type OverlayEntry, type Selection, windowBounds } from './selection.ts';

export { MODIFIED_AFTER_CONSIGN_MAX_SEC } from './selection.ts';

export interface OrderStore {
  readonly dataset: Dataset | undefined;
  /** Replaces the generated orders; changes made to the previous ones are dropped. */
  generate(options: DatasetOptions | undefined): void;
  /** Inserts or replaces orders by stockout_id. */
  upsert(orders: readonly Readonly<Record<string, unknown>>[]): { inserted: number; replaced: number };
  /** Replaces one order with a changed copy; false when no such order exists. */
  change(stockoutId: number, mutate: (order: Record<string, unknown>) => void): boolean;
  select(filter: StockoutFilter): Selection;
  /**
   * Draws which generated orders are latent: not visible to any query until revealed (a row
   * consigned in the past that WDT shows late). Drawn once per dataset (again only after
   * `generate` or `clear`), so a later fault change never makes hidden rows appear unlogged;
   * orders already changed are never latent.
   */
  setLatent(share: number, seed: number): void;
  /** Latent orders whose consign time could fall in the filter's window, as stockout ids. */
  latentCandidates(filter: StockoutFilter): number[];
  isLatent(stockoutId: number): boolean;
  /** Makes a latent order visible, changed by `mutate`; false when it is not latent. */
  reveal(stockoutId: number, mutate: (order: Record<string, unknown>) => void): boolean;
  /** The order as served now (latent orders too), or undefined. */
  current(stockoutId: number): Record<string, unknown> | undefined;
  /** stockout_ids of inserted and changed orders. */
  overlayIds(): IterableIterator<number>;
  counts(): { generated: number; overlay: number; latent: number };
  clear(): void;
}

/** Filters served while paging repeat; a few cached results keep paging O(page). */
const CACHED_SELECTIONS = 8;

export function createOrderStore(initial?: DatasetOptions): OrderStore {
  let dataset = initial === undefined ? undefined : createDataset(initial);
  const overlay = new Map<number, OverlayEntry>();
  const shadowed = new Set<number>();
  const latent = createLatentSet();
  const cache = createSelectionCache();

  const put = (order: Readonly<Record<string, unknown>>): boolean => {
    const facts = factsOf(order);
    if (!Number.isSafeInteger(facts.stockoutId)) throw new TypeError('stockout_id must be an integer');
    const baseIndex = dataset?.indexOfStockoutId(facts.stockoutId) ?? -1;
    const existed = overlay.has(facts.stockoutId) || baseIndex >= 0;
    overlay.set(facts.stockoutId, { order, facts, baseIndex });
    if (baseIndex >= 0) shadowed.add(baseIndex);
    return existed;
  };

  return {
    get dataset() {
      return dataset;
    },
    generate(options) {
      dataset = options === undefined ? undefined : createDataset(options);
      const explicit = [...overlay.values()].filter((entry) => entry.baseIndex < 0);
      overlay.clear();
      shadowed.clear();
      latent.clear();
      for (const entry of explicit) put(entry.order);
      cache.clear();
    },
    upsert(orders) {
      let replaced = 0;
      for (const order of orders) if (put(order)) replaced += 1;
      cache.clear();
      return { inserted: orders.length - replaced, replaced };
    },
    change(stockoutId, mutate) {
      if (latent.has(dataset?.indexOfStockoutId(stockoutId) ?? -1)) return false;
      const index = dataset?.indexOfStockoutId(stockoutId) ?? -1;
      const current = overlay.get(stockoutId)?.order ?? (index >= 0 ? dataset?.orderAt(index) : undefined);
      if (current === undefined) return false;
      const copy = { ...current };
      mutate(copy);
      put(copy);
      cache.clear();
      return true;
    },
    select(filter) {
      const hidden = latent.indices;
      return cache.get(filter, () =>
        computeSelection(
          dataset,
          (index) => shadowed.has(index) || hidden.has(index),
          [...overlay.values()],
          filter,
        ),
      );
    },
    setLatent(share, seed) {
      if (dataset === undefined || !latent.redraw(share)) return;
      for (let index = 0; index < dataset.count; index += 1)
        if (!shadowed.has(index) && mix(seed, index, LATENT_SALT) / 2 ** 32 < share)
          latent.indices.add(index);
      cache.clear();
    },
    latentCandidates(filter) {
      if (dataset === undefined || latent.indices.size === 0) return [];
      const [from, to] = windowBounds(dataset, filter);
      const idBase = dataset.stockoutIdRange[0];
      const found: number[] = [];
      for (const index of latent.indices) if (index >= from && index < to) found.push(idBase + index);
      return found.sort((a, b) => a - b);
    },
    isLatent: (stockoutId) => latent.has(dataset?.indexOfStockoutId(stockoutId) ?? -1),
    reveal(stockoutId, mutate) {
      const index = dataset?.indexOfStockoutId(stockoutId) ?? -1;
      if (dataset === undefined || !latent.has(index)) return false;
      latent.indices.delete(index);
      const copy = { ...dataset.orderAt(index) };
      mutate(copy);
      put(copy);
      cache.clear();
      return true;
    },
    current(stockoutId) {
      const entry = overlay.get(stockoutId);
      if (entry !== undefined) return { ...entry.order };
      const index = dataset?.indexOfStockoutId(stockoutId) ?? -1;
      return index >= 0 ? dataset?.orderAt(index) : undefined;
    },
    overlayIds: () => overlay.keys(),
    counts: () => ({ generated: dataset?.count ?? 0, overlay: overlay.size, latent: latent.indices.size }),
    clear() {
      overlay.clear();
      shadowed.clear();
      latent.clear();
      cache.clear();
    },
  };
}

/** Salt of the latent draw, so it is independent of every other draw made from the same seed. */
const LATENT_SALT = 0x1a7e47;

/** Generated indices not visible yet, and whether they were drawn for this dataset. */
function createLatentSet() {
  const indices = new Set<number>();
  let drawn = false;
  return {
    indices,
    has: (index: number): boolean => index >= 0 && indices.has(index),
    /** True the first time since `clear` that a positive share is asked for: the caller draws. */
    redraw(share: number): boolean {
      if (drawn || share <= 0) return false;
      drawn = true;
      return true;
    },
    clear() {
      indices.clear();
      drawn = false;
    },
  };
}

/** The last few selections by filter, least recently used first out; cleared on every change. */
function createSelectionCache() {
  const entries = new Map<string, Selection>();
  return {
    get(filter: StockoutFilter, compute: () => Selection): Selection {
      const key = JSON.stringify(filter);
      const selection = entries.get(key) ?? compute();
      entries.delete(key);
      entries.set(key, selection);
      if (entries.size > CACHED_SELECTIONS) entries.delete(entries.keys().next().value as string);
      return selection;
    },
    clear: () => entries.clear(),
  };
}
