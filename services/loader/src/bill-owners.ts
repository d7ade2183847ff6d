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

const billOwnerKey = (prefix: string, billNo: string): string => `${prefix}:bill-owner:${billNo}`;

/**
 * Settles of concurrent jobs share one round trip, sent a moment after the first arrives (as the
 * event emitter does): a pipeline per order was 9 % of a busy loader's CPU (--cpu-prof,
 * batchSize 50), most of it ioredis building the Pipeline object.
 */
const SETTLE_FLUSH_MS = 2;

/**
 * Every settle of a flush in one script call: two SETs per order were two commands for ioredis to
 * build, encode and match replies to; one call is one. KEYS: owner and done key of each order, in
 * pairs; ARGV: the two TTLs, then order key and content hash of each order. The owner is never
 * overwritten (NX). All keys share the queue prefix's hash tag: one Cluster slot.
 */
const SETTLE_SCRIPT = `
local ownerTtl, doneTtl = ARGV[1], ARGV[2]
for i = 1, #KEYS, 2 do
  redis.call('SET', KEYS[i], ARGV[i + 2], 'PX', ownerTtl, 'NX')
  redis.call('SET', KEYS[i + 1], ARGV[i + 3], 'PX', doneTtl)
end
return #KEYS / 2
`;
const COMMAND = 'wdtk3SettleOwners';
type SettleCommand = (numKeys: number, ...args: Array<string | number>) => Promise<number>;

export function createBillOwners(
  redis: RedisConnection,
  prefix: string,
  ttls: { readonly ownerTtlMs: number; readonly doneTtlMs: number },
): BillOwners {
  type Pending = {
    readonly billNo: string;
    readonly orderKey: string;
    readonly contentHash: string;
    readonly resolve: () => void;
    readonly reject: (err: unknown) => void;
  };
  redis.defineCommand(COMMAND, { lua: SETTLE_SCRIPT });
  const command = (redis as unknown as Record<string, SettleCommand>)[COMMAND] as SettleCommand;
  let pending: Pending[] = [];
  let timer: NodeJS.Timeout | undefined;
  const flush = (): void => {
    timer = undefined;
    const batch = pending;
    pending = [];
    const keys: string[] = [];
    const args: string[] = [];
    for (const entry of batch) {
      keys.push(billOwnerKey(prefix, entry.billNo), orderDoneKey(prefix, entry.orderKey));
      args.push(entry.orderKey, entry.contentHash);
    }
    command.call(redis, keys.length, ...keys, ttls.ownerTtlMs, ttls.doneTtlMs, ...args).then(
      () => {
        for (const entry of batch) entry.resolve();
      },
      // A script stopped by an error may have written some of its orders: all of them fail, and
      // a retry of any finds its bill in K3 and settles again (both SETs may repeat).
      (err: unknown) => {
        for (const entry of batch) entry.reject(err);
      },
    );
  };
  return {
    ownerOf: (billNo) => redis.get(billOwnerKey(prefix, billNo)),
    settle: (billNo, orderKey, contentHash) =>
      new Promise<void>((resolve, reject) => {
        pending.push({ billNo, orderKey, contentHash, resolve, reject });
        if (timer === undefined) timer = setTimeout(flush, SETTLE_FLUSH_MS);
      }),
  };
}
