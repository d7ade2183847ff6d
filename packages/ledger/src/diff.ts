/** One field of a bill that differs between what was saved and what WDT now says. */
export interface FieldChange {
  /** `FNote`, `FEntity[2].FRealQty`. */
  readonly field: string;
  readonly saved: unknown;
  readonly now: unknown;
}

const MAX_CHANGES = 50;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

function walk(path: string, saved: unknown, now: unknown, out: FieldChange[]): void {
  if (out.length >= MAX_CHANGES) return;
  if (isRecord(saved) && isRecord(now)) {
    for (const key of [...new Set([...Object.keys(saved), ...Object.keys(now)])].sort())
      walk(path === '' ? key : `${path}.${key}`, saved[key], now[key], out);
    return;
  }
  if (Array.isArray(saved) && Array.isArray(now)) {
    for (let index = 0; index < Math.max(saved.length, now.length); index += 1)
      walk(`${path}[${index}]`, saved[index], now[index], out);
    return;
  }
  if (JSON.stringify(saved) !== JSON.stringify(now))
    out.push({ field: path, saved: saved ?? null, now: now ?? null });
}

/**
 * The fields in which two bills (as built from WDT) differ, at most 50; a bill that no longer
 * maps at all is one change of the whole bill.
 */
export function diffBills(
  saved: Record<string, unknown> | null,
  now: Record<string, unknown> | null,
): FieldChange[] {
  if (saved === null || now === null)
    return [
      { field: '(bill)', saved: saved === null ? null : 'maps', now: now === null ? 'does not map' : 'maps' },
    ];
  const out: FieldChange[] = [];
  walk('', saved, now, out);
  return out;
}
