import { formatBeijingTime } from '@wdt-k3/runtime';

/** Epoch ms → `yyyy-MM-dd HH:mm:ss` Beijing time (UTC+8, no DST), as WDT writes and operators read it. */
export const formatBeijing = formatBeijingTime;

/** 42 → `42s`, 192 → `3m 12s`, 7500 → `2h 05m`, 200000 → `2d 07h`: two units at most. */
export function formatDuration(totalSeconds: number): string {
  const seconds = Math.max(0, Math.floor(totalSeconds));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${String(seconds % 60).padStart(2, '0')}s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours}h ${String(minutes % 60).padStart(2, '0')}m`;
  return `${Math.floor(hours / 24)}d ${String(hours % 24).padStart(2, '0')}h`;
}

/** `plural(1, 'attempt')` → `1 attempt`; `plural(3, 'entry', 'entries')` → `3 entries`. */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** JSON as printed for people and for `jq`: two-space indent. */
export function prettyJson(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

/**
 * K3 names what is wrong between Chinese quotes, late in a long message (…字段“物料编码”的基础资料
 * “9.99.0002”不存在…): a table cell cut at its width would lose it. The quoted values that hold a
 * digit (numbers, not field names) go first, then the message.
 */
export function keyValuesFirst(message: string): string {
  const values = [...new Set([...message.matchAll(/“([^”]{1,80})”/g)].map((m) => m[1] as string))].filter(
    (value) => /\d/.test(value),
  );
  return values.length === 0 ? message : `[${values.join(', ')}] ${message}`;
}
