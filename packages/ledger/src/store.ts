import { decodeEvent, type OrderEvent } from '@wdt-k3/jobs';
import type pg from 'pg';
import { applyEvent, compareEventIds, type OrderRow } from './fold.ts';

/** A stream entry as XREADGROUP returns it. */
export interface StreamEntry {
  readonly id: string;
  readonly fields: Readonly<Record<string, string>>;
}

export interface ProjectionResult {
  readonly projected: number;
  readonly rejected: number;
  readonly orders: number;
  readonly byType: Readonly<Record<string, number>>;
  /** Orders discarded / undiscarded by this batch, for the Redis markers the extractor reads. */
  readonly discarded: readonly string[];
  readonly undiscarded: readonly string[];
}

const COLUMNS = [
  ['orderKey', 'order_key'],
  ['stockoutId', 'stockout_id'],
  ['orderNo', 'order_no'],
  ['stockoutNo', 'stockout_no'],
  ['srcTradeNo', 'src_trade_no'],
  ['logisticsNo', 'logistics_no'],
  ['shopNo', 'shop_no'],
  ['warehouseNo', 'warehouse_no'],
  ['consignTime', 'consign_time'],
  ['wdtStatus', 'wdt_status'],
  ['state', 'state'],
  ['billNo', 'bill_no'],
  ['k3Fid', 'k3_fid'],
  ['lastCode', 'last_code'],
  ['lastMessage', 'last_message'],
  ['attempts', 'attempts'],
  ['contentHash', 'content_hash'],
  ['billHash', 'bill_hash'],
  ['savedBill', 'saved_bill'],
  ['changedBill', 'changed_bill'],
  ['changedFields', 'changed_fields'],
  ['editedFrom', 'edited_from'],
  ['blocking', 'blocking'],
  ['discardedBy', 'discarded_by'],
  ['discardReason', 'discard_reason'],
  ['firstSeenAt', 'first_seen_at'],
  ['savedAt', 'saved_at'],
  ['deadAt', 'dead_at'],
  ['updatedAt', 'updated_at'],
  ['lastEventId', 'last_event_id'],
] as const satisfies ReadonlyArray<readonly [keyof OrderRow, string]>;

const TIME_FIELDS = new Set<keyof OrderRow>(['consignTime', 'firstSeenAt', 'savedAt', 'deadAt', 'updatedAt']);

export function rowToDb(row: OrderRow): Record<string, unknown> {
  return Object.fromEntries(
    COLUMNS.map(([field, column]) => {
      const value = row[field];
      return [
        column,
        TIME_FIELDS.has(field) && typeof value === 'number' ? new Date(value).toISOString() : value,
      ];
    }),
  );
}

export function rowFromDb(record: Record<string, unknown>): OrderRow {
  return Object.fromEntries(
    COLUMNS.map(([field, column]) => {
      const value = record[column];
      return [field, value instanceof Date ? value.getTime() : value];
    }),
  ) as unknown as OrderRow;
}

const UPSERT = `
  INSERT INTO ledger_orders
  SELECT * FROM jsonb_populate_recordset(NULL::ledger_orders, $1::jsonb)
  ON CONFLICT (order_key) DO UPDATE SET
    (${COLUMNS.slice(1)
      .map(([, column]) => column)
      .join(', ')}) =
    (${COLUMNS.slice(1)
      .map(([, column]) => `EXCLUDED.${column}`)
      .join(', ')})`;

const INSERT_EVENTS = `
  INSERT INTO ledger_events
  SELECT * FROM jsonb_populate_recordset(NULL::ledger_events, $1::jsonb)
  ON CONFLICT (event_id) DO NOTHING`;

const INSERT_REJECTED = `
  INSERT INTO ledger_rejected_events
  SELECT * FROM jsonb_populate_recordset(NULL::ledger_rejected_events, $1::jsonb)
  ON CONFLICT (event_id) DO NOTHING`;

/** What the timeline keeps of an event: its data without the bill (the order row holds that). */
function timelineData(event: OrderEvent): Record<string, unknown> {
  if (event.type !== 'order.saved') return event.data;
  const { bill: _bill, ...rest } = event.data;
  return rest;
}

/**
 * Projects one batch in one transaction: the batch's orders are read with a row lock, its events
 * folded over them in stream order, rows and timeline written with one multi-row statement each.
 * Idempotent: a redelivered event is already in the timeline (its id is the key) and older than
 * its order's last applied event, so it changes nothing. An entry that is not a valid event is
 * kept in `ledger_rejected_events` with the reason, never dropped and never fatal.
 */
export async function projectBatch(
  pool: pg.Pool,
  entries: readonly StreamEntry[],
  now: number,
): Promise<ProjectionResult> {
  const events: Array<{ id: string; event: OrderEvent }> = [];
  const rejected: Array<Record<string, unknown>> = [];
  for (const entry of entries) {
    const decoded = decodeEvent(entry.fields);
    if (decoded.ok) events.push({ id: entry.id, event: decoded.event });
    else
      rejected.push({
        event_id: entry.id,
        received_at: new Date(now).toISOString(),
        reason: decoded.reason,
        raw: entry.fields,
      });
  }
  events.sort((a, b) => compareEventIds(a.id, b.id));
  const keys = [...new Set(events.map(({ event }) => event.data.orderKey))];
  const byType: Record<string, number> = {};
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const current = new Map<string, OrderRow>();
    if (keys.length > 0) {
      const found = await client.query('SELECT * FROM ledger_orders WHERE order_key = ANY($1) FOR UPDATE', [
        keys,
      ]);
      for (const record of found.rows) {
        const row = rowFromDb(record as Record<string, unknown>);
        current.set(row.orderKey, row);
      }
    }
    const discarded = new Set<string>();
    const undiscarded = new Set<string>();
    for (const { id, event } of events) {
      const key = event.data.orderKey;
      const before = current.get(key) ?? null;
      const after = applyEvent(before, event, id);
      current.set(key, after);
      byType[event.type] = (byType[event.type] ?? 0) + 1;
      if (event.type === 'order.discarded' && after.state === 'discarded') discarded.add(key);
      if (event.type === 'order.undiscarded') undiscarded.add(key);
    }
    const rows = keys.map((key) => rowToDb(current.get(key) as OrderRow));
    if (rows.length > 0) await client.query(UPSERT, [JSON.stringify(rows)]);
    if (events.length > 0)
      await client.query(INSERT_EVENTS, [
        JSON.stringify(
          events.map(({ id, event }) => ({
            event_id: id,
            order_key: event.data.orderKey,
            type: event.type,
            at: new Date(event.data.at).toISOString(),
            data: timelineData(event),
          })),
        ),
      ]);
    if (rejected.length > 0) await client.query(INSERT_REJECTED, [JSON.stringify(rejected)]);
    await client.query('COMMIT');
    return {
      projected: events.length,
      rejected: rejected.length,
      orders: keys.length,
      byType,
      discarded: [...discarded].filter((key) => !undiscarded.has(key)),
      undiscarded: [...undiscarded].filter((key) => current.get(key)?.state !== 'discarded'),
    };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
