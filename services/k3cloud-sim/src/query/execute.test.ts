import { describe, expect, it } from 'vitest';
import { BaseDataStore } from '../data/base-data.ts';
import { BillStore } from '../data/bill-store.ts';
import { executeBillQuery } from './execute.ts';
import { formSources } from './sources.ts';

/** Ten bills of two entries, dated 1 to 10 December in turn; bill i has FID 100,000 + i. */
function tenBills(): ReturnType<typeof formSources> {
  const bills = new BillStore();
  for (let i = 1; i <= 10; i += 1) {
    const day = String(i).padStart(2, '0');
    bills.insert(
      {
        FDate: `2026-12-${day}`,
        FEntity: [
          { FMaterialID: { FNumber: `M${i}a` }, FRealQty: i },
          { FMaterialID: { FNumber: `M${i}b` }, FRealQty: 10 * i },
        ],
      },
      `CK${day}`,
      'C',
    );
  }
  return formSources(bills, new BaseDataStore());
}

const query = (extra: Record<string, unknown>) =>
  executeBillQuery(
    { FormId: 'SAL_OUTSTOCK', FieldKeys: 'FID,FBillNo,FEntity_FSeq,FMaterialID.FNumber', ...extra },
    tenBills(),
  ) as unknown[][];

describe('ExecuteBillQuery over packed bills', () => {
  it('pages a date range by FID keyset, a limit at a time, in FID then FSeq order', () => {
    const page = query({
      FilterString: "FDate >= '2026-12-03' and FDate < '2026-12-09' and FID > 100004",
      OrderString: 'FID ASC,FEntity_FSeq ASC',
      Limit: 3,
    });
    expect(page).toEqual([
      [100_005, 'CK05', 1, 'M5a'],
      [100_005, 'CK05', 2, 'M5b'],
      [100_006, 'CK06', 1, 'M6a'],
    ]);
  });

  it('sorts the whole result before it cuts when the order is not the stored one', () => {
    const page = query({
      FilterString: "FDate >= '2026-12-03'",
      OrderString: 'FID DESC,FEntity_FSeq ASC',
      StartRow: 1,
      Limit: 2,
    });
    expect(page).toEqual([
      [100_010, 'CK10', 2, 'M10b'],
      [100_009, 'CK09', 1, 'M9a'],
    ]);
  });

  it('filters on entry fields row by row, and applies TopRowCount before StartRow', () => {
    expect(query({ FilterString: 'FRealQty >= 80', TopRowCount: 2, StartRow: 1 })).toEqual([
      [100_009, 'CK09', 2, 'M9b'],
    ]);
  });
});
