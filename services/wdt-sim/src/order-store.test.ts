import { createDataset } from '@wdt-k3/sim-data';
import { describe, expect, it } from 'vitest';
import { beijingSeconds, compareRows, factsOf, matchesFilter, type StockoutFilter } from './order-facts.ts';
import { createOrderStore, MODIFIED_AFTER_CONSIGN_MAX_SEC } from './order-store.ts';

const FROM = Date.UTC(2024, 0, 1);
const DATASET = { seed: 7, count: 600, fromMs: FROM, toMs: FROM + 3 * 86_400_000 };
const SHIPPED = [95, 105, 110, 113];
const sec = (text: string): number => beijingSeconds(text) as number;

/** Every order the store should hold, in result order: the reference the fast path must equal. */
function bruteForce(orders: Record<string, unknown>[], filter: StockoutFilter): number[] {
  return orders
    .map(factsOf)
    .filter((facts) => matchesFilter(facts, filter))
    .sort((a, b) => compareRows(a, b, filter.timeField))
    .map((facts) => facts.stockoutId);
}

function idsOf(store: ReturnType<typeof createOrderStore>, filter: StockoutFilter): number[] {
  const selection = store.select(filter);
  return Array.from({ length: selection.total }, (_, rank) => selection.stockoutIdAt(rank));
}

describe('order store', () => {
  const dataset = createDataset(DATASET);
  const all = Array.from({ length: dataset.count }, (_, i) => dataset.orderAt(i));
  const sample = all[300] as Record<string, unknown>;
  const window = { startSec: sec('2024-01-01 20:00:00'), endSec: sec('2024-01-02 19:59:59') };

  // The last column says how many rows to expect at least (and at most, for a number lookup).
  it.each<[string, StockoutFilter, number]>([
    ['a consign window', { window, timeField: 'consign', statuses: SHIPPED }, 150],
    ['a modified window', { window, timeField: 'modified', statuses: [95] }, 150],
    [
      'a shop and a warehouse',
      {
        window,
        timeField: 'consign',
        statuses: SHIPPED,
        shopNo: String(sample.shop_no),
        warehouseNo: String(sample.warehouse_no),
      },
      1,
    ],
    ['a status it does not have', { window, timeField: 'consign', statuses: [110] }, 0],
    [
      'a stock-out number alone',
      { timeField: 'consign', statuses: SHIPPED, stockoutNo: String(sample.order_no) },
      1,
    ],
    [
      'a system order number alone',
      { timeField: 'consign', statuses: SHIPPED, srcOrderNo: String(sample.src_order_no) },
      1,
    ],
    [
      'a platform order id alone',
      { timeField: 'consign', statuses: SHIPPED, srcTid: String(sample.src_trade_no) },
      1,
    ],
    [
      'a number outside the window',
      { window, timeField: 'consign', statuses: SHIPPED, stockoutNo: String(all[0]?.order_no) },
      0,
    ],
  ])('selects exactly what a full scan selects for %s', (_what, filter, atLeast) => {
    const store = createOrderStore(DATASET);
    const expected = bruteForce(all, filter);
    expect(idsOf(store, filter)).toEqual(expected);
    expect(expected.length).toBeGreaterThanOrEqual(atLeast);
    if (filter.window === undefined) expect(expected).toHaveLength(1);
  });

  it('merges inserted and changed orders into the generated ones, in result order', () => {
    const store = createOrderStore(DATASET);
    const changed = { ...all[100], status: 110 };
    const inserted = { ...all[200], stockout_id: 99, order_no: 'CKX', consign_time: '2024-01-02 03:00:00' };
    const replaced = { ...all[250], consign_time: '2024-01-01 20:00:00' };
    expect(store.upsert([inserted, replaced])).toEqual({ inserted: 1, replaced: 1 });
    expect(store.change(Number(all[100]?.stockout_id), (order) => Object.assign(order, changed))).toBe(true);
    expect(store.change(12345, () => {})).toBe(false);
    const current = all
      .map((order, i) => (i === 100 ? changed : i === 250 ? replaced : order))
      .concat(inserted);
    for (const filter of [
      { window, timeField: 'consign', statuses: SHIPPED },
      { window, timeField: 'consign', statuses: [110] },
      { window, timeField: 'modified', statuses: SHIPPED },
    ] as const)
      expect(idsOf(store, filter)).toEqual(bruteForce(current, filter));
  });

  it('returns fresh copies and keeps explicit orders when the dataset is regenerated', () => {
    const store = createOrderStore(DATASET);
    store.upsert([{ ...all[0], stockout_id: 42 }]);
    store.change(Number(all[1]?.stockout_id), (order) => Object.assign(order, { status: 5 }));
    const filter: StockoutFilter = { window, timeField: 'consign', statuses: SHIPPED };
    const first = store.select(filter).orderAt(0);
    first.shop_no = 'mutated';
    expect(store.select(filter).orderAt(0).shop_no).not.toBe('mutated');
    store.generate({ ...DATASET, seed: 8 });
    expect(store.counts()).toEqual({ generated: 600, overlay: 1, latent: 0 });
    store.generate(undefined);
    expect(
      idsOf(store, { window: { startSec: 0, endSec: 2e9 }, timeField: 'consign', statuses: SHIPPED }),
    ).toEqual([42]);
  });

  it('relies on what sim-data generates: status 95, consign second from consignTimeAt, modified soon after', () => {
    for (const [index, order] of all.entries()) {
      expect(order.status).toBe(95);
      expect(sec(String(order.consign_time))).toBe(Math.floor(dataset.consignTimeAt(index) / 1000));
      const gap = sec(String(order.modified)) - sec(String(order.consign_time));
      expect(gap).toBeGreaterThanOrEqual(0);
      expect(gap).toBeLessThan(MODIFIED_AFTER_CONSIGN_MAX_SEC);
    }
  });
});
