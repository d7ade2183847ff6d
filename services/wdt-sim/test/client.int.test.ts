import {
  createWdtClient,
  planPages,
  planWindows,
  type SignMethod,
  type StockoutPageQuery,
  type WdtClient,
} from '@wdt-k3/wdt-client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CREDENTIALS, DAY_MS, DAY0_MS, type RunningSim, startSim } from './support.ts';

/** The WDT client against the simulator over real HTTP: the happy path in every sign method. */
describe('wdt-client against wdt-sim', () => {
  let sim: RunningSim;
  const clients: WdtClient[] = [];
  beforeAll(async () => {
    sim = await startSim();
  });
  afterAll(async () => {
    for (const client of clients) client.close();
    await sim.close();
  });
  beforeEach(async () => {
    await sim.control('POST', '/_sim/reset');
  });

  const client = (signMethod?: SignMethod): WdtClient => {
    const created = createWdtClient({
      baseUrl: sim.baseUrl,
      ...CREDENTIALS,
      ...(signMethod !== undefined && { signMethod }),
      now: sim.clock.now,
    });
    clients.push(created);
    return created;
  };

  /** Everything in [from, to), window by window, each paged as WDT advises. */
  async function fetchAll(wdt: WdtClient, fromMs: number, toMs: number, spanMs: number): Promise<number[]> {
    const ids: number[] = [];
    for (const window of planWindows(fromMs, toMs, spanMs)) {
      const query: Omit<StockoutPageQuery, 'pageNo'> = {
        startTime: window.fromMs,
        endTime: window.toMs,
        pageSize: 100,
      };
      const first = await wdt.queryStockoutPage({ ...query, pageNo: 0 });
      ids.push(...first.orders.map((order) => order.stockout_id as number));
      for (const pageNo of planPages(first.totalCount ?? 0, 100)) {
        const page = await wdt.queryStockoutPage({ ...query, pageNo });
        expect(page.totalCount).toBeUndefined();
        ids.push(...page.orders.map((order) => order.stockout_id as number));
      }
    }
    return ids;
  }

  it.each<SignMethod>(['md5', 'hmac', 'hmac-sha256'])(
    'reads every order of three days, signed with %s',
    async (method) => {
      const generated = await sim.control<{ stockoutIdRange: [number, number] }>('POST', '/_sim/generate', {
        count: 1234,
        from: DAY0_MS,
        to: DAY0_MS + 3 * DAY_MS,
        seed: 11,
      });
      const ids = await fetchAll(client(method), DAY0_MS - DAY_MS, DAY0_MS + 4 * DAY_MS, 7 * 3_600_000);
      const [first, last] = generated.stockoutIdRange;
      expect(new Set(ids).size).toBe(1234);
      expect(Math.min(...ids)).toBe(first);
      expect(Math.max(...ids)).toBe(last);
      const stats = await sim.control<{ errors: { total: number }; lastCall: { signMethod: string } }>(
        'GET',
        '/_sim/stats',
      );
      expect(stats.errors.total).toBe(0);
      expect(stats.lastCall.signMethod).toBe(method);
    },
  );

  it('sends system parameters in the query string and business parameters in a form body, asking for gzip', async () => {
    await client().queryStockoutPage({
      startTime: DAY0_MS,
      endTime: DAY0_MS + DAY_MS,
      pageNo: 0,
      pageSize: 10,
      status: [95, 110],
      shopNo: 'tm01',
    });
    const { lastCall } = await sim.control<{ lastCall: Record<string, unknown> }>('GET', '/_sim/stats');
    expect(lastCall).toMatchObject({
      httpMethod: 'POST',
      path: '/router/qm',
      contentType: 'application/x-www-form-urlencoded;charset=UTF-8',
      acceptEncoding: expect.stringContaining('gzip'),
    });
    expect([...(lastCall.queryKeys as string[])].sort()).toEqual([
      'app_key',
      'format',
      'method',
      'sign',
      'sign_method',
      'target_app_key',
      'timestamp',
      'v',
    ]);
    expect([...(lastCall.bodyKeys as string[])].sort()).toEqual([
      'end_time',
      'page_no',
      'page_size',
      'shop_no',
      'sid',
      'start_time',
      'status',
    ]);
  });

  it('finds one order by its stock-out number, system order number or platform id alone', async () => {
    await sim.control('POST', '/_sim/generate', {
      count: 100,
      from: DAY0_MS,
      to: DAY0_MS + DAY_MS,
      seed: 12,
    });
    const wdt = client();
    const [sample] = (
      await wdt.queryStockoutPage({ startTime: DAY0_MS, endTime: DAY0_MS + DAY_MS, pageNo: 0, pageSize: 1 })
    ).orders as [Record<string, unknown>];
    for (const query of [
      { stockoutNo: sample.order_no },
      { srcOrderNo: sample.src_order_no },
      { srcTid: sample.src_trade_no },
    ]) {
      const page = await wdt.queryStockoutPage({
        ...(query as Partial<StockoutPageQuery>),
        pageNo: 0,
        pageSize: 10,
      });
      expect(page.orders.map((order) => order.stockout_id)).toEqual([sample.stockout_id]);
    }
  });

  it('keeps every field of an inserted order, unknown ones included, with 4-decimal money', async () => {
    const order = {
      stockout_id: 900001,
      order_no: 'CK-EXPLICIT',
      status: 95,
      consign_time: '2024-01-01 10:00:00',
      modified: '2024-01-01 10:00:05',
      goods_total_amount: '20.0000',
      future_field: { 备注: '原样保留' },
      details_list: [
        { rec_id: 1, goods_no: 'SPU-1', goods_count: '2.0000', sell_price: '0.0000', gift_type: 1 },
      ],
    };
    await sim.control('POST', '/_sim/orders', [order]);
    const page = await client().queryStockoutPage({ stockoutNo: 'CK-EXPLICIT', pageNo: 0, pageSize: 1 });
    expect(page).toEqual({ totalCount: 1, orders: [order] });
  });
});
