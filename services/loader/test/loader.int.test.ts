import { enqueueBulk, orderJobId } from '@wdt-k3/jobs';
import { useRedisServer, waitFor } from '@wdt-k3/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import {
  dataset,
  enqueueOrders,
  type InProcessLoader,
  type K3Sim,
  loaderEnv,
  openTestQueues,
  ordersOf,
  SOURCE,
  startInProcessLoader,
  startK3Sim,
} from './harness.ts';

interface Running {
  readonly loader: InProcessLoader['loader'];
  readonly env: Record<string, string>;
  readonly registry: InProcessLoader['registry'];
  readonly queues: ReturnType<typeof openTestQueues>['queues'];
}

describe('loader against k3cloud-sim and a real Redis', () => {
  const redis = useRedisServer();
  const cleanups: Array<() => Promise<unknown> | unknown> = [];
  afterEach(async () => {
    while (cleanups.length > 0) await cleanups.pop()?.();
  });

  async function run(sim: K3Sim, overrides: Record<string, string> = {}): Promise<Running> {
    const env = loaderEnv(redis().url, sim, overrides);
    const started = await startInProcessLoader(env);
    const test = openTestQueues(env);
    cleanups.push(async () => {
      await started.stop();
      await Promise.allSettled(Object.values(test.queues).map((queue) => queue.close()));
      test.redis.disconnect();
    });
    return { loader: started.loader, env, registry: started.registry, queues: test.queues };
  }

  async function sim(...datasets: Parameters<typeof startK3Sim>[0]): Promise<K3Sim> {
    const started = await startK3Sim(datasets);
    cleanups.push(() => started.close());
    return started;
  }

  const settled = async (queues: Running['queues'], total: number): Promise<void> => {
    await waitFor(
      async () => {
        const counts = await queues.orders.getJobCounts('completed', 'failed');
        const dead = await queues.failed.count();
        return (counts.completed ?? 0) + dead === total && counts.failed === 0;
      },
      { timeoutMs: 120_000, description: `${total} orders to be saved or dead-lettered` },
    );
  };

  it('saves every order once, mapped field by field as mapping-spec.md says', async () => {
    const data = dataset(11, 300);
    const k3 = await sim(data);
    const { queues } = await run(k3);
    const orders = ordersOf(data);
    await enqueueOrders(queues, orders);
    await settled(queues, orders.length);

    const bills = await k3.bills();
    expect(bills).toHaveLength(300);
    expect(new Set(bills.map((bill) => bill.FBillNo)).size).toBe(300);
    expect(await queues.failed.count()).toBe(0);

    const order = data.orderAt(17);
    const bill = bills.find((candidate) => candidate.FBillNo === order.order_no) as Record<string, unknown>;
    const salesOrder = data.salesOrderFor(order.src_trade_no);
    expect(bill).toMatchObject({
      FBillTypeID: { FNUMBER: 'XSCKD01_SYS' },
      FDate: order.consign_time.slice(0, 10),
      FStockOrgId: { FNumber: '100' },
      FSaleOrgId: { FNumber: '100' },
      FCustomerID: { FNumber: order.nick_name },
      FSalesManID: { FNumber: data.catalog.customers.find((c) => c.nick === order.nick_name)?.sellerNumber },
      FNote: order.remark,
      FCarriageNO: order.logistics_no,
      F_ora_Text2: order.logistics_no,
      F_USQR_TEXT: order.src_trade_no,
    });
    const entries = bill.FEntity as Array<Record<string, unknown>>;
    expect(entries).toHaveLength(order.details_list.length);
    order.details_list.forEach((row, index) => {
      const entry = entries[index] as Record<string, unknown>;
      expect(entry).toMatchObject({
        FMaterialID: { FNumber: row.goods_no },
        FRealQty: Number(row.goods_count),
        FTaxPrice: Number(row.sell_price),
        FIsFree: Number(row.sell_price) === 0,
        FStockID: { FNumber: order.warehouse_no },
        FStockStatusID: { FNumber: 'KCZT01_SYS' },
        FSrcType: 'SAL_SaleOrder',
        FSrcBillNo: order.src_trade_no,
        FSoorDerno: order.src_trade_no,
      });
      expect((entry.FEntity_Link as unknown[])[0]).toMatchObject({
        FEntity_Link_FRuleId: 'SaleOrder-OutStock',
        FEntity_Link_FSTableName: 'T_SAL_ORDERENTRY',
        FEntity_Link_FSBillId: salesOrder?.fid,
        FEntity_Link_FSId: salesOrder?.entries[index]?.entryId,
        FEntity_Link_FBaseUnitQty: Number(row.goods_count),
      });
    });
  });

  it('dead-letters invalid orders and missing base data with their codes, and saves every other order', async () => {
    const data = dataset(12, 200, { unknownMaterialRate: 0.1, missingCustomerRate: 0.05 });
    const k3 = await sim(data);
    const { queues } = await run(k3);
    const orders = ordersOf(data);
    const broken = [
      { ...data.orderAt(0), stockout_id: 99_000_001, order_no: '' },
      // Its own number: another stock-out with order 1's number would be a collision (tested below).
      { ...data.orderAt(1), stockout_id: 99_000_002, order_no: 'CK-EMPTY-DETAILS', details_list: [] },
      { stockout_id: 99_000_003, _malformed: 'not an order' },
    ];
    await enqueueOrders(queues, [...orders, ...broken]);
    await settled(queues, orders.length + broken.length);

    const dead = await queues.failed.getJobs(['wait'], 0, -1);
    const codeOf = (id: string) => dead.find((job) => job.id === id)?.data.error.code;
    expect(codeOf('so-99000001')).toBe('MAP_MISSING_ORDER_NO');
    expect(codeOf('so-99000002')).toBe('MAP_EMPTY_DETAILS');
    expect(codeOf('so-99000003')).toBeDefined();
    const unknownMaterial = orders.filter((order) =>
      (order.details_list as Array<Record<string, unknown>>).some((row) =>
        String(row.goods_no).startsWith('9.99.'),
      ),
    );
    const noCustomer = orders.filter((order) => order.nick_name === '');
    expect(unknownMaterial.length).toBeGreaterThan(0);
    expect(noCustomer.length).toBeGreaterThan(0);
    for (const order of unknownMaterial) {
      const letter = dead.find((job) => job.id === `so-${order.stockout_id}`);
      if (order.nick_name === '') continue;
      expect(letter?.data.error.code).toBe('K3_BASEDATA_MISSING');
      expect(letter?.data.error.fieldErrors.length).toBeGreaterThan(0);
      expect(letter?.data.order).toEqual(order);
    }
    for (const order of noCustomer) expect(codeOf(`so-${order.stockout_id}`)).toBe('MAP_MISSING_CUSTOMER');
    const deadIds = new Set(dead.map((job) => job.id));
    const bills = await k3.bills();
    expect(bills.length).toBe(orders.length + broken.length - dead.length);
    const billNos = new Set(bills.map((bill) => bill.FBillNo));
    for (const order of orders) {
      expect(billNos.has(order.order_no) !== deadIds.has(`so-${order.stockout_id}`)).toBe(true);
    }
  });

  it('completes an order whose bill is already in K3 as already saved, without a second bill', async () => {
    const data = dataset(13, 20);
    const k3 = await sim(data);
    const { queues, registry } = await run(k3);
    const orders = ordersOf(data);
    await enqueueOrders(queues, orders.slice(0, 10));
    await settled(queues, 10);
    // The same orders again under new job ids (a replay's), as after the retention or a replay;
    // the first ten broken beyond validation: their bill exists, so they are already saved.
    await enqueueBulk(
      queues.orders,
      'orderLoad',
      orders.map((order, index) => ({
        data: { order: index < 10 ? { ...order, details_list: [] } : order, source: SOURCE },
        options: { jobId: `${orderJobId(order)}-r1` },
      })),
    );
    await settled(queues, 30);
    expect(await k3.bills()).toHaveLength(20);
    expect(await queues.failed.count()).toBe(0);
    const metrics = await registry.getSingleMetricAsString('loader_bills_already_saved_total');
    expect(metrics).toMatch(/loader_bills_already_saved_total\{service="loader"\} 10/);
  });

  it('dead-letters a second stock-out with a saved bill’s number as a collision naming both', async () => {
    const data = dataset(15, 5);
    const k3 = await sim(data);
    const { queues } = await run(k3);
    const orders = ordersOf(data);
    await enqueueOrders(queues, orders);
    await settled(queues, 5);
    const twin = { ...orders[2], stockout_id: 77_000_003 } as Record<string, unknown>;
    await enqueueOrders(queues, [twin]);
    await settled(queues, 6);
    const [letter] = await queues.failed.getJobs(['wait'], 0, -1);
    expect(letter?.id).toBe('so-77000003');
    expect(letter?.data.error.code).toBe('LOADER_BILL_NUMBER_TAKEN');
    expect(letter?.data.error.message).toContain(`so-${orders[2]?.stockout_id}`);
    expect(letter?.data.error.message).toContain('so-77000003');
    expect(await k3.bills()).toHaveLength(5);
  });

  it('retries a missing sales order (linkMode=required) and dead-letters it when attempts run out; optional saves it unlinked', async () => {
    const data = dataset(14, 10, { unlinkedRate: 1 });
    const k3 = await sim(data);
    const required = await run(k3);
    await enqueueOrders(required.queues, ordersOf(data, 3), {
      attempts: 2,
      backoff: { type: 'fixed', delay: 10 },
    });
    await settled(required.queues, 3);
    const dead = await required.queues.failed.getJobs(['wait'], 0, -1);
    expect(dead.map((job) => job.data.error.code)).toEqual(Array(3).fill('K3_SOURCE_ORDER_NOT_FOUND'));
    expect(dead.every((job) => job.data.attemptsMade === 2 && job.data.history.length === 2)).toBe(true);

    const optional = await run(k3, { LOADER_LINK_MODE: 'optional' });
    await enqueueOrders(optional.queues, ordersOf(data).slice(3));
    await settled(optional.queues, 7);
    const bills = await k3.bills();
    expect(bills).toHaveLength(7);
    expect(
      bills.every((bill) =>
        (bill.FEntity as Array<Record<string, unknown>>).every((entry) => entry.FEntity_Link === undefined),
      ),
    ).toBe(true);
    expect(await optional.registry.getSingleMetricAsString('loader_orders_unlinked_total')).toMatch(/ 7$/m);
  });
});
