import type { MapIssue } from '@wdt-k3/admin-contract';
import { fieldText, rowsOf } from './order-view.ts';

/**
 * Building an edited order from the console's edit form or JSON editor. The identity fields are
 * locked: the form has none, and JSON that changes one is refused here (the API would refuse it
 * with ADMIN_IDENTITY_CHANGED; saying so before sending is friendlier).
 */
export const LOCKED_FIELDS = ['order_no', 'stockout_id'] as const;
export const HEADER_EDITABLE = [
  'nick_name',
  'fenxiao_nick',
  'warehouse_no',
  'shop_no',
  'src_trade_no',
  'logistics_no',
  'consign_time',
] as const;
export const ROW_EDITABLE = ['goods_no', 'spec_no', 'goods_count', 'sell_price'] as const;

/** Nesting beyond this is not an order (and a 50,000-level document must not reach a parser that recurses). */
const MAX_DEPTH = 20;

export type EditResult = { ok: true; order: Record<string, unknown> } | { ok: false; problem: EditProblem };
export type EditProblem = { kind: 'json'; message: string } | { kind: 'locked'; fields: string[] };

/** Keeps a value's kind: a number stays a number when the new text is one; otherwise the text. */
function edited(original: unknown, text: string): unknown {
  if (typeof original === 'number' && text.trim() !== '' && Number.isFinite(Number(text)))
    return Number(text);
  return text;
}

export function applyForm(
  stored: Readonly<Record<string, unknown>>,
  form: Readonly<Record<string, string>>,
): Record<string, unknown> {
  const order = structuredClone(stored) as Record<string, unknown>;
  for (const field of HEADER_EDITABLE) {
    const value = form[`h.${field}`];
    if (value !== undefined && value !== fieldText(stored[field]))
      order[field] = edited(stored[field], value);
  }
  const rows = rowsOf(order);
  rows.forEach((row, index) => {
    for (const field of ROW_EDITABLE) {
      const value = form[`r.${index}.${field}`];
      if (value !== undefined && value !== fieldText(row[field])) row[field] = edited(row[field], value);
    }
  });
  return order;
}

function depthOf(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index];
    if (inString) {
      if (char === '\\') index += 1;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === '{' || char === '[') max = Math.max(max, ++depth);
    else if (char === '}' || char === ']') depth -= 1;
  }
  return max;
}

/** The JSON editor's text → the order, with the locked fields as stored (absent ones filled in). */
export function applyJson(stored: Readonly<Record<string, unknown>>, text: string): EditResult {
  if (depthOf(text) > MAX_DEPTH)
    return { ok: false, problem: { kind: 'json', message: `nested deeper than ${MAX_DEPTH} levels` } };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    return { ok: false, problem: { kind: 'json', message: err instanceof Error ? err.message : 'not JSON' } };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    return { ok: false, problem: { kind: 'json', message: 'expected an object: { … }' } };
  const order = parsed as Record<string, unknown>;
  const changed = LOCKED_FIELDS.filter(
    (field) =>
      field in order && stored[field] !== undefined && fieldText(order[field]) !== fieldText(stored[field]),
  );
  if (changed.length > 0) return { ok: false, problem: { kind: 'locked', fields: changed } };
  for (const field of LOCKED_FIELDS) if (stored[field] !== undefined) order[field] = stored[field];
  return { ok: true, order };
}

/** The order for the JSON editor: everything but the locked fields. */
export function editableJson(order: Readonly<Record<string, unknown>>): string {
  const copy: Record<string, unknown> = { ...order };
  for (const field of LOCKED_FIELDS) delete copy[field];
  return JSON.stringify(copy, null, 2);
}

/** Which form field an issue is about: `details_list.0.goods_count` → `r.0.goods_count`. */
export function formFieldOf(issue: MapIssue): string | null {
  const row = /^details_list\.(\d+)\.(\w+)$/.exec(issue.path);
  if (row !== null) return `r.${row[1]}.${row[2]}`;
  return /^\w+$/.test(issue.path) ? `h.${issue.path}` : null;
}
