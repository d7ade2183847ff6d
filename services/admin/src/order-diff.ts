/** One value an edited replay changed, by its JSON path (`details_list.0.num`). */
export interface OrderChange {
  readonly path: string;
  readonly before: unknown;
  readonly after: unknown;
}

/** An audit entry carries at most this many changes, and says how many more there were. */
export const MAX_CHANGES = 50;
const MAX_VALUE_CHARS = 200;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Scalars as they are; a long string or a whole object/array that appeared or went, as short JSON. */
function shown(value: unknown): unknown {
  if (value === undefined) return null;
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  if (typeof value !== 'object' || value === null)
    return typeof value === 'string' && text.length > MAX_VALUE_CHARS
      ? `${text.slice(0, MAX_VALUE_CHARS)}…`
      : value;
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS)}…` : text;
}

/**
 * What an edit changed in a WDT order, leaf by leaf, in a stable order (the original's keys
 * first, then added ones). For the audit trail of an edited replay: who changed what.
 */
export function orderChanges(before: unknown, after: unknown): { changes: OrderChange[]; more: number } {
  const changes: OrderChange[] = [];
  let more = 0;
  const add = (path: string, a: unknown, b: unknown) => {
    if (changes.length < MAX_CHANGES) changes.push({ path, before: shown(a), after: shown(b) });
    else more += 1;
  };
  const walk = (path: string, a: unknown, b: unknown): void => {
    if (Array.isArray(a) && Array.isArray(b)) {
      for (let i = 0; i < Math.max(a.length, b.length); i += 1)
        walk(path === '' ? String(i) : `${path}.${i}`, a[i], b[i]);
      return;
    }
    if (isObject(a) && isObject(b)) {
      const keys = [...Object.keys(a), ...Object.keys(b).filter((key) => !(key in a))];
      for (const key of keys) walk(path === '' ? key : `${path}.${key}`, a[key], b[key]);
      return;
    }
    if (JSON.stringify(a) !== JSON.stringify(b)) add(path, a, b);
  };
  walk('', before, after);
  return { changes, more };
}
