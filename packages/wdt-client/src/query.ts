import { formatBeijingTime } from '@wdt-k3/runtime';
import { WDT_ERROR_CODES, WdtError } from './errors.ts';

/** WDT refuses windows longer than 30 days (`2018-11-01 00:00:00`–`2018-11-30 23:59:59` in its doc). */
export const MAX_WINDOW_MS = 30 * 86_400_000;
/** The Qimen doc of this method says 1–100 (default 40); the larger reading of the sources. */
export const MAX_PAGE_SIZE = 100;

export interface StockoutPageQuery {
  /** Window start, epoch ms, inclusive. */
  readonly startTime?: number;
  /** Window end, epoch ms, exclusive. */
  readonly endTime?: number;
  /** 0-based, as WDT counts. */
  readonly pageNo: number;
  readonly pageSize: number;
  /** Stock-out statuses (5, 55, 95, 105, 110, 113); sent as one comma-separated list. */
  readonly status?: readonly number[];
  readonly shopNo?: string;
  readonly warehouseNo?: string;
  /** Qimen `is_by_modified=1`: the window applies to the last-modified time. */
  readonly byModified?: boolean;
  readonly srcOrderNo?: string;
  readonly srcTid?: string;
  readonly stockoutNo?: string;
}

const invalid = (message: string): WdtError =>
  new WdtError(WDT_ERROR_CODES.QUERY_INVALID, message, { retryable: false });

const floorSecond = (ms: number): number => Math.floor(ms / 1000) * 1000;
const ceilSecond = (ms: number): number => Math.ceil(ms / 1000) * 1000;

/**
 * The window as WDT takes it. Ours is half-open [start, end) in ms; WDT's `end_time` is inclusive
 * at second granularity, so we send `end_time = end − 1 s` (rounded outwards when the ends are not
 * whole seconds, so adjacent windows overlap by at most a second and never leave a gap; duplicates
 * are expected anyway and upserted by stockout_id).
 */
function windowParams(query: StockoutPageQuery): Record<string, string> {
  const { startTime, endTime } = query;
  if (startTime === undefined && endTime === undefined) return {};
  if (startTime === undefined || endTime === undefined)
    throw invalid('startTime and endTime go together: give both or neither');
  if (!Number.isFinite(startTime) || !Number.isFinite(endTime) || !(endTime > startTime))
    throw invalid(`window [${startTime}, ${endTime}) is empty or not finite`);
  const first = floorSecond(startTime);
  const afterLast = ceilSecond(endTime);
  if (afterLast - first > MAX_WINDOW_MS)
    throw new WdtError(
      WDT_ERROR_CODES.WINDOW_TOO_LARGE,
      `window ${formatBeijingTime(first)} … ${formatBeijingTime(afterLast)} is longer than WDT's 30 days: split it with planWindows`,
      { retryable: false, context: { startTime, endTime } },
    );
  return { start_time: formatBeijingTime(first), end_time: formatBeijingTime(afterLast - 1000) };
}

function optionalText(params: Record<string, string>, name: string, value: string | undefined): void {
  if (value !== undefined && value !== '') params[name] = value;
}

/**
 * Validates a query and turns it into WDT's business parameters (everything except the Qimen
 * system parameters). Throws `WDT_WINDOW_TOO_LARGE` / `WDT_QUERY_INVALID` before any call is made.
 */
export function toBusinessParams(query: StockoutPageQuery, sid: string): Record<string, string> {
  if (!Number.isInteger(query.pageNo) || query.pageNo < 0) throw invalid(`pageNo ${query.pageNo} is not ≥ 0`);
  if (!Number.isInteger(query.pageSize) || query.pageSize < 1 || query.pageSize > MAX_PAGE_SIZE)
    throw invalid(`pageSize ${query.pageSize} is outside 1…${MAX_PAGE_SIZE}`);
  const params: Record<string, string> = { sid, ...windowParams(query) };
  const hasNumber = [query.srcOrderNo, query.srcTid, query.stockoutNo].some(
    (v) => v !== undefined && v !== '',
  );
  if (params.start_time === undefined && !hasNumber)
    throw invalid(
      'give a window (startTime/endTime) or one of srcOrderNo, srcTid, stockoutNo (WDT code 2900)',
    );
  if (query.status !== undefined && query.status.length > 0) {
    if (!query.status.every((s) => Number.isInteger(s) && s >= 0))
      throw invalid(`status ${query.status.join(',')} must be whole numbers`);
    params.status = query.status.join(',');
  }
  optionalText(params, 'shop_no', query.shopNo);
  optionalText(params, 'warehouse_no', query.warehouseNo);
  optionalText(params, 'src_order_no', query.srcOrderNo);
  optionalText(params, 'src_tid', query.srcTid);
  optionalText(params, 'stockout_no', query.stockoutNo);
  if (query.byModified === true) params.is_by_modified = '1';
  params.page_no = String(query.pageNo);
  params.page_size = String(query.pageSize);
  return params;
}
