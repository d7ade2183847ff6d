import type { AddressInfo } from 'node:net';
import { createDataset, type Dataset, type WdtOrderWire } from '@wdt-k3/sim-data';
import { jsonControl } from '@wdt-k3/testkit';
import { buildK3SimApp, type K3SimApp, type K3SimOptions } from '../src/index.ts';

/** Demo credentials; the app id has the 32-char part the official Python SDK requires. */
export const CREDENTIALS = {
  acctId: '66f0a1b2c3d4e5',
  username: 'apiuser',
  appId: '300001_AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcY',
  appSecret: '0123456789abcdef0123456789abcdef',
  password: 'k3-sim-password',
} as const;

const FROM_MS = Date.UTC(2026, 0, 1);

export function smallDataset(seed = 7, count = 200): Dataset {
  return createDataset({ seed, count, fromMs: FROM_MS, toMs: FROM_MS + 10 * 86_400_000 });
}

export interface RunningSim {
  readonly app: K3SimApp;
  readonly url: string;
  /** `http://127.0.0.1:port/k3cloud/` */
  readonly baseUrl: string;
  control(method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

/** The simulator on a real socket (port 0). */
export async function startSim(options: Partial<K3SimOptions> = {}): Promise<RunningSim> {
  const app = buildK3SimApp({ credentials: CREDENTIALS, ...options });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    app,
    url,
    baseUrl: `${url}/k3cloud/`,
    control: jsonControl(url),
    close: () => app.close(),
  };
}

/**
 * A SAL_OUTSTOCK package built from a generated WDT order the way the default mapping profile
 * does (reference §6.4, docs/architecture.md), linked to its sales order.
 */
export function outstockFromOrder(order: WdtOrderWire, dataset: Dataset, billNo = String(order.order_no)) {
  const salesOrder = dataset.salesOrderFor(order.src_trade_no);
  const used = new Set<number>();
  return {
    FBillTypeID: { FNUMBER: 'XSCKD01_SYS' },
    FBillNo: billNo,
    FDate: order.consign_time.slice(0, 10),
    FStockOrgId: { FNumber: '100' },
    FSaleOrgId: { FNumber: '100' },
    FCustomerID: { FNumber: String(order.nick_name) },
    FSalesManID: {
      FNumber: dataset.catalog.customers.find((c) => c.nick === order.nick_name)?.sellerNumber ?? '',
    },
    FNote: String(order.remark ?? ''),
    FCarriageNO: String(order.logistics_no ?? ''),
    F_WDT_StockoutId: order.stockout_id,
    FEntity: order.details_list.map((row) => {
      const entry = salesOrder?.entries.find(
        (e) => e.materialNumber === row.goods_no && !used.has(e.entryId),
      );
      if (entry !== undefined) used.add(entry.entryId);
      const qty = Number(row.goods_count);
      return {
        FMaterialID: { FNumber: String(row.goods_no) },
        FRealQty: qty,
        FTaxPrice: Number(row.sell_price),
        FIsFree: Number(row.sell_price) === 0,
        FStockID: { FNumber: order.warehouse_no },
        FStockStatusID: { FNumber: 'KCZT01_SYS' },
        FOwnerTypeID: 'BD_OwnerOrg',
        FOwnerID: { FNumber: '100' },
        FSrcType: 'SAL_SaleOrder',
        FSrcBillNo: order.src_trade_no,
        FSoorDerno: order.src_trade_no,
        FEntity_Link: [
          {
            FEntity_Link_FRuleId: 'SaleOrder-OutStock',
            FEntity_Link_FSTableName: 'T_SAL_ORDERENTRY',
            FEntity_Link_FSBillId: salesOrder?.fid ?? 0,
            FEntity_Link_FSId: entry?.entryId ?? 0,
            FEntity_Link_FBaseUnitQtyOld: qty,
            FEntity_Link_FBaseUnitQty: qty,
          },
        ],
      };
    }),
  };
}

export function bills(dataset: Dataset, from: number, count: number) {
  return Array.from({ length: count }, (_, i) => outstockFromOrder(dataset.orderAt(from + i), dataset));
}
