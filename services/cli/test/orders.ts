import type { DeadLetterData } from '@wdt-k3/jobs';

/** WDT stock-out orders in their wire form and the loader's dead letters, as the tests need them. */
export type RawOrder = Record<string, unknown>;

export function wdtOrder(stockoutId: number, overrides: RawOrder = {}): RawOrder {
  return {
    stockout_id: stockoutId,
    order_no: `CK${stockoutId}`,
    src_trade_no: `T${stockoutId}`,
    src_tids: `T${stockoutId},T${stockoutId}b`,
    status: 95,
    shop_no: 'tmall01',
    warehouse_no: 'WH-HD01',
    consign_time: '2024-03-18 10:12:05',
    logistics_no: `SF${stockoutId}`,
    nick_name: 'tb_小林的杂货铺',
    fenxiao_nick: '',
    remark: '',
    details_list: [
      {
        rec_id: stockoutId * 10,
        goods_no: 'SPU-1001',
        spec_no: 'SPU-1001-RED-M',
        goods_count: '2.0000',
        sell_price: '59.9000',
      },
    ],
    ...overrides,
  };
}

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
  };
}
