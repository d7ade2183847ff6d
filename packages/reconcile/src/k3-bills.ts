import type { ReconcilePeriod } from '@wdt-k3/jobs';
import { inFilter, type K3CloudClient } from '@wdt-k3/k3cloud-client';
import { Decimal } from '@wdt-k3/mapping';
import { type K3Bill, linesOf, type RawRow } from './comparable.ts';
import { dayAfter } from './period.ts';

type K3Reads = Pick<K3CloudClient, 'executeBillQuery' | 'queryAll'>;

const FORM = 'SAL_OUTSTOCK';
/** Header and entry fields the comparison needs; one row per entry (k3cloud.md §5.3). */
export const K3_BILL_FIELDS = [
  'FID',
  'FBillNo',
  'FDate',
  'FCustomerID.FNumber',
  'FEntity_FSeq',
  'FMaterialID.FNumber',
  'FRealQty',
  'FTaxPrice',
  'FIsFree',
] as const;
const ORDER = 'FID ASC,FEntity_FSeq ASC';

const text = (value: unknown): string => (value === null || value === undefined ? '' : String(value).trim());
const decimal = (value: unknown): Decimal => {
  const raw = text(value);
  return new Decimal(raw === '' ? 0 : raw);
};
const flag = (value: unknown): boolean => value === true || value === 1 || /^(true|1)$/i.test(text(value));

/** Entry rows (ordered by FID, then entry) → one bill per FID. */
export function billsOfRows(rows: readonly unknown[][]): K3Bill[] {
  const bills: K3Bill[] = [];
  let current: { fid: number; head: unknown[]; rows: RawRow[] } | null = null;
  const close = (): void => {
    if (current === null) return;
    const [, billNo, date, customer] = current.head;
    bills.push({
      fid: current.fid,
      billNo: text(billNo),
      customer: text(customer),
      date: text(date).slice(0, 10),
      rows: current.rows.length,
      lines: linesOf(current.rows),
    });
  };
  for (const row of rows) {
    const fid = Number(row[0]);
    if (current === null || current.fid !== fid) {
      close();
      current = { fid, head: row, rows: [] };
    }
    current.rows.push({
      material: text(row[5]),
      quantity: decimal(row[6]),
      price: decimal(row[7]),
      gift: flag(row[8]),
    });
  }
  close();
  return bills;
}

/**
 * Every SAL_OUTSTOCK bill dated in the period, in FID order, a page of complete bills at a time.
 * Paged by keyset on FID rather than StartRow: a bill saved or deleted meanwhile shifts row
 * positions, which would skip or repeat rows, but never FIDs. A page that ends inside a bill is
 * cut before it; that bill starts the next page. Bounded memory: one page at a time.
 */
export async function* readPeriodBills(
  k3: K3Reads,
  period: ReconcilePeriod,
  pageRows: number,
  signal?: AbortSignal,
): AsyncGenerator<K3Bill[]> {
  const range = `FDate >= '${period.from}' and FDate < '${dayAfter(period.to)}'`;
  let afterFid = 0;
  for (;;) {
    const rows = await k3.executeBillQuery(
      {
        formId: FORM,
        fieldKeys: K3_BILL_FIELDS,
        filterString: `${range} and FID > ${afterFid}`,
        orderString: ORDER,
        limit: pageRows,
      },
      signal,
    );
    const bills = billsOfRows(rows);
    const full = rows.length >= pageRows;
    if (!full) {
      if (bills.length > 0) yield bills;
      return;
    }
    if (bills.length === 1) {
      // One bill longer than a page: read it alone, whole.
      const only = bills[0] as K3Bill;
      yield billsOfRows(
        await k3.queryAll(
          { formId: FORM, fieldKeys: K3_BILL_FIELDS, filterString: `FID = ${only.fid}`, orderString: ORDER },
          pageRows,
          signal,
        ),
      );
      afterFid = only.fid;
      continue;
    }
    const complete = bills.slice(0, -1);
    yield complete;
    afterFid = (complete.at(-1) as K3Bill).fid;
  }
}

/** The bills of these numbers, whatever their date (a WDT order's bill dated elsewhere is a date mismatch, not missing). */
export async function findBillsByNumber(
  k3: K3Reads,
  billNos: readonly string[],
  pageRows: number,
  signal?: AbortSignal,
): Promise<K3Bill[]> {
  if (billNos.length === 0) return [];
  const rows = await k3.queryAll(
    {
      formId: FORM,
      fieldKeys: K3_BILL_FIELDS,
      filterString: inFilter('FBillNo', billNos),
      orderString: ORDER,
    },
    pageRows,
    signal,
  );
  return billsOfRows(rows);
}
