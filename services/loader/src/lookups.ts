import {
  findBillIds,
  findCustomerSellers,
  findSalesOrders,
  type K3CloudClient,
} from '@wdt-k3/k3cloud-client';
import type { SalesOrderLookup } from '@wdt-k3/mapping';
import type { Logger, RedisConnection } from '@wdt-k3/runtime';
import { createBatchedLookup } from './batched-lookup.ts';
import { SAL_OUTSTOCK } from './bill-saver.ts';

export interface Lookups {
  /** The customer's salesman number (BD_Customer.FSELLER); null when the customer has none or does not exist. */
  salesman(customerNumber: string): Promise<string | null>;
  /** The sales order with FBillNo = `billNo` and its entries; null when K3 does not have it. */
  salesOrder(billNo: string): Promise<SalesOrderLookup | null>;
  /** The FID of the SAL_OUTSTOCK bill numbered `billNo`, or null (a miss is not cached). */
  billId(billNo: string): Promise<number | null>;
}

export interface LookupSettings {
  readonly cacheTtlMs: number;
  readonly missTtlMs: number;
  readonly batchWaitMs: number;
}

/** Customer → salesman and sales order → entries, batched and cached (see createBatchedLookup). */
export function createLookups(
  client: K3CloudClient,
  redis: RedisConnection,
  cacheKeyPrefix: string,
  settings: LookupSettings,
  logger: Logger,
  onCacheResult?: (lookup: string, hit: boolean) => void,
  onCacheWriteFailed?: () => void,
): Lookups {
  const common = {
    redis,
    cacheKeyPrefix,
    ttlMs: settings.cacheTtlMs,
    missTtlMs: settings.missTtlMs,
    waitMs: settings.batchWaitMs,
    maxBatch: 100,
    logger,
    ...(onCacheWriteFailed === undefined ? {} : { onCacheWriteFailed }),
  };
  // A customer without a salesman is cached as the empty string, so it is not asked again.
  const customers = createBatchedLookup<string>({
    ...common,
    name: 'customer-seller',
    onCacheResult: (hit) => onCacheResult?.('customer', hit),
    fetch: (numbers) => findCustomerSellers(client, numbers),
  });
  const salesOrders = createBatchedLookup<SalesOrderLookup>({
    ...common,
    name: 'sales-order',
    onCacheResult: (hit) => onCacheResult?.('sales-order', hit),
    fetch: (billNos) => findSalesOrders(client, billNos),
  });
  // A bill once found stays (bills are not deleted by this product); "not there" is asked afresh.
  const bills = createBatchedLookup<number>({
    ...common,
    missTtlMs: 1,
    name: 'outstock-bill',
    onCacheResult: (hit) => onCacheResult?.('outstock-bill', hit),
    fetch: (billNos) => findBillIds(client, SAL_OUTSTOCK, billNos),
  });
  return {
    billId: (billNo) => bills.get(billNo),
    salesman: async (customerNumber) => {
      const seller = await customers.get(customerNumber);
      return seller === null || seller === '' ? null : seller;
    },
    salesOrder: (billNo) => salesOrders.get(billNo),
  };
}
