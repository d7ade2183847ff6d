import type { RedisConnection } from '@wdt-k3/runtime';

/**
 * Which order saved each bill number: `{prefix}:bill-owner:<FBillNo>` → the order's key, written
 * when this product saves the bill. Found from outside: two stockout_ids sharing one order_no —
 * the second was reported saved with the first one's K3 id and vanished. When K3 already has a
 * bill, its owner tells "this order, saved before" from "another order's bill" (a collision).
 * A bill without an owner record (saved before this existed, by hand, or after the record
 * expired) counts as this order's. Kept `LOADER_BILL_OWNER_TTL_MS` (30 days by default: ~100
 * bytes per order saved in that time).
 */
export interface BillOwners {
  /** The order key that saved `billNo`, or null when none is recorded. */
  ownerOf(billNo: string): Promise<string | null>;
  /** Records the owner of a bill just saved (never overwrites another owner). */
  record(billNo: string, orderKey: string): Promise<void>;
}

export const billOwnerKey = (prefix: string, billNo: string): string => `${prefix}:bill-owner:${billNo}`;

export function createBillOwners(redis: RedisConnection, prefix: string, ttlMs: number): BillOwners {
  return {
    ownerOf: (billNo) => redis.get(billOwnerKey(prefix, billNo)),
    record: async (billNo, orderKey) => {
      await redis.set(billOwnerKey(prefix, billNo), orderKey, 'PX', ttlMs, 'NX');
    },
  };
}
