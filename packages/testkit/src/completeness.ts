/**
 * Accounts for every stock-out a window ever had (wdt-sim's `POST /_sim/audit`) against what a run
 * enqueued: each row lands in exactly one bucket, and `missing` — rows that stayed in the result
 * the whole time and were never read — must be empty for a correct walk.
 */
export interface AuditedRow {
  readonly stockoutId: number;
  readonly orderNo: string;
  readonly initially: boolean;
  readonly now: boolean;
  readonly changes: ReadonlyArray<{
    readonly at: string;
    readonly atMs: number;
    readonly kind: string;
    readonly inResult: boolean;
  }>;
}

export interface Completeness {
  /** Every row the window ever held. */
  readonly rows: number;
  readonly read: number;
  /** Stayed in the result throughout and never read: a missed order (漏单). */
  readonly missing: readonly number[];
  /** Left the result (with when) before its place was read; not an order to load. */
  readonly leftBeforeRead: ReadonlyArray<{ readonly stockoutId: number; readonly at: string }>;
  /** Became visible after its place was read and is still in the result: a later read must find it. */
  readonly enteredNotRead: readonly number[];
  /** Became visible and left again before any read reached it. */
  readonly enteredAndLeft: readonly number[];
}

export function classifyCompleteness(rows: readonly AuditedRow[], read: ReadonlySet<number>): Completeness {
  const missing: number[] = [];
  const leftBeforeRead: Array<{ stockoutId: number; at: string }> = [];
  const enteredNotRead: number[] = [];
  const enteredAndLeft: number[] = [];
  let readCount = 0;
  for (const row of rows) {
    if (read.has(row.stockoutId)) {
      readCount += 1;
      continue;
    }
    const left = row.changes.find((change) => !change.inResult);
    if (row.initially && row.now && left === undefined) missing.push(row.stockoutId);
    else if (row.initially) leftBeforeRead.push({ stockoutId: row.stockoutId, at: left?.at ?? '?' });
    else if (row.now) enteredNotRead.push(row.stockoutId);
    else enteredAndLeft.push(row.stockoutId);
  }
  return { rows: rows.length, read: readCount, missing, leftBeforeRead, enteredNotRead, enteredAndLeft };
}

/** One line for a test log: how every row of the window was accounted for. */
export function describeCompleteness(result: Completeness): string {
  return [
    `rows ${result.rows}`,
    `read ${result.read}`,
    `missing ${result.missing.length}`,
    `left before read ${result.leftBeforeRead.length}`,
    `entered, not read ${result.enteredNotRead.length}`,
    `entered and left ${result.enteredAndLeft.length}`,
  ].join(' · ');
}
