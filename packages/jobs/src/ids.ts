import { createHash } from 'node:crypto';

/**
 * Order job id, derived from WDT's `stockout_id` (its unique record id): the same order
 * enqueued twice is one job while the first is retained. BullMQ rejects ids that are all
 * digits or contain ':', hence the `so-` prefix. An order without a usable stockout_id gets
 * an id from its content, so it is still enqueued (and dead-lettered by the loader) exactly once.
 */
export function orderJobId(order: Readonly<Record<string, unknown>>): string {
  const raw = order.stockout_id;
  const id =
    typeof raw === 'number' && Number.isSafeInteger(raw)
      ? String(raw)
      : typeof raw === 'string'
        ? raw.trim()
        : '';
  if (/^[A-Za-z0-9_-]{1,64}$/.test(id)) return `so-${id}`;
  return `so-x-${createHash('sha256').update(stableJson(order)).digest('hex').slice(0, 32)}`;
}

/**
 * Fields of a WDT order that change without changing what the bill is built from (status moves,
 * warehouse and print bookkeeping, the modified stamp). Left out of `contentHashOf`, so a stock-out
 * that only completed (95 → 110) or was printed is not read as a change.
 */
export const VOLATILE_ORDER_FIELDS: ReadonlySet<string> = new Set([
  'modified',
  'status',
  'trade_status',
  'consign_status',
  'wms_status',
  'refund_status',
  'picklist_no',
  'picklist_print_status',
  'invoice_print_status',
  'print_batch_no',
  'ebill_status',
  'flag_id',
  'note_count',
  'package_id',
  'pack_score',
  'pick_error_count',
  'is_allocated',
  'md5_str',
]);

/** A short hash of the order as WDT sent it, without its volatile fields (details' `modified` too). */
export function contentHashOf(order: Readonly<Record<string, unknown>>): string {
  const kept = Object.fromEntries(Object.entries(order).filter(([key]) => !VOLATILE_ORDER_FIELDS.has(key)));
  if (Array.isArray(kept.details_list))
    kept.details_list = kept.details_list.map((detail: unknown) =>
      detail !== null && typeof detail === 'object'
        ? Object.fromEntries(
            Object.entries(detail as Record<string, unknown>).filter(([key]) => key !== 'modified'),
          )
        : detail,
    );
  return createHash('sha256').update(stableJson(kept)).digest('hex').slice(0, 32);
}

/** A short, stable hash of any JSON value (object keys sorted), for comparing bills. */
export function stableHash(value: unknown): string {
  return createHash('sha256').update(stableJson(value)).digest('hex').slice(0, 32);
}

/** A job that checks an order WDT changed after it was processed: same order, new id (`-c<hash>`). */
export const recheckJobId = (orderJobIdOfOrder: string, contentHash: string): string =>
  `${orderJobIdOfOrder}-c${contentHash.slice(0, 12)}`;

/** The id of the n-th replay of a dead letter: a fresh id, so BullMQ does not ignore it. */
export function replayJobId(originalJobId: string, replayNumber: number): string {
  return `${originalJobId.replace(/-r\d+$/, '')}-r${replayNumber}`;
}

/**
 * JSON with object keys sorted (code-unit order), the input of every stored hash: its output
 * must never change. One string built in place: the entries/map/join version was 9 % of a
 * loader's CPU at batchSize 50 (--cpu-prof, 20,000 orders); ids.test.ts pins it to that version.
 */
export function stableJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    let out = '[';
    for (let index = 0; index < value.length; index += 1) {
      if (index > 0) out += ',';
      // A hole joined as '' in the map/join version; JSON never has one, kept all the same.
      if (index in value) out += stableJson(value[index]);
    }
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  let out = '{';
  for (let index = 0; index < keys.length; index += 1) {
    const key = keys[index] as string;
    if (index > 0) out += ',';
    out += `${JSON.stringify(key)}:${stableJson(record[key])}`;
  }
  return `${out}}`;
}

/**
 * The id of a run's `sync.commit` job (the parent of its pages). The extractor adds it; the admin
 * reads it to say whether a backfill or an order sync has committed, so it lives in the contract.
 */
export const commitJobId = (runId: string): string => `commit-${runId}`;
