/**
 * WDT writes every time as `yyyy-MM-dd HH:mm:ss` in Beijing time (UTC+8; China has had no
 * daylight saving since 1991), and Qimen signs its `timestamp` in that form. Everything here is
 * computed from UTC, so the host's time zone never matters.
 */
export const BEIJING_OFFSET_MS = 8 * 3_600_000;

const WALL_TIME = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;
// ISO-8601 with an explicit offset: a bare local time would be read in the host's zone.
const ISO_WITH_OFFSET = /^(\d{4}-\d{2}-\d{2})T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

/** Epoch ms → `yyyy-MM-dd HH:mm:ss` Beijing time. */
export function formatBeijingTime(epochMs: number): string {
  const iso = new Date(epochMs + BEIJING_OFFSET_MS).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
}

/**
 * `yyyy-MM-dd HH:mm:ss` Beijing time → epoch ms; undefined unless it is a real calendar time
 * (2024-02-30 and MySQL's zero date `0000-00-00 00:00:00` are refused, not rolled over).
 */
export function parseBeijingTime(text: string): number | undefined {
  const match = WALL_TIME.exec(text);
  if (match === null) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (year < 1) return undefined;
  const utcMs = Date.UTC(year, month - 1, day, hour, minute, second) - BEIJING_OFFSET_MS;
  return formatBeijingTime(utcMs) === text ? utcMs : undefined;
}

/**
 * An instant a person typed: Beijing wall time (`2026-11-01 08:00:00`) or ISO-8601 with an offset
 * (`2026-11-01T00:00:00Z`, `…+08:00`). Undefined for anything else, including impossible dates.
 */
export function parseInstant(text: string): number | undefined {
  const trimmed = text.trim();
  const beijing = parseBeijingTime(trimmed);
  if (beijing !== undefined) return beijing;
  const iso = ISO_WITH_OFFSET.exec(trimmed);
  if (iso === null) return undefined;
  const ms = Date.parse(trimmed);
  if (Number.isNaN(ms)) return undefined;
  // Date.parse rolls 2024-02-30 over to March: the calendar date must survive a round trip.
  const offset = /(Z|[+-]\d{2}:\d{2})$/.exec(trimmed)?.[1] ?? 'Z';
  const offsetMs =
    offset === 'Z'
      ? 0
      : (offset.startsWith('-') ? -1 : 1) *
        (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4, 6))) *
        60_000;
  return new Date(ms + offsetMs).toISOString().slice(0, 10) === iso[1] ? ms : undefined;
}
