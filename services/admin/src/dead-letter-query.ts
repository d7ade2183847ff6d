import { deadLetterSchema } from '@wdt-k3/jobs';
import { compareKeys, encodeCursor, type SortKey } from './cursor.ts';

/** What a listing needs of one dead letter; built once per job and cached by the index. */
export interface DeadLetterSummary {
  readonly id: string;
  /** false: the job data does not match the catalog's dead-letter schema (hand-edited, old writer). */
  readonly readable: boolean;
  readonly failedAt: number;
  readonly code: string;
  readonly message: string;
  readonly retryable: boolean;
  readonly attemptsMade: number;
  readonly stockoutId: string | null;
  readonly orderNo: string | null;
  readonly srcTradeNo: string | null;
  readonly shopNo: string | null;
  readonly sourceKind: string | null;
  /** Every number the `number` filter matches (lower-cased). */
  readonly numbers: readonly string[];
}

/** The code a listing shows for a dead letter whose data cannot be read (jobs' own code for it). */
export const UNREADABLE_CODE = 'JOB_PAYLOAD_INVALID';

// The WDT fields an operator may search by: the stock-out (order_no, stockout_no, stockout_id),
// WDT's own order (src_order_no, trade_no) and the platform trade (src_trade_no, src_tids).
const NUMBER_FIELDS = ['order_no', 'stockout_no', 'stockout_id', 'src_order_no', 'trade_no', 'src_trade_no'];

function text(value: unknown): string | null {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}

function numbersOf(order: Readonly<Record<string, unknown>>): string[] {
  const found = NUMBER_FIELDS.map((field) => text(order[field]));
  for (const tid of (text(order.src_tids) ?? '').split(',')) found.push(text(tid));
  return [...new Set(found.filter((value): value is string => value !== null).map((v) => v.toLowerCase()))];
}

export function summarizeDeadLetter(id: string, data: unknown, createdAt: number): DeadLetterSummary {
  const parsed = deadLetterSchema.safeParse(data);
  if (!parsed.success) {
    const order =
      typeof data === 'object' && data !== null && typeof (data as { order?: unknown }).order === 'object'
        ? ((data as { order: Record<string, unknown> | null }).order ?? {})
        : {};
    return {
      id,
      readable: false,
      failedAt: createdAt,
      code: UNREADABLE_CODE,
      message: 'the dead letter does not match the catalog schema',
      retryable: false,
      attemptsMade: 0,
      ...orderFields(order),
      sourceKind: null,
    };
  }
  const letter = parsed.data;
  return {
    id,
    readable: true,
    failedAt: letter.failedAt,
    code: letter.error.code,
    message: letter.error.message,
    retryable: letter.error.retryable,
    attemptsMade: letter.attemptsMade,
    ...orderFields(letter.order),
    sourceKind: letter.source.kind,
  };
}

function orderFields(order: Readonly<Record<string, unknown>>) {
  return {
    stockoutId: text(order.stockout_id),
    orderNo: text(order.order_no),
    srcTradeNo: text(order.src_trade_no),
    shopNo: text(order.shop_no),
    numbers: numbersOf(order),
  };
}

export interface DeadLetterFilter {
  readonly codes?: readonly string[] | undefined;
  readonly number?: string | undefined;
  /** failedAt ≥ fromMs */
  readonly fromMs?: number | undefined;
  /** failedAt < toMs */
  readonly toMs?: number | undefined;
}

function matches(summary: DeadLetterSummary, filter: DeadLetterFilter, withCode: boolean): boolean {
  if (
    withCode &&
    filter.codes !== undefined &&
    filter.codes.length > 0 &&
    !filter.codes.includes(summary.code)
  )
    return false;
  if (filter.number !== undefined && !summary.numbers.includes(filter.number.trim().toLowerCase()))
    return false;
  if (filter.fromMs !== undefined && summary.failedAt < filter.fromMs) return false;
  if (filter.toMs !== undefined && summary.failedAt >= filter.toMs) return false;
  return true;
}

/** Every dead letter matching the filter, in the stable listing order. */
export function selectDeadLetters(
  all: readonly DeadLetterSummary[],
  filter: DeadLetterFilter,
): DeadLetterSummary[] {
  return all.filter((summary) => matches(summary, filter, true)).sort(compareKeys);
}

export interface DeadLetterPage {
  readonly items: DeadLetterSummary[];
  /** Dead letters matching every filter. */
  readonly total: number;
  /** Per error code, dead letters matching every filter but the code (so a UI can offer the others). */
  readonly byCode: Record<string, number>;
  readonly nextCursor: string | null;
}

export function pageDeadLetters(
  all: readonly DeadLetterSummary[],
  filter: DeadLetterFilter,
  after: SortKey | null,
  limit: number,
): DeadLetterPage {
  const byCode: Record<string, number> = {};
  for (const summary of all) {
    if (matches(summary, filter, false)) byCode[summary.code] = (byCode[summary.code] ?? 0) + 1;
  }
  const selected = selectDeadLetters(all, filter);
  const start = after === null ? 0 : selected.findIndex((summary) => compareKeys(summary, after) > 0);
  const rest = start < 0 ? [] : selected.slice(start);
  const items = rest.slice(0, limit);
  const last = items.at(-1);
  return {
    items,
    total: selected.length,
    byCode,
    nextCursor: rest.length > limit && last !== undefined ? encodeCursor(last) : null,
  };
}
