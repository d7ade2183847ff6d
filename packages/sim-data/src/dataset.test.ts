import { formatBeijingTime } from '@wdt-k3/runtime';
import { describe, expect, it } from 'vitest';
import { createDataset } from './dataset.ts';
import { formatMoney4 } from './format.ts';

const FROM = Date.UTC(2026, 10, 1, 0, 0, 0); // 2026-11-01 08:00:00 Beijing
const TO = FROM + 86_400_000;
const dataset = (overrides: Partial<Parameters<typeof createDataset>[0]> = {}) =>
  createDataset({ seed: 42, count: 2000, fromMs: FROM, toMs: TO, ...overrides });

const toUnits = (value: unknown): number => Math.round(Number(value) * 10000);

describe('createDataset', () => {
  it('is deterministic: the same seed and index give the same order, another seed another one', () => {
    expect(dataset().orderAt(123)).toEqual(dataset().orderAt(123));
    expect(dataset({ seed: 43 }).orderAt(123)).not.toEqual(dataset().orderAt(123));
  });

  it('emits the Qimen wire types: ids and status as numbers, money and quantities as 4-decimal strings', () => {
    const order = dataset().orderAt(7);
    expect(typeof order.stockout_id).toBe('number');
    expect(order.status).toBe(95);
    expect(order.goods_count).toMatch(/^\d+\.\d{4}$/);
    expect(order.consign_time).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    for (const row of order.details_list) {
      expect(typeof row.rec_id).toBe('number');
      expect(row.sell_price).toMatch(/^\d+\.\d{4}$/);
    }
  });

  it('spreads consign times non-decreasingly over [from, to) and keeps ids, numbers and rec_ids unique', () => {
    const d = dataset();
    const ids = new Set<number>();
    const numbers = new Set<string>();
    const recIds = new Set<unknown>();
    let previous = '';
    for (let i = 0; i < d.count; i += 1) {
      const order = d.orderAt(i);
      expect(order.consign_time >= previous).toBe(true);
      previous = order.consign_time;
      ids.add(order.stockout_id);
      numbers.add(order.order_no);
      for (const row of order.details_list) recIds.add(row.rec_id);
      expect(d.indexOfStockoutId(order.stockout_id)).toBe(i);
    }
    expect(ids.size).toBe(d.count);
    expect(numbers.size).toBe(d.count);
    expect(d.orderAt(0).consign_time).toBe(formatBeijingTime(FROM));
    expect(d.consignTimeAt(d.count - 1)).toBeLessThan(TO);
    expect(recIds.size).toBeGreaterThan(d.count);
  });

  it('keeps order totals equal to the sum of their rows, gifts at price 0, 1 to 20 rows', () => {
    const d = dataset();
    let gifts = 0;
    let maxRows = 0;
    for (let i = 0; i < d.count; i += 1) {
      const order = d.orderAt(i);
      const rows = order.details_list;
      maxRows = Math.max(maxRows, rows.length);
      expect(rows.length).toBeGreaterThanOrEqual(1);
      expect(rows.length).toBeLessThanOrEqual(20);
      expect(rows.reduce((sum, row) => sum + toUnits(row.goods_count), 0)).toBe(toUnits(order.goods_count));
      gifts += rows.filter((row) => row.sell_price === '0.0000').length;
    }
    expect(gifts).toBeGreaterThan(0);
    expect(maxRows).toBeGreaterThan(3);
  });

  it('resolves every order to a sales order numbered src_trade_no with one entry per row and material', () => {
    const d = dataset();
    for (const i of [0, 1, 999, 1999]) {
      const order = d.orderAt(i);
      const salesOrder = d.salesOrderFor(order.src_trade_no);
      expect(salesOrder?.billNo).toBe(order.src_trade_no);
      expect(salesOrder?.customerNumber).toBe(order.nick_name);
      expect(salesOrder?.entries.map((entry) => entry.materialNumber)).toEqual(
        order.details_list.map((row) => row.goods_no),
      );
    }
    expect(d.salesOrderFor('123')).toBeUndefined();
    expect(dataset({ seed: 7 }).salesOrderFor(d.orderAt(0).src_trade_no)).toBeUndefined();
  });

  it('draws every material and customer from the catalog unless a fault knob says otherwise', () => {
    const d = dataset();
    const materials = new Set(d.catalog.materials.map((m) => m.goodsNo));
    const customers = new Set(d.catalog.customers.map((c) => c.nick));
    for (let i = 0; i < 300; i += 1) {
      const order = d.orderAt(i);
      expect(customers.has(order.nick_name as string)).toBe(true);
      expect(order.fenxiao_nick).toBe('');
      for (const row of order.details_list) expect(materials.has(row.goods_no as string)).toBe(true);
    }
  });

  it('applies the fault knobs: unknown materials, missing customers, distributors, taobao shops, unlinked orders', () => {
    const d = dataset({
      shape: {
        unknownMaterialRate: 1,
        missingCustomerRate: 1,
        distributorRate: 1,
        taobaoRate: 1,
        unlinkedRate: 1,
      },
    });
    const order = d.orderAt(5);
    expect(order.details_list[0]?.goods_no).toMatch(/^9\.99\./);
    expect(order.nick_name).toBe('');
    expect(order.fenxiao_nick).not.toBe('');
    expect(order.platform_id).toBe(1);
    expect(d.salesOrderFor(order.src_trade_no)).toBeUndefined();
  });
});

describe('formatting', () => {
  it.each([
    [0, '0.0000'],
    [125000, '12.5000'],
    [1, '0.0001'],
    [-59900, '-5.9900'],
  ])('formatMoney4(%d) → %s', (units, text) => {
    expect(formatMoney4(units)).toBe(text);
  });
});
