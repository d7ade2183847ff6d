import { createDataset } from '@wdt-k3/sim-data';
import { describe, expect, it } from 'vitest';
import { BaseDataStore } from './base-data.ts';

const DAY = Date.UTC(2026, 11, 1);

describe('BaseDataStore sales orders of a dataset', () => {
  it('generates a sales order once and answers it again by number and by FID', () => {
    const dataset = createDataset({ seed: 5, count: 30, fromMs: DAY, toMs: DAY + 3_600_000 });
    const store = new BaseDataStore();
    store.addDataset(dataset);
    const numbers = Array.from({ length: 30 }, (_, i) => String(dataset.orderAt(i).src_trade_no));
    const linked = numbers.filter((no) => dataset.salesOrderFor(no) !== undefined);
    expect(linked.length).toBeGreaterThan(0);
    for (const no of linked) {
      const first = store.salesOrder(no);
      expect(first?.billNo).toBe(no);
      expect(store.salesOrder(no)).toBe(first);
      expect(first === undefined ? undefined : store.salesOrderByFid(first.fid)).toBe(first);
    }
    const unlinked = numbers.filter((no) => dataset.salesOrderFor(no) === undefined);
    for (const no of unlinked) expect(store.salesOrder(no)).toBeUndefined();
  });

  it('prefers an explicit sales order over a remembered generated one', () => {
    const dataset = createDataset({ seed: 6, count: 20, fromMs: DAY, toMs: DAY + 3_600_000 });
    const store = new BaseDataStore();
    store.addDataset(dataset);
    const no = Array.from({ length: 20 }, (_, i) => String(dataset.orderAt(i).src_trade_no)).find(
      (candidate) => dataset.salesOrderFor(candidate) !== undefined,
    ) as string;
    const generated = store.salesOrder(no);
    store.addSalesOrder({ billNo: no, entries: [] });
    expect(store.salesOrder(no)).not.toBe(generated);
    expect(store.salesOrder(no)?.entries).toEqual([]);
  });
});
