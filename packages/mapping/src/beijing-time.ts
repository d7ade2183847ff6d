/**
 * WDT times are `yyyy-MM-dd HH:mm:ss` wall-clock in Beijing (UTC+8, no DST; wdt-qimen.md §3.2).
 * K3Cloud accounts for these customers also run on Beijing time and `FDate` is a local date, so
 * the text is validated and reformatted but never converted through UTC: doing so would move
 * every order shipped between 00:00 and 07:59 to the previous day.
 */
export type BeijingDateTime = string;

export const DATE_FORMATS = ['yyyy-MM-dd', 'yyyy-MM-dd HH:mm:ss'] as const;
export type DateFormat = (typeof DATE_FORMATS)[number];

const WIRE_FORMAT = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;

function daysInMonth(year: number, month: number): number {
  if (month === 2) {
    const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
    return leap ? 29 : 28;
  }
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * Returns the text when it is a real calendar time in the wire format, otherwise null. WDT sends
 * MySQL's zero date `0000-00-00 00:00:00` for times that never happened; that is rejected here
 * because a stock-out without a ship time cannot be dated in K3.
 */
export function parseBeijingDateTime(text: string): BeijingDateTime | null {
  const match = WIRE_FORMAT.exec(text);
  if (match === null) return null;
  const [, y, mo, d, h, mi, s] = match.map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return null;
  if (h > 23 || mi > 59 || s > 59) return null;
  return text;
}

export function formatK3Date(time: BeijingDateTime, format: DateFormat): string {
  return format === 'yyyy-MM-dd' ? time.slice(0, 10) : time;
}
