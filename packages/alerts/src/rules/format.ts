import type { Language } from '@wdt-k3/jobs';
import { formatBeijingTime } from '@wdt-k3/runtime';

/** `2026-11-01 08:00:00（北京时间）` / `2026-11-01 08:00:00 (Beijing)`. */
export const beijing = (ms: number, language: Language): string =>
  `${formatBeijingTime(ms)}${language === 'en' ? ' (Beijing)' : '（北京时间）'}`;

/** `3 小时 5 分钟` / `3 h 5 min`; under a minute in seconds. */
export function duration(ms: number, language: Language): string {
  const en = language === 'en';
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return en ? `${seconds} s` : `${seconds} 秒`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return en ? `${minutes} min` : `${minutes} 分钟`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (en) return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
  return rest === 0 ? `${hours} 小时` : `${hours} 小时 ${rest} 分钟`;
}

/** A list cut to `max` entries, with how many were left out. */
export function listOf(items: readonly string[], total: number, language: Language, max = 5): string {
  const shown = items.slice(0, max).join(', ');
  const more = total - Math.min(items.length, max);
  if (more <= 0) return shown;
  return language === 'en' ? `${shown} and ${more} more` : `${shown} 等 ${total} 个`;
}

/** Read a fact written by the same rule: a number, a string or a string list. */
export const num = (facts: Readonly<Record<string, unknown>>, key: string): number => {
  const value = facts[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
};
export const str = (facts: Readonly<Record<string, unknown>>, key: string): string => {
  const value = facts[key];
  return typeof value === 'string' ? value : value === null || value === undefined ? '' : String(value);
};
export const strs = (facts: Readonly<Record<string, unknown>>, key: string): string[] => {
  const value = facts[key];
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
};

/** A query-string value for a console link. */
export const q = (value: string): string => encodeURIComponent(value);
