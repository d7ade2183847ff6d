import { describe, expect, it } from 'vitest';
import { BillStore } from './bill-store.ts';

const pkg = (note: string) => ({
  FBillTypeID: { FNUMBER: 'XSCKD01_SYS' },
  FDate: '2026-12-02',
  FCustomerID: { FNumber: '赵洋027' },
  FNote: note,
  F_ora_Text2: '7410798514000',
  FEntity: [
    { FMaterialID: { FNumber: '1.02.0134' }, FRealQty: 1, FTaxPrice: 51.5, FIsFree: false },
    { FMaterialID: { FNumber: '1.03.0147' }, FRealQty: 3, FTaxPrice: 0, FIsFree: true },
  ],
});

describe('BillStore (bills kept packed)', () => {
  it('gives back the package as saved, with FID, FBillNo, status and entry ids set', () => {
    const store = new BillStore();
    const bill = store.insert(pkg('送礼物，不要放发票'), 'CK001', 'A');
    expect(bill.model).toEqual({
      ...pkg('送礼物，不要放发票'),
      FID: 100_001,
      FBillNo: 'CK001',
      FDocumentStatus: 'A',
      FEntity: pkg('').FEntity.map((entry, i) => ({ ...entry, FENTRYID: 100_001 + i })),
    });
    expect(bill.entryIds).toEqual([100_001, 100_002]);
    expect(store.byNumber('CK001')).toBe(bill);
    expect(store.byId(100_001)).toBe(bill);
  });

  it('hands out copies: changing one does not change the stored bill', () => {
    const store = new BillStore();
    const bill = store.insert(pkg('a'), 'CK001', 'A');
    const copy = bill.model;
    copy.FNote = 'changed';
    expect(bill.model.FNote).toBe('a');
  });

  it('keeps a status change and an edit', () => {
    const store = new BillStore();
    const bill = store.insert(pkg('a'), 'CK001', 'A');
    store.setStatus(bill, 'C');
    store.edit(bill, (model) => {
      model.FDate = '2026-12-03';
      (model.FEntity as Record<string, unknown>[])[1] = { FRealQty: 9 };
    });
    expect(bill.status).toBe('C');
    expect(bill.model).toMatchObject({ FDocumentStatus: 'C', FDate: '2026-12-03', FNote: 'a' });
    expect((bill.model.FEntity as unknown[])[1]).toEqual({ FRealQty: 9 });
  });

  it('keeps every bill of a repeated number oldest first, and removes one of them', () => {
    const store = new BillStore();
    const first = store.insert(pkg('1'), 'CK001', 'A');
    const second = store.insert(pkg('2'), 'CK001', 'A');
    expect(store.allByNumber('CK001')).toEqual([first, second]);
    store.remove(first);
    expect(store.allByNumber('CK001')).toEqual([second]);
    expect(store.byNumber('CK001')?.model.FNote).toBe('2');
    store.remove(second);
    expect(store.has('CK001')).toBe(false);
    expect(store.count).toBe(0);
  });

  it('refuses to edit a bill it does not hold', () => {
    const other = new BillStore().insert(pkg('a'), 'CK001', 'A');
    expect(() => new BillStore().edit(other, () => {})).toThrow(/not in this store/);
  });
});
