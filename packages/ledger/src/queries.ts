import type pg from 'pg';
import { ORDER_STATES, type OrderRow, type OrderState } from './fold.ts';
import { rowFromDb } from './store.ts';

/**
 * How every service reads the ledger: an order by any of its numbers with its timeline, lists by
 * state / code / shop / time with keyset cursors (no offsets, no scans), counts, and the
 * data-quality report. One home, so the admin API, the console, alerts and reconciliation agree.
 */
export interface TimelineEntry {
  readonly eventId: string;
  readonly type: string;
  readonly at: number;
  readonly data: Record<string, unknown>;
}

/** Every order that carries `number` as its stock-out id, CK number, platform trade, tracking or K3 bill number. */
export async function findOrders(pool: pg.Pool, number: string, limit = 20): Promise<OrderRow[]> {
  const result = await pool.query(
    `SELECT * FROM ledger_orders
     WHERE order_key = $1 OR order_key = 'so-' || $1 OR stockout_id = $1 OR order_no = $1 OR stockout_no = $1
        OR src_trade_no = $1 OR logistics_no = $1 OR bill_no = $1
     ORDER BY updated_at DESC LIMIT $2`,
    [number, limit],
  );
  return result.rows.map((record) => rowFromDb(record as Record<string, unknown>));
}

export async function getOrder(pool: pg.Pool, orderKey: string): Promise<OrderRow | undefined> {
  const result = await pool.query('SELECT * FROM ledger_orders WHERE order_key = $1', [orderKey]);
  const record = result.rows[0] as Record<string, unknown> | undefined;
  return record === undefined ? undefined : rowFromDb(record);
}

export async function timelineOf(pool: pg.Pool, orderKey: string, limit = 500): Promise<TimelineEntry[]> {
  const result = await pool.query<{
    event_id: string;
    type: string;
    at: Date;
    data: Record<string, unknown>;
  }>(
    'SELECT event_id, type, at, data FROM ledger_events WHERE order_key = $1 ORDER BY at, event_id LIMIT $2',
    [orderKey, limit],
  );
  return result.rows.map((row) => ({
    eventId: row.event_id,
    type: row.type,
    at: row.at.getTime(),
    data: row.data,
  }));
}

export interface ListFilter {
  readonly state?: OrderState;
  readonly codes?: readonly string[];
  readonly shopNo?: string;
  /** `updated_at` window, epoch ms. */
  readonly fromMs?: number;
  readonly toMs?: number;
  /** From a previous page's `nextCursor`. */
  readonly cursor?: string;
  readonly limit: number;
}

export interface OrderPage {
  readonly orders: readonly OrderRow[];
  /** Null on the last page. */
  readonly nextCursor: string | null;
}

const encodeCursor = (row: OrderRow): string =>
  Buffer.from(JSON.stringify([row.updatedAt, row.orderKey])).toString('base64url');

export function decodeCursor(cursor: string): { updatedAt: number; orderKey: string } | undefined {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(value) && typeof value[0] === 'number' && typeof value[1] === 'string')
      return { updatedAt: value[0], orderKey: value[1] };
  } catch {
    // fall through
  }
  return undefined;
}

