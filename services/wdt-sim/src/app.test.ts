import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { CREDENTIALS, createClock, DAY_MS, DAY0_MS, FORM, signedCall } from '../test/support.ts';
import { buildWdtSimApp } from './app.ts';

type Body = { response: Record<string, unknown> };
const apps: ReturnType<typeof buildWdtSimApp>[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

function sim(options: Partial<Parameters<typeof buildWdtSimApp>[0]> = {}) {
  const clock = createClock();
  const app = buildWdtSimApp({ ...CREDENTIALS, now: clock.now, rateLimitPerMinute: 0, ...options });
  apps.push(app);
  return { app, clock };
}

async function call(app: ReturnType<typeof sim>['app'], business: Record<string, string>, nowMs: number) {
  const { url, payload } = signedCall(business, nowMs);
  const response = await app.inject({ method: 'POST', url, payload, headers: FORM });
  return response.json() as Body;
}

const WINDOW = { start_time: '2024-01-01 00:00:00', end_time: '2024-01-01 23:59:59' };

describe('/router/qm', () => {
  it.each([
    ['md5', '256DB7F32C7C485305D515585C055997'],
    ['hmac', '5F5944C3C6417A7CE3C42C2D3D58877C'],
    ['hmac-sha256', 'AD687FF54D0D7DEE4345EE81A5E3F673B1B0708840AFA63A9B5CEFB149F42801'],
  ])('answers the reference example signed with %s, as GET or split POST', async (method, sign) => {
    const { app } = sim({
      appKey: '12345678',
      appSecret: 'testsecret',
      sid: 'test2',
      now: () => DAY0_MS + 12 * 3_600_000,
    });
    const system = {
      app_key: '12345678',
      format: 'json',
      method: 'wdt.stockout.order.query.trade',
      sign_method: method,
      target_app_key: '21363512',
      timestamp: '2024-01-01 12:00:00',
      v: '2.0',
      sign,
    };
    const business = { ...WINDOW, page_no: '0', page_size: '100', sid: 'test2' };
    const get = await app.inject({
      method: 'GET',
      url: `/router/qm?${new URLSearchParams({ ...system, ...business })}`,
    });
    expect(get.json()).toEqual({
      response: { errorcode: 0, message: '', total_count: 0, stockout_list: [] },
    });
    const post = await app.inject({
      method: 'POST',
      url: `/router/qm?${new URLSearchParams(system)}`,
      payload: new URLSearchParams(business).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8' },
    });
    expect(post.json()).toEqual(get.json());
    const tampered = await app.inject({
      method: 'GET',
      url: `/router/qm?${new URLSearchParams({ ...system, ...business, page_size: '99' })}`,
    });
    expect(tampered.json()).toMatchObject({
      response: { flag: 'failure', code: 25, message: 'Invalid signature' },
    });
  });

  it('accepts the method with and without the hu3cgwt0tc. prefix, and nothing else', async () => {
    const { app, clock } = sim();
    for (const method of ['wdt.stockout.order.query.trade', 'hu3cgwt0tc.wdt.stockout.order.query.trade']) {
      const { url, payload } = signedCall(WINDOW, clock.now(), { method });
      expect((await app.inject({ method: 'POST', url, payload, headers: FORM })).json()).toMatchObject({
        response: { errorcode: 0 },
      });
    }
    const { url, payload } = signedCall(WINDOW, clock.now(), { method: 'wdt.trade.query' });
    expect((await app.inject({ method: 'POST', url, payload, headers: FORM })).json()).toMatchObject({
      response: { code: 22 },
    });
  });

  it('pages 250 orders: total_count on page 0 only, page_size capped at 100, ids and status as numbers', async () => {
    const { app, clock } = sim({ dataset: { seed: 3, count: 250, fromMs: DAY0_MS, toMs: DAY0_MS + DAY_MS } });
    const pages = await Promise.all(
      ['0', '1', '2', '3'].map((page_no) => call(app, { ...WINDOW, page_no, page_size: '500' }, clock.now())),
    );
    expect(pages.map((page) => page.response.total_count)).toEqual([250, undefined, undefined, undefined]);
    expect(pages.map((page) => (page.response.stockout_list as unknown[]).length)).toEqual([100, 100, 50, 0]);
    const [firstPage] = pages as [Body];
    const first = (firstPage.response.stockout_list as Record<string, unknown>[])[0] as Record<
      string,
      unknown
    >;
    expect(first).toMatchObject({
      stockout_id: expect.any(Number),
      status: 95,
      goods_count: expect.stringMatching(/^\d+\.\d{4}$/),
    });
    expect((first.details_list as Record<string, unknown>[])[0]).toMatchObject({
      rec_id: expect.any(Number),
      sell_price: expect.stringMatching(/^\d+\.\d{4}$/),
    });
    const ids = pages.flatMap((page) =>
      (page.response.stockout_list as { stockout_id: number }[]).map((o) => o.stockout_id),
    );
    expect(new Set(ids).size).toBe(250);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
  });

  it('withholds buyer privacy fields of Taobao (platform 1) orders', async () => {
    const { app, clock } = sim({
      dataset: { seed: 4, count: 20, fromMs: DAY0_MS, toMs: DAY0_MS + DAY_MS, shape: { taobaoRate: 1 } },
    });
    const orders = (await call(app, { ...WINDOW, page_size: '100' }, clock.now())).response
      .stockout_list as Record<string, unknown>[];
    expect(orders).toHaveLength(20);
    for (const order of orders) {
      expect(order).toMatchObject({
        platform_id: 1,
        nick_name: '',
        customer_name: '',
        receiver_name: '',
        receiver_mobile: '',
        receiver_address: '',
      });
      expect(order.shop_no).not.toBe('');
    }
  });

  it('gzips when asked, as the official SDKs ask', async () => {
    const { app, clock } = sim({ dataset: { seed: 5, count: 50, fromMs: DAY0_MS, toMs: DAY0_MS + DAY_MS } });
    const { url, payload } = signedCall({ ...WINDOW, page_size: '50' }, clock.now());
    const zipped = await app.inject({
      method: 'POST',
      url,
      payload,
      headers: { ...FORM, 'accept-encoding': 'gzip' },
    });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    const body = JSON.parse(gunzipSync(zipped.rawPayload).toString('utf8')) as Body;
    expect(body.response.total_count).toBe(50);
    const plain = await app.inject({ method: 'POST', url, payload, headers: FORM });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.json()).toEqual(body);
  });

  it('limits calls per app key in a sliding minute of its own clock, answering 1012', async () => {
    const { app, clock } = sim({ rateLimitPerMinute: 2 });
    const codes = async () => (await call(app, WINDOW, clock.now())).response.errorcode;
    expect([await codes(), await codes(), await codes()]).toEqual([0, 0, 1012]);
    clock.advance(59_999);
    expect(await codes()).toBe(1012);
    clock.advance(1);
    expect(await codes()).toBe(0);
    await app.inject({ method: 'PUT', url: '/_sim/faults', payload: { rateLimitPerMinute: 0 } });
    expect([await codes(), await codes(), await codes()]).toEqual([0, 0, 0]);
  });

  it('checks the timestamp against its own clock (±10 minutes)', async () => {
    const { app, clock } = sim();
    const { url, payload } = signedCall(WINDOW, clock.now());
    clock.advance(10 * 60_000 + 1000);
    const stale = await app.inject({ method: 'POST', url, payload, headers: FORM });
    expect(stale.json()).toMatchObject({
      response: { flag: 'failure', code: 31, request_id: expect.any(String) },
    });
  });
  it('modifies rows past page 0 after each page, within maxRows counted from each PUT', async () => {
    const { app, clock } = sim({ dataset: { seed: 8, count: 30, fromMs: DAY0_MS, toMs: DAY0_MS + DAY_MS } });
    const modifiedRows = async () =>
      ((await app.inject({ method: 'GET', url: '/_sim/stats' })).json() as { modifiedRows: number[] })
        .modifiedRows;
    const page0 = (await call(app, { ...WINDOW, page_size: '10' }, clock.now())).response;
    const ids = (page0.stockout_list as { stockout_id: number }[]).map((o) => o.stockout_id);
    await app.inject({
      method: 'PUT',
      url: '/_sim/faults',
      payload: { modifyWhilePaging: { rowsPerCall: 5, maxRows: 7 } },
    });
    const after = await call(app, { ...WINDOW, page_size: '10' }, clock.now());
    expect((after.response.stockout_list as { stockout_id: number }[]).map((o) => o.stockout_id)).toEqual(
      ids,
    );
    expect(await modifiedRows()).toEqual(Array.from({ length: 5 }, (_, k) => (ids[0] as number) + 10 + k));
    await call(app, { ...WINDOW, page_size: '10' }, clock.now());
    await call(app, { ...WINDOW, page_size: '10' }, clock.now());
    expect(await modifiedRows()).toHaveLength(7);
    await app.inject({
      method: 'PUT',
      url: '/_sim/faults',
      payload: { modifyWhilePaging: { rowsPerCall: 1, maxRows: 1 } },
    });
    const total = (await call(app, { ...WINDOW, page_size: '10' }, clock.now())).response.total_count;
    expect(total).toBe(30 - 7);
    expect(await modifiedRows()).toHaveLength(8);
    // 110 is among the shipped statuses asked for, so the rows went back to 55 (un-shipped) and were
    // modified now: a status-55 query, which filters on the modified time, finds them today.
    const today = { start_time: '2024-01-10 00:00:00', end_time: '2024-01-10 23:59:59' };
    const unshipped = await call(app, { ...today, status: '55', page_size: '100' }, clock.now());
    expect(unshipped.response.total_count).toBe(8);
  });
});

