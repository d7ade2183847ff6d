import { useRedisServer } from '@wdt-k3/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, FULL, type Harness, READ, startHarness } from '../test/harness.ts';
import { wdtOrder } from '../test/orders.ts';

interface Listing {
  items: Array<{ id: string; code: string; failedAtBeijing: string }>;
  total: number;
  byCode: Record<string, number>;
  nextCursor: string | null;
  scanned: number;
}

const BASE = Date.parse('2024-03-18T10:00:00+08:00');

describe('dead-letter routes: list, detail, discard, audit', () => {
  const redis = useRedisServer();
  let h: Harness;
  const get = async (url: string, token = READ) =>
    h.app.inject({ method: 'GET', url, headers: bearer(token) });

  beforeAll(async () => {
    h = await startHarness(redis().url);
    await h.addDeadLetter(1, { failedAt: BASE + 3_000 });
    await h.addDeadLetter(2, { failedAt: BASE + 1_000, code: 'MAP_INVALID_PRICE' });
    await h.addDeadLetter(3, { failedAt: BASE + 1_000 });
    await h.addDeadLetter(4, {
      failedAt: BASE + 3_600_000,
      order: wdtOrder(4, { src_tids: 'TB-777,TB-778' }),
    });
    // Written around the catalog, as an older loader or a hand edit could leave it.
    await h.queues.failed.add(
      'order.failed',
      { order: { order_no: 'CK99' }, note: 'old writer' },
      { jobId: 'so-99' },
    );
  });
  afterAll(async () => h.close());

  it('lists oldest first with totals by code, and pages with an opaque cursor', async () => {
    const first = await get('/failed?limit=2');
    expect(first.statusCode).toBe(200);
    const page = first.json<Listing>();
    expect(page.items.map((item) => item.id)).toEqual(['so-2', 'so-3']);
    expect(page.total).toBe(5);
    expect(page.scanned).toBe(5);
    expect(page.byCode).toEqual({ K3_BASEDATA_MISSING: 3, MAP_INVALID_PRICE: 1, JOB_PAYLOAD_INVALID: 1 });
    expect(page.items[0]?.failedAtBeijing).toBe('2024-03-18 10:00:01');
    const rest = (await get(`/failed?limit=10&cursor=${page.nextCursor ?? ''}`)).json<Listing>();
    expect(rest.items.map((item) => item.id)).toEqual(['so-1', 'so-4', 'so-99']);
    expect(rest.nextCursor).toBeNull();
  });

  it('filters by code (one or a list), by any WDT number and by a failedAt range', async () => {
    const ids = async (query: string) =>
      (await get(`/failed?${query}`)).json<Listing>().items.map((item) => item.id);
    expect(await ids('code=MAP_INVALID_PRICE')).toEqual(['so-2']);
    expect(await ids('code=MAP_INVALID_PRICE,JOB_PAYLOAD_INVALID')).toEqual(['so-2', 'so-99']);
    expect(await ids('number=CK3')).toEqual(['so-3']);
    expect(await ids('number=tb-778')).toEqual(['so-4']);
    expect(await ids('number=T1')).toEqual(['so-1']);
    expect(
      await ids(
        `from=${encodeURIComponent('2024-03-18 10:00:02')}&to=${encodeURIComponent('2024-03-18T11:00:00+08:00')}`,
      ),
    ).toEqual(['so-1']);
  });

  it('refuses bad queries with 400 and the issues', async () => {
    for (const query of [
      'limit=0',
      'limit=501',
      'cursor=bm90LWEtY3Vyc29y',
      'code=lower_case',
      'from=yesterday',
      `from=${encodeURIComponent('2024-03-18 12:00:00')}&to=${encodeURIComponent('2024-03-18 11:00:00')}`,
      'colour=blue',
    ]) {
      const res = await get(`/failed?${query}`);
      expect(res.statusCode, query).toBe(400);
      expect(res.json(), query).toMatchObject({
        error: { code: 'ADMIN_BAD_REQUEST', details: { issues: [expect.anything()] } },
      });
    }
  });

  it('shows one dead letter: the order, the error with K3 field errors, the attempts and whether it would replay', async () => {
    const res = await get('/failed/so-1');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      id: 'so-1',
      readable: true,
      replaysSoFar: 0,
      deadLetter: {
        order: { order_no: 'CK1', stockout_id: 1 },
        error: {
          code: 'K3_BASEDATA_MISSING',
          fieldErrors: [{ field: 'FCustomerID', message: '客户不存在' }],
        },
        attemptsMade: 1,
        history: [{ attempt: 1, code: 'K3_BASEDATA_MISSING' }],
      },
      orderCheck: { ok: true, issues: [] },
    });
  });

  it('shows an unreadable dead letter raw, with what is wrong with it', async () => {
    const body = (await get('/failed/so-99')).json();
    expect(body).toMatchObject({ readable: false, deadLetter: null, raw: { note: 'old writer' } });
    expect(body.problems.length).toBeGreaterThan(0);
  });

  it('answers 404 for an unknown id and 400 for a malformed one', async () => {
    expect((await get('/failed/so-404')).json()).toEqual({
      error: { code: 'ADMIN_NOT_FOUND', message: 'no dead letter so-404', details: { id: 'so-404' } },
    });
    expect((await get('/failed/so-404')).statusCode).toBe(404);
    const bad = await get('/failed/a%3Ab');
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({
      error: { code: 'ADMIN_BAD_REQUEST', details: { issues: [{ in: 'params', path: 'id' }] } },
    });
  });

  it('discards with a reason, audits who and why, and then answers 404', async () => {
    const discard = (id: string, payload?: object) =>
      h.app.inject({
        method: 'DELETE',
        url: `/failed/${id}`,
        headers: bearer(FULL),
        ...(payload === undefined ? {} : { payload }),
      });
    expect((await discard('so-3')).statusCode).toBe(400);
    expect((await discard('so-3', { reason: 'x' })).statusCode).toBe(400);
    const res = await discard('so-3', { reason: 'test order, never shipped' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ discarded: 'so-3' });
    expect(await h.queues.failed.getJob('so-3')).toBeUndefined();
    expect((await discard('so-3', { reason: 'again' })).statusCode).toBe(404);
    const audit = (await get('/audit?limit=1')).json();
    expect(audit.entries[0]).toMatchObject({
      who: 'ops',
      action: 'dead-letter.discard',
      target: 'so-3',
      details: { reason: 'test order, never shipped', code: 'K3_BASEDATA_MISSING', orderNo: 'CK3' },
    });
    expect((await get('/failed')).json<Listing>().items.map((item) => item.id)).not.toContain('so-3');
  });

  it('pages the audit trail newest first with before=', async () => {
    for (const reason of ['first pause', 'second pause', 'third pause']) {
      await h.app.inject({
        method: 'POST',
        url: '/pipeline/pause',
        headers: bearer(FULL),
        payload: { reason },
      });
    }
    const first = (await get('/audit?limit=2')).json();
    expect(first.entries.map((entry: { details: { reason: string } }) => entry.details.reason)).toEqual([
      'third pause',
      'second pause',
    ]);
    const second = (await get(`/audit?limit=2&before=${first.nextBefore}`)).json();
    expect(second.entries[0].details.reason).toBe('first pause');
    expect(second.entries[0]).toMatchObject({
      who: 'ops',
      action: 'pipeline.pause',
      target: 'wdt-sync,wdt-pages,orders',
    });
    expect(typeof second.entries[0].at).toBe('number');
    expect((await get('/audit?before=latest')).statusCode).toBe(400);
    await h.app.inject({ method: 'POST', url: '/pipeline/resume', headers: bearer(FULL) });
  });
});
