/**
 * Dead letters are listed in one stable order: `failedAt`, then job id. A cursor is the sort key
 * of the last item served, so a page after it stays correct while dead letters are added or
 * removed (an offset would skip or repeat items). Opaque to clients: base64url of JSON.
 */
export interface SortKey {
  readonly failedAt: number;
  readonly id: string;
}

export function compareKeys(a: SortKey, b: SortKey): number {
  if (a.failedAt !== b.failedAt) return a.failedAt - b.failedAt;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export function encodeCursor(key: SortKey): string {
  return Buffer.from(JSON.stringify([key.failedAt, key.id]), 'utf8').toString('base64url');
}

/** Returns null for anything that is not a cursor this service wrote. */
export function decodeCursor(cursor: string): SortKey | null {
  if (!/^[A-Za-z0-9_-]{1,400}$/.test(cursor)) return null;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (!Array.isArray(value) || value.length !== 2) return null;
  const [failedAt, id] = value as [unknown, unknown];
  if (typeof failedAt !== 'number' || !Number.isSafeInteger(failedAt) || failedAt < 0) return null;
  if (typeof id !== 'string' || id === '') return null;
  return { failedAt, id };
}
