import { Decimal } from 'decimal.js';

/**
 * Exact decimals for WDT money and quantities. WDT sends them as 4-decimal strings ("12.5000"),
 * sometimes as JSON numbers, sometimes null (wdt-qimen.md §3.4). We keep them as decimal.js
 * values so sums and comparisons never drift, and turn them into JSON numbers only at the edge,
 * from the exact value.
 */
export { Decimal };

export type DecimalInput =
  | { readonly kind: 'absent' }
  | { readonly kind: 'invalid' }
  | { readonly kind: 'value'; readonly value: Decimal };

const ABSENT: DecimalInput = { kind: 'absent' };
const INVALID: DecimalInput = { kind: 'invalid' };

// Plain notation only: WDT never sends exponents, thousands separators or hex, so text like
// "1e3", "1,000" or "0x10" is corrupt data, not a number (decimal.js would accept some of them).
const PLAIN_DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/;
const WHOLE_BELOW_1E7 = /^[+-]?0*\d{1,7}(?:\.0*)?$/;

/**
 * Reads a wire value as an exact decimal. `null`, `undefined` and blank text are absent; a JSON
 * number is taken through its shortest round-trip text (`12.5` → "12.5"), which is what the
 * sender wrote for every value a 4-decimal field can hold.
 */
export function readDecimal(raw: unknown): DecimalInput {
  if (raw === null || raw === undefined) return ABSENT;
  if (typeof raw === 'number') {
    return Number.isFinite(raw) ? { kind: 'value', value: new Decimal(raw) } : INVALID;
  }
  if (typeof raw !== 'string') return INVALID;
  const text = raw.trim();
  if (text === '') return ABSENT;
  if (!PLAIN_DECIMAL.test(text)) return INVALID;
  // decimal.js takes ~600 ns to read "2.0000" but ~110 ns to take the number 2 (its small-integer
  // path). Quantities are almost always whole, so a whole value below 10^7 goes that way; the
  // pattern is textual, so "2.00000000000000000001" (which Number() rounds to 2) does not.
  return { kind: 'value', value: new Decimal(WHOLE_BELOW_1E7.test(text) ? Number(text) : text) };
}

/**
 * Any decimal with at most 15 significant digits survives the trip through an IEEE double and
 * back (DBL_DIG = 15), so `Number(text)` is exact for it. Values that go into the K3 model as
 * JSON numbers are checked against this.
 */
export const MAX_EXACT_SIGNIFICANT_DIGITS = 15;

export function fitsJsonNumber(value: Decimal): boolean {
  return value.sd() <= MAX_EXACT_SIGNIFICANT_DIGITS;
}

/** The JSON number for an exact decimal: parsed from its text, never computed in floating point. */
export function toJsonNumber(value: Decimal): number {
  return Number(value.toString());
}
