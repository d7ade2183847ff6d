import type { JobInput } from '@wdt-k3/jobs';

/** A dead letter as the loader writes it, for code `code`, failed at `at`. */
export function deadLetter(
  n: number,
  code: string,
  at: number,
  fieldErrors: Array<{ field: string | null; message: string }> = [],
): JobInput<'deadLetter'> {
  return {
    order: { stockout_id: n, order_no: `CK2026110100${String(n).padStart(4, '0')}`, src_trade_no: `T${n}` },
    originalJobId: `so-${n}`,
    source: { runId: 'run-1', kind: 'incremental', pageNo: 0, fetchedAt: at },
    error: { code, message: `${code} for order ${n}`, retryable: false, msgCode: null, fieldErrors },
    attemptsMade: 1,
    firstEnqueuedAt: at,
    failedAt: at,
    history: [],
  };
}
