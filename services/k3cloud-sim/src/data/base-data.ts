import type { Dataset, SalesOrder } from '@wdt-k3/sim-data';

export interface BaseRecord {
  readonly id: number;
  readonly number: string;
  readonly name: string;
}
export interface CustomerRecord extends BaseRecord {
  /** FSELLER: the customer's salesman number, or null. */
  readonly sellerNumber: string | null;
}
export interface SalesOrderEntryRecord {
  readonly entryId: number;
  readonly seq: number;
  readonly materialNumber: string;
  readonly qty: number;
  readonly taxPrice: number;
}
export interface SalesOrderRecord {
  readonly fid: number;
  readonly billNo: string;
  readonly date: string;
  readonly customerNumber: string;
  readonly saleOrgNumber: string;
  readonly entries: readonly SalesOrderEntryRecord[];
}

export const BASE_KINDS = ['customers', 'materials', 'stocks', 'salesmen', 'orgs'] as const;
export type BaseKind = (typeof BASE_KINDS)[number];

const ID_BASE: Record<BaseKind, number> = {
  customers: 100_001,
  materials: 200_001,
  stocks: 300_001,
  salesmen: 400_001,
  orgs: 1,
};

/** K3 presets every account has (reference §6): bill types and stock statuses. */
export const BILL_TYPES = new Set([
  'XSCKD01_SYS',
  'XSCKD02_SYS',
  'XSCKD03_SYS',
  'XSCKD04_SYS',
  'XSCKD05_SYS',
  'XSCKD06_SYS',
  'XSCKD07_SYS',
]);
export const STOCK_STATUSES = new Set(['KCZT01_SYS', 'KCZT02_SYS', 'KCZT03_SYS', 'KCZT04_SYS', 'KCZT05_SYS']);

/**
 * Generated sales orders are remembered by FID (link checks) and by number, up to this many: a
 * stock-out's save looks its sales order up again right after the loader's query did, and
 * generating one from the dataset was 15 % of the simulator's CPU (loader bench, --cpu-prof).
 */
const RESOLVED_CACHE_LIMIT = 20_000;

/**
 * Base data and sales orders. Explicit records come from `/_sim/basedata`; generated datasets
 * contribute their small catalog eagerly and their sales orders lazily through
 * `dataset.salesOrderFor(billNo)`, so a million-order dataset costs nothing until asked.
 */
export class BaseDataStore {
  readonly records: Record<BaseKind, Map<string, BaseRecord | CustomerRecord>> = {
    customers: new Map(),
    materials: new Map(),
    stocks: new Map(),
    salesmen: new Map(),
    orgs: new Map(),
  };
  readonly #nextId: Record<BaseKind, number> = { ...ID_BASE };
  readonly #orders = new Map<string, SalesOrderRecord>();
  readonly #ordersByFid = new Map<number, SalesOrderRecord>();
  readonly #resolved = new Map<number, SalesOrderRecord>();
  readonly #resolvedByNo = new Map<string, SalesOrderRecord>();
  readonly #datasets: Dataset[] = [];
  #nextFid = 900_001;

  find(kind: BaseKind, number: string | undefined): BaseRecord | undefined {
    return number === undefined ? undefined : this.records[kind].get(number);
  }

  customer(number: string | undefined): CustomerRecord | undefined {
    return this.find('customers', number) as CustomerRecord | undefined;
  }

  add(kind: BaseKind, number: string, name?: string, sellerNumber?: string | null): void {
    const existing = this.records[kind].get(number);
    const id = existing?.id ?? this.#nextId[kind]++;
    const record = { id, number, name: name ?? number };
    this.records[kind].set(
      number,
      kind === 'customers' ? { ...record, sellerNumber: sellerNumber ?? null } : record,
    );
  }

