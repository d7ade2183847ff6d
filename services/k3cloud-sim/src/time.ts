const BEIJING_OFFSET_MS = 8 * 3_600_000;

/**
 * An instant from epoch ms, ISO 8601 with a zone, or WDT-style Beijing wall time
 * (`yyyy-MM-dd` or `yyyy-MM-dd HH:mm:ss`, UTC+8) — the same forms the WDT simulator's window takes.
 */
export function parseInstant(value: string | number): number {
  if (typeof value === 'number') return value;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text);
  const wall = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(text);
  if (wall !== null) {
    const [, y, mo, d, h = '0', mi = '0', s = '0'] = wall;
    return (
      Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)) - BEIJING_OFFSET_MS
    );
  }
  const parsed = Date.parse(text);
  if (Number.isNaN(parsed)) throw new RangeError(`not a date: "${value}"`);
  return parsed;
}

/**
 * The window wdt-sim uses when none is given: the 30 days up to the start of the current hour.
 * Only sales-order dates depend on it; which orders resolve depends on seed and count alone.
 */
export function defaultWindow(nowMs: number): { fromMs: number; toMs: number } {
  const toMs = Math.floor(nowMs / 3_600_000) * 3_600_000;
  return { fromMs: toMs - 30 * 86_400_000, toMs };
}
