import { z } from 'zod';
import { type BeijingDateTime, parseBeijingDateTime } from './beijing-time.ts';
import { type Decimal, fitsJsonNumber, MAX_EXACT_SIGNIFICANT_DIGITS, readDecimal } from './decimal.ts';
import { MAP_ISSUE_CODES, type MapIssueCode } from './errors.ts';

/**
 * Field schemas for the WDT wire format. Each one accepts whatever the feed is known to send for
 * that kind of field (wdt-qimen.md §3.4: numbers or strings or null), normalises it, and on bad
 * data adds a zod issue carrying our `MAP_*` code in `params.mapCode`, so
 * `parseWdtStockoutOrder` can report every problem of an order at once with stable codes.
 *
 * Each starts from `z.unknown().optional()`: an absent key then still reaches the transform
 * (it comes out as `null`, or as a "missing" issue) instead of failing with zod's generic error.
 */
type Ctx = z.core.$RefinementCtx;

export function addMapIssue(ctx: Ctx, mapCode: MapIssueCode, message: string): never {
  ctx.addIssue({ code: 'custom', message, params: { mapCode } });
  return z.NEVER;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return `"${value.length > 40 ? `${value.slice(0, 40)}…` : value}"`;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return Array.isArray(value) ? 'an array' : `a ${typeof value}`;
}

/** Free text: string as sent; a number becomes its text (`12` → "12"); absent/null → null. */
export const wireText = z
  .unknown()
  .optional()
  .transform((value, ctx): string | null => {
    if (value === undefined || value === null) return null;
    if (typeof value === 'string') return value;
    if (typeof value === 'number' && Number.isFinite(value)) return String(value);
    return addMapIssue(ctx, MAP_ISSUE_CODES.INVALID_FIELD, `expected text, got ${describe(value)}`);
  });

/** An id or number-like code that must be present; trimmed; numbers normalised to text. */
export function requiredKey(missingCode: MapIssueCode, label: string) {
  return z
    .unknown()
    .optional()
    .transform((value, ctx): string => {
      if (typeof value === 'number') {
        // Above 2^53 JSON.parse has already rounded the id, so it would name another record.
        if (Number.isSafeInteger(value) && value >= 0) return String(value);
        return addMapIssue(ctx, MAP_ISSUE_CODES.INVALID_FIELD, `${label} ${value} is not a usable id`);
      }
      if (typeof value === 'string' && value.trim() !== '') return value.trim();
      if (value === undefined || value === null || typeof value === 'string') {
        return addMapIssue(ctx, missingCode, `${label} is missing`);
      }
      return addMapIssue(ctx, MAP_ISSUE_CODES.INVALID_FIELD, `${label} must be text or a number`);
    });
}

/** An optional id (`customer_id`, detail `stockout_id`): text or integer, normalised to text. */
export const wireId = z
  .unknown()
  .optional()
  .transform((value, ctx): string | null => {
    if (value === undefined || value === null || value === '') return null;
    if (typeof value === 'string') return value.trim();
    if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
    return addMapIssue(ctx, MAP_ISSUE_CODES.INVALID_FIELD, `expected an id, got ${describe(value)}`);
  });

/** Status and type codes (`status: 95`): integers, also accepted as digit strings. */
export const wireInt = z
  .unknown()
  .optional()
  .transform((value, ctx): number | null => {
    if (value === undefined || value === null || value === '') return null;
    if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
    if (typeof value === 'string' && /^-?\d{1,15}$/.test(value.trim())) return Number(value.trim());
    return addMapIssue(ctx, MAP_ISSUE_CODES.INVALID_FIELD, `expected a whole number, got ${describe(value)}`);
  });

/**
 * A decimal that goes into the K3 model, so it must be present, within `range`, and exact as a
 * JSON number. `range` is the data-quality rule: quantities > 0, prices ≥ 0.
 */
export function modelDecimal(code: MapIssueCode, label: string, range: 'positive' | 'non-negative') {
  return z
    .unknown()
    .optional()
    .transform((value, ctx): Decimal => {
      const read = readDecimal(value);
      if (read.kind === 'absent') return addMapIssue(ctx, code, `${label} is missing`);
      if (read.kind === 'invalid')
        return addMapIssue(ctx, code, `${label} ${describe(value)} is not a number`);
      const number = read.value;
      if (range === 'positive' && !number.gt(0)) {
        return addMapIssue(ctx, code, `${label} must be greater than 0, got ${number.toString()}`);
      }
      if (range === 'non-negative' && number.lt(0)) {
        return addMapIssue(ctx, code, `${label} must not be negative, got ${number.toString()}`);
      }
      if (!fitsJsonNumber(number)) {
        return addMapIssue(
          ctx,
          code,
          `${label} ${number.toString()} has more than ${MAX_EXACT_SIGNIFICANT_DIGITS} significant digits and cannot be sent to K3 exactly`,
        );
      }
      return number;
    });
}

/** The ship time that dates the K3 bill: present and a real `yyyy-MM-dd HH:mm:ss`. */
export const wireConsignTime = z
  .unknown()
  .optional()
  .transform((value, ctx): BeijingDateTime => {
    const code = MAP_ISSUE_CODES.INVALID_CONSIGN_TIME;
    if (value === undefined || value === null || value === '') {
      return addMapIssue(ctx, code, 'consign_time is missing');
    }
    const parsed = typeof value === 'string' ? parseBeijingDateTime(value) : null;
    if (parsed === null) {
      return addMapIssue(ctx, code, `consign_time ${describe(value)} is not a real yyyy-MM-dd HH:mm:ss time`);
    }
    return parsed;
  });
