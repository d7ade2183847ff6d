/** Beijing is UTC+8 all year (China has had no daylight saving since 1991). */
const BEIJING_OFFSET_MS = 8 * 3_600_000;
const BEIJING_PATTERN = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;

/**
 * `yyyy-MM-dd HH:mm:ss` in Beijing time, the format of Qimen's `timestamp` and of every WDT time.
 * Computed from UTC so the host's time zone never matters: the PHP SDK's `date()` uses the host
 * zone, and a server outside UTC+8 then fails the gateway's ±10 minute check (TOP code 31).
 */
export function formatBeijingTime(epochMs: number): string {
  const iso = new Date(epochMs + BEIJING_OFFSET_MS).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
}

/** Parses `yyyy-MM-dd HH:mm:ss` as Beijing time; `undefined` when it is not a real date and time. */
export function parseBeijingTime(text: string): number | undefined {
  const match = BEIJING_PATTERN.exec(text);
  if (match === null) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const utcMs = Date.UTC(year, month - 1, day, hour, minute, second);
  // Date.UTC rolls 2024-02-30 over to March; a round trip catches it.
  return formatBeijingTime(utcMs - BEIJING_OFFSET_MS) === text ? utcMs - BEIJING_OFFSET_MS : undefined;
}
