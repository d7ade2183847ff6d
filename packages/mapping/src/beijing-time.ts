import { parseBeijingTime } from '@wdt-k3/runtime';

/**
 * WDT times are `yyyy-MM-dd HH:mm:ss` wall-clock in Beijing (UTC+8, no DST; wdt-qimen.md §3.2).
 * K3Cloud accounts for these customers also run on Beijing time and `FDate` is a local date, so
 * the text is validated and reformatted but never converted through UTC: doing so would move
 * every order shipped between 00:00 and 07:59 to the previous day.
 */
export type BeijingDateTime = string;

export const DATE_FORMATS = ['yyyy-MM-dd', 'yyyy-MM-dd HH:mm:ss'] as const;
export type DateFormat = (typeof DATE_FORMATS)[number];

/**
 * Returns the text when it is a real calendar time in the wire format, otherwise null. WDT sends
 * MySQL's zero date `0000-00-00 00:00:00` for times that never happened; that is rejected here
 * because a stock-out without a ship time cannot be dated in K3. Only validated: the text itself
 * is kept (see above).
 */
export function parseBeijingDateTime(text: string): BeijingDateTime | null {
  return parseBeijingTime(text) === undefined ? null : text;
}

export function formatK3Date(time: BeijingDateTime, format: DateFormat): string {
  return format === 'yyyy-MM-dd' ? time.slice(0, 10) : time;
}
