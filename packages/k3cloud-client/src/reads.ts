import type { K3CloudClient } from './types.ts';

/**
 * The K3 reads the pipeline needs around a SAL_OUTSTOCK save, shared by the loader (batched and
 * cached) and the admin dry run (one order at a time). Field keys are K3's standard ones
 * (reference §5.3): `<Entity>_FEntryID`, dotted base-data numbers.
 */

/** A sales order and its entries, in entry order (structurally mapping's `SalesOrderLookup`). */
export interface SalesOrderRecord {
  readonly fid: number;
  readonly billNo: string;
  readonly entries: Array<{ readonly entryId: number; readonly materialNumber: string }>;
}

/** `F in ('a','b')`; K3 FilterString values are SQL-like literals, so a quote is doubled. */
export function inFilter(field: string, values: readonly string[]): string {
  return `${field} in (${values.map((value) => `'${value.replaceAll("'", "''")}'`).join(',')})`;
}

const text = (value: unknown): string => (value === null || value === undefined ? '' : String(value));

/** Customer number → its salesman's number (BD_Customer.FSELLER), '' when it has none. Absent: no such customer. */
export async function findCustomerSellers(
  client: Pick<K3CloudClient, 'queryAll'>,
  customerNumbers: readonly string[],
  signal?: AbortSignal,
): Promise<Map<string, string>> {
  if (customerNumbers.length === 0) return new Map();
  const rows = await client.queryAll(
    {
      formId: 'BD_Customer',
      fieldKeys: ['FNumber', 'FSELLER.FNumber'],
      filterString: inFilter('FNumber', customerNumbers),
    },
    undefined,
    signal,
  );
  return new Map(rows.map((row) => [text(row[0]), text(row[1])]));
}

/** Sales orders by bill number (FBillNo), with their entries in sequence. */
export async function findSalesOrders(
  client: Pick<K3CloudClient, 'queryAll'>,
  billNos: readonly string[],
  signal?: AbortSignal,
): Promise<Map<string, SalesOrderRecord>> {
  if (billNos.length === 0) return new Map();
  const rows = await client.queryAll(
    {
      formId: 'SAL_SaleOrder',
      fieldKeys: ['FID', 'FBillNo', 'FSaleOrderEntry_FEntryID', 'FMaterialId.FNumber'],
      filterString: inFilter('FBillNo', billNos),
      orderString: 'FBillNo ASC,FSaleOrderEntry_FSeq ASC',
    },
    undefined,
    signal,
  );
  const orders = new Map<string, SalesOrderRecord>();
  for (const row of rows) {
    const billNo = text(row[1]);
    const order = orders.get(billNo) ?? { fid: Number(row[0]), billNo, entries: [] };
    order.entries.push({ entryId: Number(row[2]), materialNumber: text(row[3]) });
    orders.set(billNo, order);
  }
  return orders;
}

/** Bill number → internal id (FID) of the bills of `formId` that exist. */
export async function findBillIds(
  client: Pick<K3CloudClient, 'queryAll'>,
  formId: string,
  billNos: readonly string[],
  signal?: AbortSignal,
): Promise<Map<string, number>> {
  if (billNos.length === 0) return new Map();
  const rows = await client.queryAll(
    { formId, fieldKeys: ['FID', 'FBillNo'], filterString: inFilter('FBillNo', billNos) },
    undefined,
    signal,
  );
  return new Map(rows.map((row) => [text(row[1]), Number(row[0])]));
}
