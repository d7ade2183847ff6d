import type { DeadLetterData } from '@wdt-k3/jobs';

/** Test builders for WDT stock-out orders in their wire form and for the loader's dead letters. */
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

export interface DeadLetterOptions {
  readonly code?: string;
  readonly failedAt?: number;
  readonly order?: RawOrder;
}

export function deadLetter(stockoutId: number, options: DeadLetterOptions = {}): DeadLetterData {
  const failedAt = options.failedAt ?? 1_710_000_000_000 + stockoutId;
  return {
    order: options.order ?? wdtOrder(stockoutId),
    originalJobId: `so-${stockoutId}`,
    source: { runId: 'run-1', kind: 'incremental', pageNo: 0, fetchedAt: failedAt - 60_000 },
    error: {
      code: options.code ?? 'K3_BASEDATA_MISSING',
      message: 'customer tb_小林的杂货铺 does not exist',
      retryable: false,
      msgCode: 3,
      fieldErrors: [{ field: 'FCustomerID', message: '客户不存在' }],
    },
    attemptsMade: 1,
    firstEnqueuedAt: failedAt - 30_000,
    failedAt,
    history: [{ at: failedAt, attempt: 1, code: options.code ?? 'K3_BASEDATA_MISSING', message: 'failed' }],
    replays: [],
    replayCount: 0,
  };
}

/** The order.extracted event the extractor writes for `wdtOrder(stockoutId)`. */
export function extractedEvent(stockoutId: number): Record<string, unknown> {
  return {
    orderKey: `so-${stockoutId}`,
    at: Date.UTC(2024, 2, 18, 2),
    stockoutId: String(stockoutId),
    orderNo: `CK${stockoutId}`,
    stockoutNo: `CK${stockoutId}`,
    srcTradeNo: null,
    logisticsNo: null,
    shopNo: null,
    warehouseNo: null,
    consignTime: '2024-03-18 10:00:00',
    wdtStatus: 95,
    contentHash: `c${stockoutId}`,
    runId: 'run-1',
    runKind: 'incremental',
  };
}
