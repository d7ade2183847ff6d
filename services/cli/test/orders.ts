import type { DeadLetterData } from '@wdt-k3/jobs';

import { type RawOrder, wdtOrder } from '../../admin/test/orders.ts';

// The admin's order builder, so the CLI tests speak about the same orders as the admin tests.
export { type RawOrder, wdtOrder };

/** An order the wire schema refuses: a negative price and a zero quantity. */
export function brokenOrder(stockoutId: number): RawOrder {
  return wdtOrder(stockoutId, {
    details_list: [{ rec_id: 1, goods_no: 'G', goods_count: '0', sell_price: '-1' }],
  });
}

export interface DeadLetterOptions {
  readonly code?: string;
  readonly message?: string;
  readonly failedAt: number;
  readonly order?: RawOrder;
}

export function deadLetter(stockoutId: number, options: DeadLetterOptions): DeadLetterData {
  const { failedAt } = options;
  const code = options.code ?? 'K3_BASEDATA_MISSING';
  return {
    order: options.order ?? wdtOrder(stockoutId),
    originalJobId: `so-${stockoutId}`,
    source: { runId: 'run-1', kind: 'incremental', pageNo: 0, fetchedAt: failedAt - 60_000 },
    error: {
      code,
      message: options.message ?? 'customer tb_小林的杂货铺 does not exist',
      retryable: false,
      msgCode: 3,
      fieldErrors: [{ field: 'FCustomerID', message: '客户不存在' }],
    },
    attemptsMade: 2,
    firstEnqueuedAt: failedAt - 30_000,
    failedAt,
    history: [
      { at: failedAt - 30_000, attempt: 1, code: 'K3_TIMEOUT', message: 'no answer within 60 s' },
      { at: failedAt, attempt: 2, code, message: 'customer does not exist' },
    ],
    replays: [],
    replayCount: 0,
  };
}
