import type { K3CloudClient } from '@wdt-k3/k3cloud-client';
import type { SalesOrderLookup } from '@wdt-k3/mapping';
import type { Logger, RedisConnection } from '@wdt-k3/runtime';
import { createBatchedLookup, inFilter } from './batched-lookup.ts';

export interface Lookups {
  /** The customer's salesman number (BD_Customer.FSELLER); null when the customer has none or does not exist. */
  salesman(customerNumber: string): Promise<string | null>;
  /** The sales order with FBillNo = `billNo` and its entries; null when K3 does not have it. */
  salesOrder(billNo: string): Promise<SalesOrderLookup | null>;
}

export interface LookupSettings {
  readonly cacheTtlMs: number;
  readonly missTtlMs: number;
  readonly batchWaitMs: number;
}

const text = (value: unknown): string => (value === null || value === undefined ? '' : String(value));

/** Customer → salesman and sales order → entries, batched and cached (see createBatchedLookup). */
export function createLookups(
  client: K3CloudClient,
  redis: RedisConnection,
  cacheKeyPrefix: string,
  settings: LookupSettings,
  logger: Logger,
  onCacheResult?: (lookup: string, hit: boolean) => void,
): Lookups {
  const common = {
    redis,
    cacheKeyPrefix,
    ttlMs: settings.cacheTtlMs,
    missTtlMs: settings.missTtlMs,
    waitMs: settings.batchWaitMs,
    maxBatch: 100,
    logger,
  };
  // A customer without a salesman is cached as the empty string, so it is not asked again.
  const customers = createBatchedLookup<string>({
    ...common,
    name: 'customer-seller',
    onCacheResult: (hit) => onCacheResult?.('customer', hit),
    fetch: async (numbers) => {
      const rows = await client.queryAll({
        formId: 'BD_Customer',
        fieldKeys: ['FNumber', 'FSELLER.FNumber'],
        filterString: inFilter('FNumber', numbers),
      });
      return new Map(rows.map((row) => [text(row[0]), text(row[1])]));
    },
  });
  const salesOrders = createBatchedLookup<SalesOrderLookup>({
    ...common,
    name: 'sales-order',
    onCacheResult: (hit) => onCacheResult?.('sales-order', hit),
    fetch: async (billNos) => {
      const rows = await client.queryAll({
        formId: 'SAL_SaleOrder',
        fieldKeys: ['FID', 'FBillNo', 'FSaleOrderEntry_FEntryID', 'FMaterialId.FNumber', 'FQty'],
        filterString: inFilter('FBillNo', billNos),
        orderString: 'FBillNo ASC,FSaleOrderEntry_FSeq ASC',
      });
      const byBill = new Map<string, SalesOrderLookup>();
      for (const row of rows) {
        const billNo = text(row[1]);
        const order = byBill.get(billNo) ?? { fid: Number(row[0]), billNo, entries: [] };
        order.entries.push({ entryId: Number(row[2]), materialNumber: text(row[3]) });
        byBill.set(billNo, order);
      }
      return byBill;
    },
  });
  return {
    salesman: async (customerNumber) => {
      const seller = await customers.get(customerNumber);
      return seller === null || seller === '' ? null : seller;
    },
    salesOrder: (billNo) => salesOrders.get(billNo),
  };
}
