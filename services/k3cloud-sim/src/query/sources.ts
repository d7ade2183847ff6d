import type {
  BaseDataStore,
  BaseKind,
  BaseRecord,
  CustomerRecord,
  SalesOrderEntryRecord,
  SalesOrderRecord,
} from '../data/base-data.ts';
import type { BillStore, StoredBill } from '../data/bill-store.ts';
import { entriesOf, headerValue, refNumber } from '../forms/outstock-model.ts';

/** One queryable column: header-level or entry-level (entry fields make one row per entry). */
export interface FieldDef {
  readonly entry: boolean;
  readonly get: (header: unknown, entry: unknown) => unknown;
}

/** A form ExecuteBillQuery can read. Field keys are lower-cased. */
export interface FormSource {
  /** The field an `=`/`in` filter can use as an index (FBillNo / FNumber). */
  readonly numberField: string;
  field(key: string): FieldDef | undefined;
  headers(numbers: readonly string[] | undefined): Iterable<unknown>;
  entries(header: unknown): readonly unknown[];
  /**
   * The order `headers` and `entries` yield rows in, as ascending field keys (SAL_OUTSTOCK: FID,
   * then the entry's FSeq). A query ordered by a prefix of it can stop once it has its rows.
   */
  readonly naturalOrder?: readonly string[];
}

type Getter<H, E> = (header: H, entry: E) => unknown;
const header = <H>(get: (h: H) => unknown): FieldDef => ({ entry: false, get: (h) => get(h as H) });
const entry = <H, E>(get: Getter<H, E>): FieldDef => ({ entry: true, get: (h, e) => get(h as H, e as E) });

/** K3 answers dates as `yyyy-MM-ddTHH:mm:ss`. */
function k3Date(value: unknown): string | null {
  if (typeof value !== 'string' || value === '') return null;
  const [day, time] = value.split(/[ T]/);
  return `${day}T${(time ?? '00:00:00').padEnd(8, ':00').slice(0, 8)}`;
}

/** `X.FNumber`, `X.FName` and bare `X` (the internal id) for a base-data reference. */
function refFields(
  key: string,
  kind: BaseKind,
  data: BaseDataStore,
  number: (h: unknown, e: unknown) => string | undefined,
  isEntry: boolean,
): Record<string, FieldDef> {
  const record = (h: unknown, e: unknown): BaseRecord | undefined => data.find(kind, number(h, e));
  return {
    [`${key}.fnumber`]: { entry: isEntry, get: (h, e) => number(h, e) ?? null },
    [`${key}.fname`]: { entry: isEntry, get: (h, e) => record(h, e)?.name ?? null },
    [key]: { entry: isEntry, get: (h, e) => record(h, e)?.id ?? 0 },
  };
}

/**
 * A stored bill as one query sees it: the bill's package decoded once, on the first field that
 * needs it (the store keeps bills packed; FID, FBillNo and the status need no decoding).
 */
class BillRow {
  readonly #bill: StoredBill;
  #model: Record<string, unknown> | undefined;

  constructor(bill: StoredBill) {
    this.#bill = bill;
  }

  get id(): number {
    return this.#bill.id;
  }

  get billNo(): string {
    return this.#bill.billNo;
  }

  get status(): string {
    return this.#bill.status;
  }

  get entryIds(): readonly number[] {
    return this.#bill.entryIds;
  }

  get date(): unknown {
    return this.#bill.date;
  }

  get model(): Record<string, unknown> {
    this.#model ??= this.#bill.model;
    return this.#model;
  }
}

interface OutEntry {
  readonly model: Record<string, unknown>;
  readonly id: number;
  readonly seq: number;
}

function outstockSource(bills: BillStore, data: BaseDataStore): FormSource {
  const h = (key: string) => (bill: unknown) => refNumber((bill as BillRow).model[key]);
  const e = (key: string) => (_bill: unknown, row: unknown) => refNumber((row as OutEntry).model[key]);
  const fields: Record<string, FieldDef> = {
    fid: header<BillRow>((b) => b.id),
    fbillno: header<BillRow>((b) => b.billNo),
    fdate: header<BillRow>((b) => k3Date(b.date)),
    fdocumentstatus: header<BillRow>((b) => b.status),
    fnote: header<BillRow>((b) => b.model.FNote ?? null),
    fcarriageno: header<BillRow>((b) => b.model.FCarriageNO ?? null),
    'fbilltypeid.fnumber': header<BillRow>((b) => refNumber(b.model.FBillTypeID) ?? null),
    ...refFields('fcustomerid', 'customers', data, h('FCustomerID'), false),
    ...refFields('fsalesmanid', 'salesmen', data, h('FSalesManID'), false),
    ...refFields('fstockorgid', 'orgs', data, h('FStockOrgId'), false),
    ...refFields('fsaleorgid', 'orgs', data, h('FSaleOrgId'), false),
    fentity_fentryid: entry<BillRow, OutEntry>((_b, r) => r.id),
    fentity_fseq: entry<BillRow, OutEntry>((_b, r) => r.seq),
    ...refFields('fmaterialid', 'materials', data, e('FMaterialID'), true),
    ...refFields('fstockid', 'stocks', data, e('FStockID'), true),
    'fstockstatusid.fnumber': entry<BillRow, OutEntry>((_b, r) => refNumber(r.model.FStockStatusID) ?? null),
    frealqty: entry<BillRow, OutEntry>((_b, r) => Number(r.model.FRealQty ?? 0)),
    ftaxprice: entry<BillRow, OutEntry>((_b, r) => Number(r.model.FTaxPrice ?? 0)),
    fisfree: entry<BillRow, OutEntry>((_b, r) => String(r.model.FIsFree ?? false).toLowerCase() === 'true'),
    fsrctype: entry<BillRow, OutEntry>((_b, r) => r.model.FSrcType ?? null),
    fsrcbillno: entry<BillRow, OutEntry>((_b, r) => r.model.FSrcBillNo ?? null),
    fsoorderno: entry<BillRow, OutEntry>((_b, r) => r.model.FSoorDerno ?? null),
    fsoentryid: entry<BillRow, OutEntry>((_b, r) => Number(r.model.FSOEntryId ?? 0)),
  };
  return {
    numberField: 'fbillno',
    // Bills are kept and looked up in FID order (save order), entries in FSeq order.
    naturalOrder: ['fid', 'fentity_fseq'],
    // Custom header fields (F_*) are whatever the saved packages carried.
    field: (key) =>
      fields[key] ??
      (key.startsWith('f_') && !key.includes('.')
        ? header<BillRow>((b) => {
            const value = headerValue(b.model, key);
            return refNumber(value) ?? value ?? null;
          })
        : undefined),
    headers: (numbers) =>
      numbers === undefined
        ? (function* rows() {
            for (const bill of bills.all()) yield new BillRow(bill);
          })()
        : [...new Set(numbers)]
            .flatMap((number) => bills.allByNumber(number))
            .sort((a, b) => a.id - b.id)
            .map((bill) => new BillRow(bill)),
    entries: (bill) => {
      const stored = bill as BillRow;
      return entriesOf(stored.model).map((model, i) => ({ model, id: stored.entryIds[i] ?? 0, seq: i + 1 }));
    },
  };
}

