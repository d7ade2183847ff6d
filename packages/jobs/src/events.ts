import { z } from 'zod';

/**
 * The event catalogue: what happened to an order, emitted by the services to one Redis stream
 * (`{prefix}:events`) and projected into the order ledger (packages/ledger). Beside the job
 * catalogue because both are the contract between services. Emission is at-least-once (an event
 * is written before the job that caused it completes); the ledger is idempotent under redelivery.
 * New fields stay `.optional()` until every producer writes them.
 *
 * `orderKey` is the order's job id without a replay suffix (`so-<stockout_id>`): one identity per
 * stock-out through extraction, retries, dead letters and replays.
 */
const epochMs = z.number().int().nonnegative();
const orderKey = z.string().min(1).max(80);
const text = z.string().max(500);
const optionalText = text.nullable();

/** A base-data number K3 or the mapping could not resolve: what the K3 administrator must create. */
export const blockingNumberSchema = z.object({
  kind: z.string().min(1).max(40),
  number: z.string().min(1).max(200),
});

export const EVENT_SCHEMAS = {
  'order.extracted': z.object({
    orderKey,
    at: epochMs,
    stockoutId: optionalText,
    orderNo: optionalText,
    stockoutNo: optionalText,
    srcTradeNo: optionalText,
    logisticsNo: optionalText,
    shopNo: optionalText,
    warehouseNo: optionalText,
    /** `yyyy-MM-dd HH:mm:ss` Beijing, as WDT sent it. */
    consignTime: optionalText,
    wdtStatus: z.number().int().nullable(),
    /** Hash of the WDT order as received, volatile fields (`modified`, statuses) left out. */
    contentHash: z.string().min(1).max(80),
    runId: z.string().min(1).max(120),
    runKind: z.string().min(1).max(20),
  }),
  'order.attempt_failed': z.object({
    orderKey,
    at: epochMs,
    jobId: z.string().min(1).max(120),
    attempt: z.number().int().nonnegative(),
    code: z.string().min(1).max(60),
    retryable: z.boolean(),
    message: text,
  }),
  'order.saved': z.object({
    orderKey,
    at: epochMs,
    jobId: z.string().min(1).max(120),
    billNo: z.string().min(1).max(80),
    fid: optionalText,
    /** The bill already existed in K3 (a re-read, a retry after an ambiguous save). */
    already: z.boolean(),
    /** Hash of the bill as built from WDT and the profile (without K3 lookups); null when it no longer maps. */
    billHash: z.string().min(1).max(80).nullable(),
    /** That bill's fields, for the diff shown when an order changes after it was saved. */
    bill: z.record(z.string(), z.unknown()).nullable(),
    /** The order's `contentHash` (as in `order.extracted`) of what this job processed. */
    contentHash: z.string().min(1).max(80).nullable().optional(),
    /** The job was an edited replay: the hash of the unedited original, which is not a change. */
    editedFrom: z.string().min(1).max(80).nullable().optional(),
  }),
  'order.dead_lettered': z.object({
    orderKey,
    at: epochMs,
    jobId: z.string().min(1).max(120),
    deadLetterId: z.string().min(1).max(120),
    code: z.string().min(1).max(60),
    message: text,
    attempts: z.number().int().nonnegative(),
    blocking: z.array(blockingNumberSchema).max(50).default([]),
  }),
  'order.replayed': z.object({
    orderKey,
    at: epochMs,
    deadLetterId: z.string().min(1).max(120),
    jobId: z.string().min(1).max(120),
    by: z.string().min(1).max(100),
    edited: z.boolean(),
  }),
  'order.discarded': z.object({
    orderKey,
    at: epochMs,
    deadLetterId: z.string().min(1).max(120),
    by: z.string().min(1).max(100),
    reason: text,
  }),
  'order.undiscarded': z.object({ orderKey, at: epochMs, by: z.string().min(1).max(100) }),
} as const;

export type EventType = keyof typeof EVENT_SCHEMAS;
export const EVENT_TYPES = Object.keys(EVENT_SCHEMAS) as EventType[];
export type EventData<T extends EventType> = z.output<(typeof EVENT_SCHEMAS)[T]>;
export type EventInput<T extends EventType> = z.input<(typeof EVENT_SCHEMAS)[T]>;

/** One event as it travels: its type and its data. */
export type OrderEvent = { [T in EventType]: { readonly type: T; readonly data: EventData<T> } }[EventType];

/** The stream under the queues' hash tag (one Cluster slot with everything else). */
export const eventStreamKey = (prefix: string): string => `${prefix}:events`;

/** Validates an event; throws on a producer bug (the schema is the contract). */
export function parseEvent<T extends EventType>(type: T, data: EventInput<T>): OrderEvent {
  return { type, data: EVENT_SCHEMAS[type].parse(data) } as OrderEvent;
}

/** Reads an event back from the stream's two fields, or says why it cannot be one. */
export function decodeEvent(
  fields: Readonly<Record<string, string>>,
): { ok: true; event: OrderEvent } | { ok: false; reason: string } {
  const type = fields.type;
  if (type === undefined || !(type in EVENT_SCHEMAS))
    return { ok: false, reason: `unknown event type ${JSON.stringify(type)}` };
  let data: unknown;
  try {
    data = JSON.parse(fields.data ?? '');
  } catch {
    return { ok: false, reason: 'data is not JSON' };
  }
  const parsed = EVENT_SCHEMAS[type as EventType].safeParse(data);
  if (!parsed.success)
    return {
      ok: false,
      reason: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
    };
  return { ok: true, event: { type, data: parsed.data } as OrderEvent };
}

/** `so-123-r2`, `so-123-c…` → `so-123`: replays and rechecks keep the order's identity. */
export const orderKeyOf = (jobId: string): string => jobId.replace(/-(r\d+|c[0-9a-f]{12})$/, '');

/**
 * An order an operator discarded: the extractor skips it on every re-read until it is
 * undiscarded. Written by the admin API with the event, mirrored by the ledger (which rebuilds
 * every marker from PostgreSQL after Redis lost its data), read by the extractor on its hot path.
 */
export const discardMarkerKey = (prefix: string, orderKey: string): string =>
  `${prefix}:discarded:${orderKey}`;

/**
 * An order the loader saved (or found saved) in K3: its key → the content hash of what was
 * loaded, kept `LOADER_DONE_TTL_MS`. The extractor's re-reads compare against it, so completed
 * order jobs (their whole WDT payload) need not be kept for days for that (issue 15: ~100 bytes
 * per order instead of ~4 KB).
 */
export const orderDoneKey = (prefix: string, orderKey: string): string => `${prefix}:done:${orderKey}`;
