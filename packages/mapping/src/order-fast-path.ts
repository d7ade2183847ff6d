import { WireProblem, type WireReader } from './wire-fields.ts';

/**
 * The fast path of `parseWdtStockoutOrder`. zod's loose object re-runs a schema for every one of
 * the ~130 fields a real order carries and rebuilds the object key by key: measured on the bench
 * order, that alone held parse + map to ~15,000–23,000 orders/s. Here the order and each row are
 * copied with one spread and only the declared fields are read, through the same readers the zod
 * schema wraps.
 *
 * It answers only for a clean order. At the first doubt (any reader problem, an empty or missing
 * `details_list`, a repeated `rec_id`, anything but a plain object) it returns null and the
 * caller runs the zod schema, which lists every problem with its usual code, path and message.
 * Whenever it returns an order, the schema would have returned an equal one (order-fast-path.test.ts);
 * only the key order differs: the copy keeps the wire's, zod puts the declared fields first.
 */
export type FieldTable = Readonly<Record<string, WireReader<unknown>>>;

interface CompiledTable {
  readonly keys: readonly string[];
  readonly readers: readonly WireReader<unknown>[];
}

function compile(table: FieldTable): CompiledTable {
  return { keys: Object.keys(table), readers: Object.values(table) };
}

/**
 * What the spread copies is exactly what zod's `for…in` copies only for a plain object: zod walks
 * inherited keys and drops an own `__proto__`, a spread copies own symbols. JSON never makes
 * these, so anything else is simply left to the schema.
 */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  return (
    Object.getPrototypeOf(value) === Object.prototype &&
    !Object.hasOwn(value, '__proto__') &&
    Object.getOwnPropertySymbols(value).length === 0
  );
}

/** A copy of `raw` with its declared fields read, or null if any of them has a problem. */
function readObject(raw: Record<string, unknown>, table: CompiledTable): Record<string, unknown> | null {
  const out: Record<string, unknown> = { ...raw };
  const { keys, readers } = table;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    const value = (readers[i] as WireReader<unknown>)(raw[key]);
    if (value instanceof WireProblem) return null;
    out[key] = value;
  }
  return out;
}

function readRows(list: unknown, table: CompiledTable, idKey: string): Record<string, unknown>[] | null {
  if (!Array.isArray(list) || list.length === 0) return null;
  const rows: Record<string, unknown>[] = [];
  const ids = new Set<unknown>();
  for (let i = 0; i < list.length; i++) {
    const raw: unknown = list[i];
    if (!isPlainObject(raw)) return null;
    const row = readObject(raw, table);
    if (row === null || ids.has(row[idKey])) return null;
    ids.add(row[idKey]);
    rows.push(row);
  }
  return rows;
}

/**
 * Compiles the fast path for an order whose header fields are `orderFields`, whose rows are under
 * `rowsKey` with fields `rowFields`, and whose rows must have distinct `idKey` values.
 */
export function compileFastPath(
  orderFields: FieldTable,
  rowsKey: string,
  rowFields: FieldTable,
  idKey: string,
): (raw: unknown) => Record<string, unknown> | null {
  const order = compile(orderFields);
  const row = compile(rowFields);
  return (raw) => {
    if (!isPlainObject(raw)) return null;
    const rows = readRows(raw[rowsKey], row, idKey);
    if (rows === null) return null;
    const out = readObject(raw, order);
    if (out === null) return null;
    out[rowsKey] = rows;
    return out;
  };
}