describe('control API', () => {
  it('refuses bad bodies with 400 and the problems', async () => {
    const { app } = sim();
    for (const [method, url, payload] of [
      ['POST', '/_sim/orders', [{ stockout_id: 'x' }]],
      ['POST', '/_sim/generate', { count: 10, from: '2024-01-02', to: '2024-01-01 00:00:00' }],
      ['PUT', '/_sim/faults', { errorRate: 2 }],
      ['PUT', '/_sim/faults', { nonsense: true }],
    ] as const) {
      const response = await app.inject({ method, url, payload });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ error: 'invalid body', issues: expect.any(Array) });
    }
  });

  it('inserts and replaces orders, counts what it served, and resets to its start', async () => {
    const { app, clock } = sim({ dataset: { seed: 6, count: 5, fromMs: DAY0_MS, toMs: DAY0_MS + DAY_MS } });
    const order = {
      stockout_id: 7,
      status: 95,
      consign_time: '2024-01-01 08:00:00',
      modified: '2024-01-01 08:00:01',
      platform_id: 2,
      custom_field: '保留',
    };
    const inserted = await app.inject({ method: 'POST', url: '/_sim/orders', payload: { orders: [order] } });
    expect(inserted.json()).toMatchObject({ inserted: 1, replaced: 0, orders: { generated: 5, overlay: 1 } });
    expect(
      (await app.inject({ method: 'POST', url: '/_sim/orders', payload: [order] })).json(),
    ).toMatchObject({ inserted: 0, replaced: 1 });
    const list = (await call(app, WINDOW, clock.now())).response.stockout_list as Record<string, unknown>[];
    expect(list).toHaveLength(6);
    expect(list.find((o) => o.stockout_id === 7)).toEqual(order);
    const stats = (await app.inject({ method: 'GET', url: '/_sim/stats' })).json();
    expect(stats).toMatchObject({
      calls: 1,
      pages: 1,
      ordersServed: 6,
      callsPerMinute: 1,
      errors: { total: 0 },
    });
    await app.inject({ method: 'POST', url: '/_sim/reset' });
    expect((await app.inject({ method: 'GET', url: '/_sim/stats' })).json()).toMatchObject({
      calls: 0,
      orders: { generated: 5, overlay: 0 },
    });
  });

  it('generates a dataset from Beijing or ISO times and reports its id range', async () => {
    const { app } = sim();
    const response = await app.inject({
      method: 'POST',
      url: '/_sim/generate',
      payload: { count: 10, from: '2024-01-01 00:00:00', to: '2024-01-01T16:00:00.000Z', seed: 2 },
    });
    expect(response.json()).toMatchObject({
      count: 10,
      from: '2024-01-01 00:00:00',
      to: '2024-01-02 00:00:00',
      stockoutIdRange: [expect.any(Number), expect.any(Number)],
    });
  });
});
