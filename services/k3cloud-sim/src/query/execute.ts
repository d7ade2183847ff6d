import { asText, findKey } from '../protocol/envelope.ts';
import { queryFailure } from '../protocol/responses.ts';
import {
  compare,
  evaluate,
  FilterError,
  type FilterNode,
  filterFields,
  parseFilter,
  requiredValues,
} from './filter.ts';
import type { FieldDef, FormSource } from './sources.ts';

class QueryError extends Error {
  readonly msgCode: number;
  constructor(msgCode: number, message: string) {
    super(message);
    this.msgCode = msgCode;
  }
}

interface Row {
  readonly header: unknown;
  readonly entry: unknown;
}

/**
 * ExecuteBillQuery: a bare 2-D array, columns in FieldKeys order, one row per entry when any
 * referenced field is an entry field, else one per bill; failures in the `[[{"Result":…}]]` form
 * with the MsgCodes AZ-EXP observed (4 unknown form / bad filter, 8 empty FieldKeys, 9 unknown field).
 */
export function executeBillQuery(
  data: Record<string, unknown>,
  sources: ReadonlyMap<string, FormSource>,
): unknown {
  try {
    return runQuery(data, sources).rows;
  } catch (err) {
    if (err instanceof QueryError) return queryFailure(err.msgCode, err.message);
    throw err;
  }
}

/**
 * BillQuery (SDK 2023-09-14, reference §3/§5.3): the same request, rows as objects keyed by the
 * FieldKeys as sent (`[{"FBillNo":"…"}]`). Its error form is not documented; it answers the
 * ExecuteBillQuery one (`[[{"Result":…}]]`) [INF].
 */
export function billQuery(data: Record<string, unknown>, sources: ReadonlyMap<string, FormSource>): unknown {
  try {
    const { keys, rows } = runQuery(data, sources);
    return rows.map((row) => Object.fromEntries(keys.map((key, i) => [key, row[i] ?? null])));
  } catch (err) {
    if (err instanceof QueryError) return queryFailure(err.msgCode, err.message);
    throw err;
  }
}

function runQuery(
  data: Record<string, unknown>,
  sources: ReadonlyMap<string, FormSource>,
): { keys: string[]; rows: unknown[][] } {
  const formId = asText(findKey(data, 'FormId')).trim();
  if (formId === '') throw new QueryError(8, 'data 数据包中的参数 FormId 的值不能为空');
  const source = sources.get(formId.toLowerCase());
  if (source === undefined) throw new QueryError(4, `标识为“${formId}”的业务对象不存在，或者被删除`);
  const keys = asText(findKey(data, 'FieldKeys'))
    .split(',')
    .map((key) => key.trim())
    .filter((key) => key !== '');
  if (keys.length === 0) throw new QueryError(8, 'data 数据包中的参数 FieldKeys 的值不能为空');
  const resolve = (key: string): FieldDef => {
    const def = source.field(key.toLowerCase());
    if (def === undefined) throw new QueryError(9, `元数据中标识为 ${key} 的字段不存在`);
    return def;
  };
  const columns = keys.map(resolve);
  const filter = parseFilterString(findKey(data, 'FilterString'));
  const filterDefs = new Map(filterFields(filter).map((key) => [key.toLowerCase(), resolve(key)]));
  const order = parseOrder(asText(findKey(data, 'OrderString'))).map((item) => ({
    ...item,
    def: resolve(item.key),
  }));
  const perEntry = [...columns, ...filterDefs.values(), ...order.map((item) => item.def)].some(
    (def) => def.entry,
  );

  const top = nonNegative(findKey(data, 'TopRowCount'));
  const start = nonNegative(findKey(data, 'StartRow'));
  const limit = nonNegative(findKey(data, 'Limit'));
  // Rows come in the source's natural order: when that is the asked order, the rows past
  // TopRowCount / StartRow + Limit need not be collected (a keyset-paged period read would
  // otherwise decode every later bill for every page).
  const inNaturalOrder = order.every(
    (item, index) => !item.descending && source.naturalOrder?.[index] === item.key.toLowerCase(),
  );
  const wanted = Math.min(
    top > 0 ? top : Number.POSITIVE_INFINITY,
    limit > 0 ? start + limit : Number.POSITIVE_INFINITY,
  );
  let rows = collectRows(
    source,
    filter,
    filterDefs,
    perEntry,
    inNaturalOrder ? wanted : Number.POSITIVE_INFINITY,
  );
  if (order.length > 0) rows = sortRows(rows, order);
  if (top > 0) rows = rows.slice(0, top);
  rows = rows.slice(start, limit > 0 ? start + limit : undefined);
  return { keys, rows: rows.map((row) => columns.map((def) => def.get(row.header, row.entry) ?? null)) };
}

function collectRows(
  source: FormSource,
  filter: FilterNode | undefined,
  defs: ReadonlyMap<string, FieldDef>,
  perEntry: boolean,
  wanted: number,
): Row[] {
  const rows: Row[] = [];
  // A filter of header fields only is decided once per bill, before its entries are read.
  const headerOnly = filter !== undefined && [...defs.values()].every((def) => !def.entry);
  for (const header of source.headers(requiredValues(filter, source.numberField))) {
    if (rows.length >= wanted) break;
    if (perEntry && headerOnly && filter !== undefined) {
      const get = (key: string): unknown => defs.get(key.toLowerCase())?.get(header, undefined);
      if (!evaluate(filter, get)) continue;
    }
    const candidates: Row[] = perEntry
      ? source.entries(header).map((entry) => ({ header, entry }))
      : [{ header, entry: undefined }];
    for (const row of candidates) {
      const get = (key: string): unknown => defs.get(key.toLowerCase())?.get(row.header, row.entry);
      if (filter === undefined || evaluate(filter, get)) rows.push(row);
    }
  }
  return rows;
}

function parseFilterString(value: unknown): FilterNode | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') {
    throw new QueryError(4, 'GetRealExpress error: k3cloud-sim only understands FilterString as a string');
  }
  try {
    return parseFilter(value);
  } catch (err) {
    if (err instanceof FilterError) throw new QueryError(4, `GetRealExpress error: ${err.message}`);
    throw err;
  }
}

function parseOrder(text: string): Array<{ key: string; descending: boolean }> {
  return text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((part) => {
      const [key = '', direction = 'asc'] = part.split(/\s+/);
      return { key, descending: direction.toLowerCase() === 'desc' };
    });
}

function sortRows(rows: Row[], order: ReadonlyArray<{ def: FieldDef; descending: boolean }>): Row[] {
  return rows
    .map((row, index) => ({ row, index }))
    .sort((a, b) => {
      for (const { def, descending } of order) {
        const left = def.get(a.row.header, a.row.entry);
        const right = def.get(b.row.header, b.row.entry);
        const result = compare(left ?? '', typeof right === 'number' ? right : String(right ?? ''));
        if (result !== 0 && !Number.isNaN(result)) return descending ? -result : result;
      }
      return a.index - b.index;
    })
    .map((item) => item.row);
}

function nonNegative(value: unknown): number {
  const number = Number(value ?? 0);
  return Number.isInteger(number) && number > 0 ? number : 0;
}
