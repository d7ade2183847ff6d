import { orderDoneKey } from '@wdt-k3/jobs';
import type { RedisConnection } from '@wdt-k3/runtime';

/**
 * What the loader remembers of each order it saved, written in one round trip when the order is
 * done:
 * - which order saved each bill number: `{prefix}:bill-owner:<FBillNo>` → the order's key. Found
 *   from outside: two stockout_ids sharing one order_no — the second was reported saved with the
 *   first one's K3 id and vanished. When K3 already has a bill, its owner tells "this order, saved
 *   before" from "another order's bill" (a collision). A bill without an owner record (saved
 *   before this existed, by hand, or after the record expired) counts as this order's. Kept
 *   `LOADER_BILL_OWNER_TTL_MS` (30 days by default).
 * - that the order is done, with the content hash of what was loaded: `{prefix}:done:<order key>`
 *   (`orderDoneKey`), read by the extractor's re-reads. Kept `LOADER_DONE_TTL_MS`.
 * About 100 bytes each in Redis.
 */
export interface BillOwners {
  /** The order key that saved `billNo`, or null when none is recorded. */
  ownerOf(billNo: string): Promise<string | null>;
  /**
   * The order is done with bill `billNo`: records its owner (never overwriting another owner:
   * callers have checked there is none) and the order's done record.
   */
  settle(billNo: string, orderKey: string, contentHash: string): Promise<void>;
}

export const billOwnerKey = (prefix: string, billNo: string): string => `${prefix}:bill-owner:${billNo}`;

export function createBillOwners(
  redis: RedisConnection,
  prefix: string,
  ttls: { readonly ownerTtlMs: number; readonly doneTtlMs: number },
): BillOwners {
  return {
    ownerOf: (billNo) => redis.get(billOwnerKey(prefix, billNo)),
    settle: async (billNo, orderKey, contentHash) => {
      // Both keys under the prefix's hash tag: one slot, one pipelined round trip on a Cluster.
      const results = await redis
        .pipeline()
        .set(billOwnerKey(prefix, billNo), orderKey, 'PX', ttls.ownerTtlMs, 'NX')
        .set(orderDoneKey(prefix, orderKey), contentHash, 'PX', ttls.doneTtlMs)
        .exec();
      const failed = (results ?? []).find(([err]) => err !== null)?.[0];
      if (failed) throw failed;
    },
  };
}