  addSalesOrder(input: {
    fid?: number | undefined;
    billNo: string;
    date?: string | undefined;
    customerNumber?: string | undefined;
    saleOrgNumber?: string | undefined;
    entries: ReadonlyArray<{
      entryId?: number | undefined;
      materialNumber: string;
      qty: number;
      taxPrice?: number | undefined;
    }>;
  }): SalesOrderRecord {
    const fid = input.fid ?? this.#orders.get(input.billNo)?.fid ?? this.#nextFid++;
    const order: SalesOrderRecord = {
      fid,
      billNo: input.billNo,
      date: input.date ?? new Date().toISOString().slice(0, 10),
      customerNumber: input.customerNumber ?? '',
      saleOrgNumber: input.saleOrgNumber ?? '100',
      entries: input.entries.map((entry, i) => ({
        entryId: entry.entryId ?? fid * 100 + i + 1,
        seq: i + 1,
        materialNumber: entry.materialNumber,
        qty: entry.qty,
        taxPrice: entry.taxPrice ?? 0,
      })),
    };
    this.#orders.set(order.billNo, order);
    this.#ordersByFid.set(fid, order);
    return order;
  }

  addDataset(dataset: Dataset): void {
    const { catalog } = dataset;
    for (const salesman of catalog.salesmen) this.add('salesmen', salesman.number, salesman.name);
    for (const customer of catalog.customers)
      this.add('customers', customer.nick, customer.nick, customer.sellerNumber);
    for (const material of catalog.materials) {
      this.add('materials', material.goodsNo, `${material.goodsName} ${material.specName}`);
    }
    for (const warehouse of catalog.warehouses)
      this.add('stocks', warehouse.warehouseNo, warehouse.warehouseName);
    for (const org of catalog.orgNumbers) this.add('orgs', org, org === '100' ? '总部' : `销售组织${org}`);
    this.#datasets.push(dataset);
  }

  /** Explicit orders first, then every generated dataset. */
  salesOrder(billNo: string): SalesOrderRecord | undefined {
    const explicit = this.#orders.get(billNo);
    if (explicit !== undefined) return explicit;
    const seen = this.#resolvedByNo.get(billNo);
    if (seen !== undefined) return seen;
    for (const dataset of this.#datasets) {
      const generated = dataset.salesOrderFor(billNo);
      if (generated !== undefined) return this.#remember(fromDataset(generated));
    }
    return undefined;
  }

  /** By FID: explicit orders, or generated ones seen before (a link row names FSrcBillNo too). */
  salesOrderByFid(fid: number): SalesOrderRecord | undefined {
    return this.#ordersByFid.get(fid) ?? this.#resolved.get(fid);
  }

  explicitSalesOrders(): IterableIterator<SalesOrderRecord> {
    return this.#orders.values();
  }

  counts(): Record<BaseKind | 'salesOrders' | 'datasets', number> {
    return {
      customers: this.records.customers.size,
      materials: this.records.materials.size,
      stocks: this.records.stocks.size,
      salesmen: this.records.salesmen.size,
      orgs: this.records.orgs.size,
      salesOrders: this.#orders.size,
      datasets: this.#datasets.length,
    };
  }

  #remember(order: SalesOrderRecord): SalesOrderRecord {
    if (this.#resolved.size >= RESOLVED_CACHE_LIMIT) {
      const oldest = this.#resolved.values().next().value;
      if (oldest !== undefined) {
        this.#resolved.delete(oldest.fid);
        this.#resolvedByNo.delete(oldest.billNo);
      }
    }
    this.#resolved.set(order.fid, order);
    this.#resolvedByNo.set(order.billNo, order);
    return order;
  }
}

/** sim-data keeps quantities and prices in ten-thousandths; K3 shows decimals. */
function fromDataset(order: SalesOrder): SalesOrderRecord {
  return {
    fid: order.fid,
    billNo: order.billNo,
    date: order.date,
    customerNumber: order.customerNumber,
    saleOrgNumber: order.saleOrgNumber,
    entries: order.entries.map((entry) => ({
      entryId: entry.entryId,
      seq: entry.seq,
      materialNumber: entry.materialNumber,
      qty: entry.qty / 10_000,
      taxPrice: entry.taxPrice / 10_000,
    })),
  };
}