function salesOrderSource(data: BaseDataStore): FormSource {
  const byBillNo = (a: SalesOrderRecord, b: SalesOrderRecord): number =>
    a.billNo < b.billNo ? -1 : a.billNo > b.billNo ? 1 : 0;
  const fields: Record<string, FieldDef> = {
    fid: header<SalesOrderRecord>((o) => o.fid),
    fbillno: header<SalesOrderRecord>((o) => o.billNo),
    fdate: header<SalesOrderRecord>((o) => k3Date(o.date)),
    fdocumentstatus: header<SalesOrderRecord>(() => 'C'),
    ...refFields(
      'fcustid',
      'customers',
      data,
      (o) => (o as SalesOrderRecord).customerNumber || undefined,
      false,
    ),
    ...refFields('fsaleorgid', 'orgs', data, (o) => (o as SalesOrderRecord).saleOrgNumber, false),
    fsaleorderentry_fentryid: entry<SalesOrderRecord, SalesOrderEntryRecord>((_o, r) => r.entryId),
    fsaleorderentry_fseq: entry<SalesOrderRecord, SalesOrderEntryRecord>((_o, r) => r.seq),
    ...refFields(
      'fmaterialid',
      'materials',
      data,
      (_o, r) => (r as SalesOrderEntryRecord).materialNumber,
      true,
    ),
    fqty: entry<SalesOrderRecord, SalesOrderEntryRecord>((_o, r) => r.qty),
    ftaxprice: entry<SalesOrderRecord, SalesOrderEntryRecord>((_o, r) => r.taxPrice),
  };
  return {
    numberField: 'fbillno',
    field: (key) => fields[key],
    // Generated orders exist only lazily: they are found by FBillNo (= / in), never by a scan.
    headers: (numbers) =>
      (numbers === undefined
        ? [...data.explicitSalesOrders()]
        : [...new Set(numbers)]
            .map((number) => data.salesOrder(number))
            .filter((order): order is SalesOrderRecord => order !== undefined)
      ).sort(byBillNo),
    entries: (order) => (order as SalesOrderRecord).entries,
  };
}

function baseDataSource(data: BaseDataStore, kind: BaseKind, idKey: string): FormSource {
  const fields: Record<string, FieldDef> = {
    [idKey]: header<BaseRecord>((r) => r.id),
    fnumber: header<BaseRecord>((r) => r.number),
    fname: header<BaseRecord>((r) => r.name),
    fdocumentstatus: header<BaseRecord>(() => 'C'),
    fforbidstatus: header<BaseRecord>(() => 'A'),
    ...(kind === 'customers'
      ? refFields('fseller', 'salesmen', data, (r) => (r as CustomerRecord).sellerNumber ?? undefined, false)
      : {}),
  };
  return {
    numberField: 'fnumber',
    field: (key) => fields[key],
    headers: (numbers) =>
      numbers === undefined
        ? data.records[kind].values()
        : [...new Set(numbers)]
            .map((number) => data.find(kind, number))
            .filter((record): record is BaseRecord => record !== undefined),
    entries: () => [],
  };
}

/** Form ids (lower-cased) the query service knows. */
export function formSources(bills: BillStore, data: BaseDataStore): Map<string, FormSource> {
  const salesman = baseDataSource(data, 'salesmen', 'fid');
  return new Map([
    ['sal_outstock', outstockSource(bills, data)],
    ['sal_saleorder', salesOrderSource(data)],
    ['bd_customer', baseDataSource(data, 'customers', 'fcustid')],
    ['bd_material', baseDataSource(data, 'materials', 'fmaterialid')],
    ['bd_stock', baseDataSource(data, 'stocks', 'fstockid')],
    ['bd_saler', salesman],
    ['v_bd_salesman', salesman],
    ['org_organizations', baseDataSource(data, 'orgs', 'forgid')],
  ]);
}
