import { z } from 'zod';
import { type BeijingDateTime, parseBeijingDateTime } from './beijing-time.ts';
import { type Decimal, fitsJsonNumber, MAX_EXACT_SIGNIFICANT_DIGITS, readDecimal } from './decimal.ts';
import { MAP_ISSUE_CODES, type MapIssueCode } from './errors.ts';

/**
 * Readers for the WDT wire format. Each accepts whatever the feed is known to send for that kind
 * of field (wdt-qimen.md §3.4: numbers or strings or null) and normalises it, or names the problem
 * with our `MAP_*` code. The zod schema (`wireField`) and the fast path of `parseWdtStockoutOrder`
 * both call the same reader, so they cannot disagree about what a field accepts or becomes.
 */
type Ctx = z.core.$RefinementCtx;

/** Why a wire value was refused: the code and message its issue carries. */
export class WireProblem {
  readonly code: MapIssueCode;
  readonly message: string;
  constructor(code: MapIssueCode, message: string) {
    this.code = code;
    this.message = message;
  }
}

/** Reads one field's wire value (`undefined` when the key is absent). Never throws. */
export type WireReader<T> = (value: unknown) => T | WireProblem;
export type ReaderValue<R> = R extends WireReader<unknown> ? Exclude<ReturnType<R>, WireProblem> : never;

export function addMapIssue(ctx: Ctx, mapCode: MapIssueCode, message: string): never {
  ctx.addIssue({ code: 'custom', message, params: { mapCode } });
  return z.NEVER;
}

/**
 * The zod field for a reader. It starts from `z.unknown().optional()`: an absent key then still
 * reaches the reader (it comes out as `null`, or as a "missing" issue) instead of failing with
 * zod's generic error.
 */
function wireField<T>(read: WireReader<T>) {
  return z
    .unknown()
    .optional()
    .transform((value, ctx): T => {
      const result = read(value);
      return result instanceof WireProblem ? addMapIssue(ctx, result.code, result.message) : result;
    });
}

type WireField<T> = ReturnType<typeof wireField<T>>;

/** A zod object shape with one `wireField` per reader. */
export function wireShape<const R extends Record<string, WireReader<unknown>>>(
  readers: R,
): { [K in keyof R]: WireField<ReaderValue<R[K]>> } {
  const shape: Record<string, WireField<unknown>> = {};
  for (const [key, read] of Object.entries(readers)) shape[key] = wireField(read);
  return shape as { [K in keyof R]: WireField<ReaderValue<R[K]>> };
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return `"${value.length > 40 ? `${value.slice(0, 40)}…` : value}"`;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return Array.isArray(value) ? 'an array' : `a ${typeof value}`;
}

/** Free text: string as sent; a number becomes its text (`12` → "12"); absent/null → null. */
export const readText: WireReader<string | null> = (value) => {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return new WireProblem(MAP_ISSUE_CODES.INVALID_FIELD, `expected text, got ${describe(value)}`);
};

/** An id or number-like code that must be present; trimmed; numbers normalised to text. */
export function readRequiredKey(missingCode: MapIssueCode, label: string): WireReader<string> {
  return (value) => {
    if (typeof value === 'number') {
      // Above 2^53 JSON.parse has already rounded the id, so it would name another record.
      if (Number.isSafeInteger(value) && value >= 0) return String(value);
      return new WireProblem(MAP_ISSUE_CODES.INVALID_FIELD, `${label} ${value} is not a usable id`);
    }
    if (typeof value === 'string' && value.trim() !== '') return value.trim();
    if (value === undefined || value === null || typeof value === 'string') {
      return new WireProblem(missingCode, `${label} is missing`);
    }
    return new WireProblem(MAP_ISSUE_CODES.INVALID_FIELD, `${label} must be text or a number`);
  };
}

/** An optional id (`customer_id`, detail `stockout_id`): text or integer, normalised to text. */
export const readId: WireReader<string | null> = (value) => {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  return new WireProblem(MAP_ISSUE_CODES.INVALID_FIELD, `expected an id, got ${describe(value)}`);
};

/** Status and type codes (`status: 95`): integers, also accepted as digit strings. */
export const readInt: WireReader<number | null> = (value) => {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  if (typeof value === 'string' && /^-?\d{1,15}$/.test(value.trim())) return Number(value.trim());
  return new WireProblem(MAP_ISSUE_CODES.INVALID_FIELD, `expected a whole number, got ${describe(value)}`);
};

/**
 * A decimal that goes into the K3 model, so it must be present, within `range`, and exact as a
 * JSON number. `range` is the data-quality rule: quantities > 0, prices ≥ 0.
 */
export function readModelDecimal(
  code: MapIssueCode,
  label: string,
  range: 'positive' | 'non-negative',
): WireReader<Decimal> {
  return (value) => {
    const read = readDecimal(value);
    if (read.kind === 'absent') return new WireProblem(code, `${label} is missing`);
    if (read.kind === 'invalid') return new WireProblem(code, `${label} ${describe(value)} is not a number`);
    const number = read.value;
    // isZero/isNegative read the sign and first digit; gt(0)/lt(0) build a Decimal 0 each (~120 ns).
    const belowZero = number.isNegative() && !number.isZero();
    if (range === 'positive' && (belowZero || number.isZero())) {
      return new WireProblem(code, `${label} must be greater than 0, got ${number.toString()}`);
    }
    if (range === 'non-negative' && belowZero) {
      return new WireProblem(code, `${label} must not be negative, got ${number.toString()}`);
    }
    if (!fitsJsonNumber(number)) {
      return new WireProblem(
        code,
        `${label} ${number.toString()} has more than ${MAX_EXACT_SIGNIFICANT_DIGITS} significant digits and cannot be sent to K3 exactly`,
      );
    }
    return number;
  };
}

/** The ship time that dates the K3 bill: present and a real `yyyy-MM-dd HH:mm:ss`. */
export const readConsignTime: WireReader<BeijingDateTime> = (value) => {
  const code = MAP_ISSUE_CODES.INVALID_CONSIGN_TIME;
  if (value === undefined || value === null || value === '') {
    return new WireProblem(code, 'consign_time is missing');
  }
  const parsed = typeof value === 'string' ? parseBeijingDateTime(value) : null;
  if (parsed === null) {
    return new WireProblem(code, `consign_time ${describe(value)} is not a real yyyy-MM-dd HH:mm:ss time`);
  }
  return parsed;
};