/** Newest first, by (updated_at, order_key), the index's order: each page costs its own rows only. */
export async function listOrders(pool: pg.Pool, filter: ListFilter): Promise<OrderPage> {
  const where: string[] = [];
  const params: unknown[] = [];
  const param = (value: unknown): string => {
    params.push(value);
    return `$${params.length}`;
  };
  if (filter.state !== undefined) where.push(`state = ${param(filter.state)}`);
  if (filter.codes !== undefined && filter.codes.length > 0)
    where.push(`last_code = ANY(${param(filter.codes)})`);
  if (filter.shopNo !== undefined) where.push(`shop_no = ${param(filter.shopNo)}`);
  if (filter.fromMs !== undefined) where.push(`updated_at >= ${param(new Date(filter.fromMs))}`);
  if (filter.toMs !== undefined) where.push(`updated_at < ${param(new Date(filter.toMs))}`);
  const after = filter.cursor === undefined ? undefined : decodeCursor(filter.cursor);
  if (after !== undefined)
    where.push(`(updated_at, order_key) < (${param(new Date(after.updatedAt))}, ${param(after.orderKey)})`);
  const sql = `SELECT * FROM ledger_orders ${where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`}
    ORDER BY updated_at DESC, order_key DESC LIMIT ${param(filter.limit + 1)}`;
  const rows = (await pool.query(sql, params)).rows.map((record) =>
    rowFromDb(record as Record<string, unknown>),
  );
  const page = rows.slice(0, filter.limit);
  const last = page.at(-1);
  return {
    orders: page,
    nextCursor: rows.length > filter.limit && last !== undefined ? encodeCursor(last) : null,
  };
}

/** Orders per state (every state listed), and dead letters per code. */
export async function counts(
  pool: pg.Pool,
): Promise<{ byState: Record<OrderState, number>; deadByCode: Record<string, number> }> {
  const states = await pool.query<{ state: OrderState; n: number }>(
    'SELECT state, count(*)::int AS n FROM ledger_orders GROUP BY state',
  );
  const codes = await pool.query<{ code: string; n: number }>(
    "SELECT last_code AS code, count(*)::int AS n FROM ledger_orders WHERE state = 'dead' GROUP BY last_code",
  );
  const byState = Object.fromEntries(ORDER_STATES.map((state) => [state, 0])) as Record<OrderState, number>;
  for (const row of states.rows) byState[row.state] = row.n;
  return { byState, deadByCode: Object.fromEntries(codes.rows.map((row) => [row.code ?? 'UNKNOWN', row.n])) };
}

export interface DataQualityReport {
  readonly fromMs: number;
  readonly toMs: number;
  /** Per Beijing day and code: orders dead-lettered that day with that code (still dead). */
  readonly byDay: ReadonlyArray<{ readonly day: string; readonly code: string; readonly orders: number }>;
  /** The base-data numbers behind the dead letters, most orders blocked first: the K3 administrator's list. */
  readonly blocking: ReadonlyArray<{
    readonly kind: string;
    readonly number: string;
    readonly orders: number;
    readonly codes: readonly string[];
  }>;
}

export async function dataQuality(
  pool: pg.Pool,
  fromMs: number,
  toMs: number,
  top = 100,
): Promise<DataQualityReport> {
  const range = [new Date(fromMs), new Date(toMs)];
  const byDay = await pool.query<{ day: string; code: string; orders: number }>(
    `SELECT to_char(dead_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') AS day, last_code AS code, count(*)::int AS orders
     FROM ledger_orders WHERE state = 'dead' AND dead_at >= $1 AND dead_at < $2
     GROUP BY 1, 2 ORDER BY 1, 3 DESC`,
    range,
  );
  const blocking = await pool.query<{ kind: string; number: string; orders: number; codes: string[] }>(
    `SELECT b->>'kind' AS kind, b->>'number' AS number, count(DISTINCT o.order_key)::int AS orders,
            array_agg(DISTINCT o.last_code) AS codes
     FROM ledger_orders o, jsonb_array_elements(o.blocking) b
     WHERE o.state = 'dead' AND o.dead_at >= $1 AND o.dead_at < $2
     GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2 LIMIT $3`,
    [...range, top],
  );
  return { fromMs, toMs, byDay: byDay.rows, blocking: blocking.rows };
}

/** Order keys in the discarded state: the Redis markers the extractor reads are rebuilt from these. */
/** Discarded orders and their WDT order number (the marker's value: undiscard syncs by it). */
export async function discardedKeys(
  pool: pg.Pool,
): Promise<Array<{ orderKey: string; orderNo: string | null }>> {
  const result = await pool.query<{ order_key: string; order_no: string | null }>(
    "SELECT order_key, order_no FROM ledger_orders WHERE state = 'discarded'",
  );
  return result.rows.map((row) => ({ orderKey: row.order_key, orderNo: row.order_no }));
}

/** Orders WDT changed after their bill was saved: how many, since when, the newest numbers (the alerter's rule). */
export async function changedOrders(
  pool: pg.Pool,
  sample = 5,
): Promise<{ count: number; oldestAt: number | null; orderNos: string[] }> {
  const total = await pool.query<{ n: number; oldest: Date | null }>(
    "SELECT count(*)::int AS n, min(updated_at) AS oldest FROM ledger_orders WHERE state = 'changed'",
  );
  const newest = await pool.query<{ number: string }>(
    `SELECT coalesce(order_no, stockout_no, order_key) AS number FROM ledger_orders
     WHERE state = 'changed' ORDER BY updated_at DESC, order_key DESC LIMIT $1`,
    [sample],
  );
  const row = total.rows[0];
  return {
    count: row?.n ?? 0,
    oldestAt: row?.oldest ? row.oldest.getTime() : null,
    orderNos: newest.rows.map((r) => r.number),
  };
}

export interface RunOutcome {
  /** Orders the run enqueued (each has an `order.extracted` event carrying the run id). */
  readonly orders: number;
  /** Their state now, every state listed. */
  readonly byState: Record<OrderState, number>;
  /** The dead-lettered ones per code. */
  readonly deadByCode: Record<string, number>;
}

/**
 * What became of the orders one extraction run enqueued (a backfill, an order sync). The run's
 * `order.extracted` events are found through the (type, at) index within `[fromMs, toMs)`, the
 * span the run can have written in, so the query reads that span's events, not the whole table.
 */
export async function runOutcome(
  pool: pg.Pool,
  runId: string,
  fromMs: number,
  toMs: number,
): Promise<RunOutcome> {
  const result = await pool.query<{ state: OrderState; code: string | null; n: number }>(
    `SELECT o.state, CASE WHEN o.state = 'dead' THEN coalesce(o.last_code, 'UNKNOWN') END AS code,
            count(*)::int AS n
     FROM ledger_orders o
     WHERE o.order_key IN (
       SELECT order_key FROM ledger_events
       WHERE type = 'order.extracted' AND at >= $2 AND at < $3 AND data->>'runId' = $1)
     GROUP BY 1, 2`,
    [runId, new Date(fromMs), new Date(toMs)],
  );
  const byState = Object.fromEntries(ORDER_STATES.map((state) => [state, 0])) as Record<OrderState, number>;
  const deadByCode: Record<string, number> = {};
  let orders = 0;
  for (const row of result.rows) {
    orders += row.n;
    byState[row.state] += row.n;
    if (row.code !== null) deadByCode[row.code] = (deadByCode[row.code] ?? 0) + row.n;
  }
  return { orders, byState, deadByCode };
}
