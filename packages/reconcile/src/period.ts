import type { ReconcileFilter, ReconcilePeriod } from '@wdt-k3/jobs';
import { formatBeijingTime, parseBeijingTime } from '@wdt-k3/runtime';
import { RECONCILE_ERROR_CODES, ReconcileError } from './errors.ts';

const DAY_MS = 86_400_000;
/** A month and a day: month-end reconciliation fits; a year would be a backfill, not a check. */
export const MAX_PERIOD_DAYS = 31;

const startOf = (date: string): number | undefined => parseBeijingTime(`${date} 00:00:00`);

/** `[from 00:00, to + 1 day 00:00)` Beijing, in epoch ms. */
export function periodRange(period: ReconcilePeriod): { fromMs: number; toMs: number } {
  const fromMs = startOf(period.from);
  const lastMs = startOf(period.to);
  if (fromMs === undefined || lastMs === undefined)
    throw invalid(`not a calendar date: ${period.from} … ${period.to}`);
  return { fromMs, toMs: lastMs + DAY_MS };
}

/** The Beijing day `yyyy-MM-dd` an instant falls in. */
export const beijingDay = (ms: number): string => formatBeijingTime(ms).slice(0, 10);

/** The Beijing day before the one `nowMs` falls in: what the daily run reconciles. */
export const previousBeijingDay = (nowMs: number): string => beijingDay(nowMs - DAY_MS);

/** The day after `date` (K3 queries take FDate < the day after the period). */
export const dayAfter = (date: string): string => beijingDay(periodRange({ from: date, to: date }).toMs);

function invalid(message: string): ReconcileError {
  return new ReconcileError(RECONCILE_ERROR_CODES.periodInvalid, message, { retryable: false });
}

/**
 * A period a run can read: real dates, `from` ≤ `to`, at most 31 days, not starting in the future
 * (Beijing). Days still running are allowed: orders shipped after the run read them are not in it.
 */
export function checkPeriod(period: ReconcilePeriod, nowMs: number): { fromMs: number; toMs: number } {
  const range = periodRange(period);
  if (period.to < period.from)
    throw invalid(`the period ends (${period.to}) before it starts (${period.from})`);
  const days = Math.round((range.toMs - range.fromMs) / DAY_MS);
  if (days > MAX_PERIOD_DAYS)
    throw invalid(`the period has ${days} days; at most ${MAX_PERIOD_DAYS} per run (split it)`);
  if (range.fromMs > nowMs) throw invalid(`the period starts in the future (${period.from})`);
  return range;
}

/** The period label people read: `2026-11-30`, or `2026-11-01 … 2026-11-30`. */
export const periodLabel = (period: ReconcilePeriod): string =>
  period.from === period.to ? period.from : `${period.from} … ${period.to}`;

/** The key "one run at a time per period" is kept by: the period and its filter. */
export const periodKey = (period: ReconcilePeriod, filter: ReconcileFilter): string =>
  [period.from, period.to, filter.shopNo ?? '', filter.warehouseNo ?? ''].map(encodeURIComponent).join('_');
