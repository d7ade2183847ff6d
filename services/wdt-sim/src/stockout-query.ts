import { beijingSeconds, type StockoutFilter } from './order-facts.ts';
import { WDT_CODES, type WdtFailure } from './responses.ts';

export interface PageSettings {
  readonly sid: string;
  readonly pageSizeDefault: number;
  readonly pageSizeMax: number;
}

export interface StockoutQuery {
  readonly filter: StockoutFilter;
  readonly pageNo: number;
  readonly pageSize: number;
}

/** Without `status` WDT returns shipped and completed stock-outs (official doc §1.3). */
export const SHIPPED_STATUSES: readonly number[] = [95, 105, 110, 113];
/** WDT refuses windows longer than 30 days; its own example ends at 23:59:59 of day 30. */
const MAX_SPAN_SEC = 30 * 86_400 - 1;

const fail = (errorcode: number, message: string): { failure: WdtFailure } => ({
  failure: { errorcode, message },
});

function optional(params: Readonly<Record<string, string>>, name: string): string | undefined {
  const value = params[name];
  return value === undefined || value === '' ? undefined : value;
}

function parseWindow(
  params: Readonly<Record<string, string>>,
): { window?: StockoutFilter['window'] } | { failure: WdtFailure } {
  const start = optional(params, 'start_time');
  const end = optional(params, 'end_time');
  if (start === undefined && end === undefined) return {};
  if (start === undefined || end === undefined)
    return fail(WDT_CODES.BAD_TIME, '开始时间和结束时间必须同时传入');
  const startSec = beijingSeconds(start);
  const endSec = beijingSeconds(end);
  if (startSec === undefined || endSec === undefined)
    return fail(WDT_CODES.BAD_TIME, '时间格式错误，应为yyyy-MM-dd HH:mm:ss');
  if (endSec < startSec) return fail(WDT_CODES.WINDOW_REVERSED, '开始时间不能晚于结束时间');
  if (endSec - startSec > MAX_SPAN_SEC)
    return fail(WDT_CODES.WINDOW_TOO_LARGE, '开始时间和结束时间跨度不能超过30天');
  return { window: { startSec, endSec } };
}

function parseStatuses(text: string | undefined): readonly number[] | undefined | { failure: WdtFailure } {
  if (text === undefined) return undefined;
  const parts = text.split(',').map((part) => part.trim());
  if (!parts.every((part) => /^\d{1,4}$/.test(part))) return fail(WDT_CODES.BAD_STATUS, 'status参数错误');
  return parts.map(Number);
}

function parsePaging(
  params: Readonly<Record<string, string>>,
  settings: PageSettings,
): { pageNo: number; pageSize: number } | { failure: WdtFailure } {
  const pageNoText = optional(params, 'page_no') ?? '0';
  const pageSizeText = optional(params, 'page_size') ?? String(settings.pageSizeDefault);
  if (!/^\d{1,9}$/.test(pageNoText)) return fail(WDT_CODES.BAD_PAGE_NO, 'page_no参数错误');
  if (!/^\d{1,9}$/.test(pageSizeText) || Number(pageSizeText) < 1)
    return fail(WDT_CODES.BAD_PAGE_SIZE, 'page_size参数错误');
  // Whether WDT clamps or refuses a larger page is unconfirmed; the issue says "capped".
  return { pageNo: Number(pageNoText), pageSize: Math.min(Number(pageSizeText), settings.pageSizeMax) };
}

/**
 * Reads the business parameters of `wdt.stockout.order.query.trade`. The window applies to the
 * consign time unless `is_by_modified=1` or a status below 95 is asked for (official doc §1.3
 * table; with a mixed list, one status below 95 is enough — the real rule is unconfirmed).
 */
export function parseStockoutQuery(
  params: Readonly<Record<string, string>>,
  settings: PageSettings,
): StockoutQuery | { failure: WdtFailure } {
  const sid = optional(params, 'sid');
  if (sid === undefined) return fail(WDT_CODES.BAD_SID, '卖家账号(sid)不能为空');
  if (sid !== settings.sid) return fail(WDT_CODES.BAD_SID, `卖家账号${sid}不存在`);
  const window = parseWindow(params);
  if ('failure' in window) return window;
  const statuses = parseStatuses(optional(params, 'status'));
  if (statuses !== undefined && 'failure' in statuses) return statuses;
  const byModified = optional(params, 'is_by_modified') ?? '0';
  if (byModified !== '0' && byModified !== '1') return fail(WDT_CODES.BAD_FLAG, 'is_by_modified参数错误');
  const numbers = {
    srcOrderNo: optional(params, 'src_order_no'),
    srcTid: optional(params, 'src_tid'),
    stockoutNo: optional(params, 'stockout_no'),
  };
  if (window.window === undefined && Object.values(numbers).every((value) => value === undefined))
    return fail(WDT_CODES.NO_FILTER, '时间范围与订单编号不能全部为空');
  const paging = parsePaging(params, settings);
  if ('failure' in paging) return paging;
  const byModifiedTime = byModified === '1' || (statuses?.some((status) => status < 95) ?? false);
  const filter: StockoutFilter = {
    ...(window.window !== undefined && { window: window.window }),
    timeField: byModifiedTime ? 'modified' : 'consign',
    statuses: statuses ?? SHIPPED_STATUSES,
    ...definedOnly({
      ...numbers,
      shopNo: optional(params, 'shop_no'),
      warehouseNo: optional(params, 'warehouse_no'),
    }),
  };
  return { filter, ...paging };
}

function definedOnly(values: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(values).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}
