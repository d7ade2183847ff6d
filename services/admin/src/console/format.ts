import { formatBeijingTime } from '@wdt-k3/runtime';
import type { Lang } from './i18n.ts';

/**
 * How the console writes numbers, money and time: zh-CN grouping and CNY money in either
 * language (the amounts are yuan, and the people reading them are in China), Beijing time always
 * (`yyyy-MM-dd HH:mm:ss`, as WDT writes it; never the browser's zone, since pages are rendered here).
 */
const numberFormat = new Intl.NumberFormat('zh-CN');
const moneyFormat = new Intl.NumberFormat('zh-CN', {
  style: 'currency',
  currency: 'CNY',
  minimumFractionDigits: 2,
  maximumFractionDigits: 4,
});
const rateFormat = new Intl.NumberFormat('zh-CN', { maximumFractionDigits: 1 });

export const formatCount = (value: number): string => numberFormat.format(value);
export const formatRate = (value: number): string => rateFormat.format(value);

/** A WDT money string ("12.5000") or number → "¥12.50"; anything else is shown as it came. */
export function formatMoney(value: unknown): string {
  const amount = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN;
  if (!Number.isFinite(amount) || (typeof value === 'string' && value.trim() === ''))
    return String(value ?? '');
  return moneyFormat.format(amount);
}

/** A WDT quantity ("2.0000") → "2"; anything else as it came. */
export function formatQuantity(value: unknown): string {
  const amount = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN;
  return Number.isFinite(amount) && !(typeof value === 'string' && value.trim() === '')
    ? new Intl.NumberFormat('zh-CN', { maximumFractionDigits: 4 }).format(amount)
    : String(value ?? '');
}

export const formatTime = (ms: number): string => formatBeijingTime(ms);

/** "2 小时 5 分" / "2 h 5 min"; seconds under a minute as seconds. */
export function formatDuration(seconds: number, lang: Lang): string {
  const s = Math.max(0, Math.round(seconds));
  const zh = lang === 'zh-CN';
  if (s < 60) return zh ? `${s} 秒` : `${s} s`;
  const minutes = Math.floor(s / 60);
  if (minutes < 60) return zh ? `${minutes} 分钟` : `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (hours < 48)
    return zh ? `${hours} 小时${rest ? ` ${rest} 分` : ''}` : `${hours} h${rest ? ` ${rest} min` : ''}`;
  const days = Math.floor(hours / 24);
  return zh ? `${days} 天` : `${days} d`;
}

export function formatAgo(seconds: number, lang: Lang): string {
  return lang === 'zh-CN' ? `${formatDuration(seconds, lang)}前` : `${formatDuration(seconds, lang)} ago`;
}
