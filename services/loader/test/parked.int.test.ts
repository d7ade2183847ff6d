import { deadLetterLockKey, orderJobId } from '@wdt-k3/jobs';
import { useRedisServer, waitFor } from '@wdt-k3/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import {
  dataset,
  enqueueOrders,
  type K3Sim,
  loaderEnv,
  openTestQueues,
  ordersOf,
  startInProcessLoader,
  startK3Sim,
} from './harness.ts';

/** The K3 sales order a stock-out links to, built from the stock-out itself. */
function salesOrderOf(order: Record<string, unknown>) {
  const rows = order.details_list as Array<Record<string, unknown>>;
  return {
    billNo: String(order.src_trade_no),
    customerNumber: String(order.nick_name),
    entries: rows.map((row) => ({
      materialNumber: String(row.goods_no),
      qty: Number(row.goods_count),
      taxPrice: Number(row.sell_price),
    })),
  };
}

describe('parked dead letters (K3_SOURCE_ORDER_NOT_FOUND)', () => {
  const redis = useRedisServer();
  const cleanups: Array<() => Promise<unknown> | unknown> = [];
  afterEach(async () => {
    while (cleanups.length > 0) await cleanups.pop()?.();
  });

  it('are replayed once their sales order is in K3, and only then, never under a person’s lock', async () => {
    const data = dataset(41, 6, { unlinkedRate: 1 });
    const k3: K3Sim = await startK3Sim([data]);
    cleanups.push(() => k3.close());
    const env = loaderEnv(redis().url, k3, { LOADER_LOOKUP_MISS_TTL_MS: '1' });
    const { loader, stop } = await startInProcessLoader(env);
    cleanups.push(stop);
    const { queues, redis: client } = openTestQueues(env);
    cleanups.push(async () => {
      await Promise.allSettled(Object.values(queues).map((queue) => queue.close()));
      client.disconnect();
    });
    const orders = ordersOf(data);
    await enqueueOrders(queues, orders, { attempts: 2, backoff: { type: 'fixed', delay: 10 } });
    await waitFor(async () => (await queues.failed.count()) === 6, { description: 'six orders parked' });
    const letters = await queues.failed.getJobs(['wait'], 0, -1);
    expect(letters.every((job) => job.data.error.code === 'K3_SOURCE_ORDER_NOT_FOUND')).toBe(true);

    // Nothing appeared yet: the sweep replays none.
    expect(await loader.sweepParked()).toEqual({ looked: 6, replayed: 0 });
    // Two sales orders are synced into K3 by their own flow.
    const synced = orders.slice(0, 2);
    const res = await fetch(`${k3.baseUrl.replace(/\/k3cloud\/$/, '')}/_sim/basedata`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ salesOrders: synced.map(salesOrderOf) }),
    });
    expect(res.status).toBe(200);
    // A person is replaying or discarding one of them right now (the per-order lock the admin
    // API holds): the sweep leaves that one to them and takes it on a later sweep.
    const held = deadLetterLockKey(`{${env.REDIS_PREFIX}}`, orderJobId(synced[1] ?? {}));
    await client.set(held, '1', 'PX', 60_000);
    expect(await loader.sweepParked()).toEqual({ looked: 6, replayed: 1 });
    await client.del(held);
    expect(await loader.sweepParked()).toEqual({ looked: 5, replayed: 1 });
    await waitFor(async () => (await k3.bills()).length === 2, { description: 'the two replays saved' });
    const billNos = (await k3.bills()).map((bill) => bill.FBillNo).sort();
    expect(billNos).toEqual(synced.map((order) => order.order_no).sort());
    await waitFor(async () => (await queues.failed.count()) === 4, {
      description: 'their dead letters gone',
    });
    // A bill is in K3 a moment before its job is marked completed: wait for the jobs, not on luck.
    const replayed = await waitFor(
      async () => {
        const done = (await queues.orders.getJobs(['completed'], 0, -1)).filter(
          (job) => job.data.replay?.by === 'parked-sweep',
        );
        return done.length >= 2 ? done : null;
      },
      { description: 'the two replays completed' },
    );
    expect(replayed).toHaveLength(2);
  });
});
