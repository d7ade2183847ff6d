import { WDT_ERROR_CODES, WdtError } from './errors.ts';
import { MAX_WINDOW_MS } from './query.ts';

export interface TimeWindow {
  readonly fromMs: number;
  readonly toMs: number;
}

const invalid = (message: string): WdtError =>
  new WdtError(WDT_ERROR_CODES.QUERY_INVALID, message, { retryable: false });

/**
 * Splits [fromMs, toMs) into consecutive half-open windows of at most `maxSpanMs`, never longer
 * than WDT's 30 days whatever `maxSpanMs` says. When the bounds are not whole seconds the span is
 * shortened by 2 s, because the query rounds a window outwards to whole seconds.
 */
export function planWindows(fromMs: number, toMs: number, maxSpanMs: number): TimeWindow[] {
  if (!Number.isFinite(fromMs) || !Number.isFinite(toMs) || toMs < fromMs)
    throw invalid(`cannot plan windows over [${fromMs}, ${toMs})`);
  if (!(maxSpanMs >= 1000)) throw invalid(`maxSpanMs ${maxSpanMs} must be at least one second`);
  const aligned = fromMs % 1000 === 0 && maxSpanMs % 1000 === 0;
  const span = Math.min(maxSpanMs, aligned ? MAX_WINDOW_MS : MAX_WINDOW_MS - 2000);
  const windows: TimeWindow[] = [];
  for (let start = fromMs; start < toMs; start += span) {
    windows.push({ fromMs: start, toMs: Math.min(start + span, toMs) });
  }
  return windows;
}

/**
 * Pages still to fetch after page 0 (which carried `total_count`), from the last page back to
 * page 1. WDT's own advice ("从后往前翻页", flagship doc of `wms.stockout.Sales.queryWithDetail`)
 * and the production Qimen ETL both walk backwards: a row that leaves the result set while we
 * page shifts only the rows after it, which a backward walk has already read.
 * `totalCount` 250, `pageSize` 100 → [2, 1].
 */
export function planPages(totalCount: number, pageSize: number): number[] {
  if (!Number.isInteger(totalCount) || totalCount < 0) throw invalid(`totalCount ${totalCount} is not ≥ 0`);
  if (!Number.isInteger(pageSize) || pageSize < 1) throw invalid(`pageSize ${pageSize} is not ≥ 1`);
  const pages: number[] = [];
  for (let page = Math.ceil(totalCount / pageSize) - 1; page >= 1; page -= 1) pages.push(page);
  return pages;
}
