import { enqueue } from '@wdt-k3/jobs';
import { useRedisServer, waitFor } from '@wdt-k3/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, FULL, type Harness, READ, startHarness } from '../test/harness.ts';
import { wdtOrder } from '../test/orders.ts';

describe('replaying dead letters', () => {
  const redis = useRedisServer();
  let h: Harness;
  const replay = (id: string, payload?: object) =>
    h.app.inject({
      method: 'POST',
      url: `/failed/${id}/replay`,
      headers: bearer(FULL),
      ...(payload === undefined ? {} : { payload }),
    });
  const ordersJobIds = async () => (await h.queues.orders.getJobs(['waiting'])).map((job) => job.id).sort();

  beforeAll(async () => {
    h = await startHarness(redis().url);
  });
  afterAll(async () => h.close());

  it('enqueues a fresh order.load with the stored order, then removes the dead letter and audits it', async () => {
    await h.addDeadLetter(10);
    const res = await replay('so-10');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ id: 'so-10', jobId: 'so-10-r1', edited: false, deadLetterRemoved: true });
    const job = await h.queues.orders.getJob('so-10-r1');
    expect(job?.name).toBe('order.load');
    expect(job?.data).toMatchObject({
      order: wdtOrder(10),
      source: { runId: 'replay-so-10', kind: 'replay', pageNo: null },
      replay: { of: 'so-10', by: 'ops' },
    });
    expect(job?.opts.attempts).toBe(10);
    expect(await h.queues.failed.getJob('so-10')).toBeUndefined();
    const audit = (
      await h.app.inject({ method: 'GET', url: '/audit?limit=1', headers: bearer(READ) })
    ).json();
    expect(audit.entries[0]).toMatchObject({
      who: 'ops',
      action: 'dead-letter.replay',
      target: 'so-10',
      details: { jobId: 'so-10-r1' },
    });
  });

  it('gives every replay a new id, also when the replay itself was dead-lettered or an id is still retained', async () => {
    // The replay so-10-r1 failed again: its dead letter carries its own id.
    await enqueue(
      h.queues.failed,
      'deadLetter',
      { ...(await deadLetterOf(11)), originalJobId: 'so-10-r1' },
      { jobId: 'so-10-r1' },
    );
    expect((await replay('so-10-r1')).json()).toMatchObject({ jobId: 'so-10-r2' });
    // A job with the next id is retained in `orders` (a counter lost in a restore): skipped, not reused.
    await h.addDeadLetter(12);
    await enqueue(
      h.queues.orders,
      'orderLoad',
      { order: wdtOrder(12), source: { runId: 'x', kind: 'incremental', pageNo: 0, fetchedAt: 1 } },
      { jobId: 'so-12-r1' },
    );
    expect((await replay('so-12')).json()).toMatchObject({ jobId: 'so-12-r2' });
    expect(await ordersJobIds()).toEqual(['so-10-r1', 'so-10-r2', 'so-12-r1', 'so-12-r2']);
  });

  it('replays an edited order once it passes the mapping schemas, and refuses it with 422 and the issues before', async () => {
    await h.addDeadLetter(20, { code: 'MAP_INVALID_PRICE' });
    const broken = wdtOrder(20, {
      details_list: [{ rec_id: 1, goods_no: 'G', goods_count: '0', sell_price: '-1' }],
    });
    const refused = await replay('so-20', { order: broken });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().error.code).toBe('ADMIN_VALIDATION_FAILED');
    expect(
      refused
        .json()
        .error.details.issues.map((issue: { code: string }) => issue.code)
        .sort(),
    ).toEqual(['MAP_INVALID_PRICE', 'MAP_INVALID_QUANTITY']);
    expect(await h.queues.failed.getJob('so-20')).toBeDefined();
    expect(await h.queues.orders.getJob('so-20-r1')).toBeUndefined();

    const fixed = wdtOrder(20, { remark: 'price fixed by ops' });
    const res = await replay('so-20', { order: fixed });
    expect(res.json()).toMatchObject({ jobId: 'so-20-r1', edited: true, deadLetterRemoved: true });
    expect((await h.queues.orders.getJob('so-20-r1'))?.data.order).toEqual(fixed);
    // Both are in the audit trail: the refusal with its reason, the edit with what it changed.
    const audit = (await h.app.inject({ method: 'GET', url: '/audit?limit=2', headers: bearer(READ) })).json<{
      entries: Array<{ action: string; target: string; details: Record<string, unknown> }>;
    }>();
    expect(audit.entries.map((entry) => [entry.action, entry.target])).toEqual([
      ['dead-letter.replay', 'so-20'],
      ['dead-letter.replay-refused', 'so-20'],
    ]);
    expect(audit.entries[1]?.details).toMatchObject({ code: 'ADMIN_VALIDATION_FAILED', edited: true });
    expect(audit.entries[0]?.details.changes).toEqual([
      { path: 'remark', before: wdtOrder(20).remark ?? null, after: 'price fixed by ops' },
    ]);
  });

  it('refuses an edit that changes the stock-out identity (a second K3 bill), but lets one fill in a missing number', async () => {
    await h.addDeadLetter(30);
    const changed = await replay('so-30', { order: wdtOrder(30, { order_no: 'CK-OTHER' }) });
    expect(changed.statusCode).toBe(422);
    expect(changed.json().error).toMatchObject({
      code: 'ADMIN_IDENTITY_CHANGED',
      details: { fields: ['order_no'] },
    });
    expect(await h.queues.failed.getJob('so-30')).toBeDefined();

    await h.addDeadLetter(31, { code: 'MAP_MISSING_ORDER_NO', order: wdtOrder(31, { order_no: '' }) });
    expect((await replay('so-31', { order: wdtOrder(31) })).statusCode).toBe(200);
  });

  it('refuses an unedited order that would fail the same way, unless forced', async () => {
    await h.addDeadLetter(40, {
      code: 'MAP_INVALID_CONSIGN_TIME',
      order: wdtOrder(40, { consign_time: '0000-00-00 00:00:00' }),
    });
    const refused = await replay('so-40');
    expect(refused.statusCode).toBe(422);
    expect(refused.json().error.details.issues[0]).toMatchObject({
      code: 'MAP_INVALID_CONSIGN_TIME',
      path: 'consign_time',
    });
    expect((await replay('so-40', { force: true })).json()).toMatchObject({ jobId: 'so-40-r1' });
  });

  it('replays an unreadable dead letter only with an edited order', async () => {
    await h.queues.failed.add('order.failed', { order: 'garbage' }, { jobId: 'so-50' });
    const refused = await replay('so-50');
    expect(refused.statusCode).toBe(422);
    expect(refused.json().error.details.problems.length).toBeGreaterThan(0);
    expect((await replay('so-50', { order: wdtOrder(50) })).json()).toMatchObject({
      jobId: 'so-50-r1',
      edited: true,
    });
  });

  it('answers 404 for an unknown dead letter and 400 for a body that is not a replay request', async () => {
    expect((await replay('so-404')).statusCode).toBe(404);
    await h.addDeadLetter(60);
    for (const payload of [{ order: 'text' }, { force: 'yes' }, { order: {}, extra: 1 }, [1]]) {
      const res = await replay('so-60', payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().error.code).toBe('ADMIN_BAD_REQUEST');
    }
    const badJson = await h.app.inject({
      method: 'POST',
      url: '/failed/so-60/replay',
      headers: { ...bearer(FULL), 'content-type': 'application/json' },
      payload: '{"order":',
    });
    expect(badJson.statusCode).toBe(400);
    expect(badJson.json().error.code).toBe('ADMIN_BAD_REQUEST');
    const xml = await h.app.inject({
      method: 'POST',
      url: '/failed/so-60/replay',
      headers: { ...bearer(FULL), 'content-type': 'application/xml' },
      payload: '<order/>',
    });
    expect(xml.statusCode).toBe(415);
    expect(xml.json().error.code).toBe('ADMIN_UNSUPPORTED_MEDIA_TYPE');
    expect(await h.queues.failed.getJob('so-60')).toBeDefined();
  });

  it('answers 409 while another replay or discard of the same dead letter holds its lock', async () => {
    await h.addDeadLetter(65);
    // What a concurrent replay on another admin replica leaves in Redis while it runs.
    await h.redis.set(`${h.prefix}:admin:lock:so-65`, '1', 'PX', 60_000);
    const busy = await replay('so-65');
    expect(busy.statusCode).toBe(409);
    expect(busy.json().error).toMatchObject({ code: 'ADMIN_CONFLICT', details: { id: 'so-65' } });
    const discard = await h.app.inject({
      method: 'DELETE',
      url: '/failed/so-65',
      headers: bearer(FULL),
      payload: { reason: 'duplicate' },
    });
    expect(discard.statusCode).toBe(409);
    expect(await h.queues.failed.getJob('so-65')).toBeDefined();
    await h.redis.del(`${h.prefix}:admin:lock:so-65`);
    expect((await replay('so-65')).statusCode).toBe(200);
    expect(await h.redis.exists(`${h.prefix}:admin:lock:so-65`)).toBe(0);
  });

  it('bulk-replays by filter, oldest first, up to the limit, and answers what was replayed and what was skipped', async () => {
    const bulk = (payload: object) =>
      h.app.inject({ method: 'POST', url: '/failed/replay', headers: bearer(FULL), payload });
    await h.addDeadLetter(70, { code: 'K3_TIMEOUT', failedAt: 1_000_003 });
    await h.addDeadLetter(71, { code: 'K3_TIMEOUT', failedAt: 1_000_001 });
    await h.addDeadLetter(72, {
      code: 'K3_TIMEOUT',
      failedAt: 1_000_002,
      order: wdtOrder(72, { details_list: [] }),
    });
    await h.addDeadLetter(73, { code: 'K3_TIMEOUT', failedAt: 1_000_004 });

    const preview = (await bulk({ filter: { code: 'K3_TIMEOUT' }, limit: 3, dryRun: true })).json();
    expect(preview).toMatchObject({
      matched: 4,
      dryRun: true,
      selected: ['so-71', 'so-72', 'so-70'],
      replayed: [],
    });
    expect(await h.queues.failed.getJob('so-71')).toBeDefined();

    const res = await bulk({ filter: { code: ['K3_TIMEOUT'] }, limit: 3 });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.replayed.map((item: { id: string }) => item.id).sort()).toEqual(['so-70', 'so-71']);
    expect(body.skipped).toEqual([
      {
        id: 'so-72',
        code: 'ADMIN_VALIDATION_FAILED',
        issues: { issues: [expect.objectContaining({ code: 'MAP_EMPTY_DETAILS' })] },
      },
    ]);
    expect(body).toMatchObject({ matched: 4, failed: [], notAttempted: [] });
    expect(await h.queues.failed.getJob('so-73')).toBeDefined();
    const audit = (
      await h.app.inject({ method: 'GET', url: '/audit?limit=3', headers: bearer(READ) })
    ).json();
    expect(audit.entries[0]).toMatchObject({
      action: 'dead-letter.bulk-replay',
      details: { filter: { codes: ['K3_TIMEOUT'] }, limit: 3, matched: 4, replayed: 2, skipped: 1 },
    });
    expect((await bulk({ filter: {}, limit: 0 })).statusCode).toBe(400);
    expect((await bulk({ filter: { code: 'x' }, limit: 5 })).statusCode).toBe(400);
    expect((await bulk({ limit: 1001 })).statusCode).toBe(400);
  });

  it('keeps the dead letter when the new job cannot be added (a Redis user without script rights)', async (test) => {
    if (redis().external) test.skip();
    // BullMQ adds jobs with Lua scripts; this user may read and count but not run them.
    await h.redis.call(
      'ACL',
      'SETUSER',
      'noscripts',
      'on',
      '>noscripts-password',
      '~*',
      '&*',
      '+@all',
      '-@scripting',
    );
    await h.addDeadLetter(80);
    const url = new URL(redis().url);
    url.username = 'noscripts';
    url.password = 'noscripts-password';
    const limited = await startHarness(url.toString(), { redisPrefix: h.prefix.slice(1, -1) });
    try {
      const res = await limited.app.inject({
        method: 'POST',
        url: '/failed/so-80/replay',
        headers: bearer(FULL),
      });
      expect(res.statusCode).toBe(500);
      expect(res.json()).toEqual({ error: { code: 'ADMIN_INTERNAL', message: 'internal error' } });
    } finally {
      await limited.close();
    }
    // The counter moved: the request got past every read and failed on the add itself.
    expect(await h.redis.hget(`${h.prefix}:admin:replay-seq`, 'so-80')).toBe('1');
    expect(await h.queues.failed.getJob('so-80')).toBeDefined();
    expect(await h.queues.orders.getJob('so-80-r1')).toBeUndefined();
  });

  it('answers 503 while Redis is down, loses no dead letter, and replays once it is back', async (test) => {
    if (redis().external) test.skip();
    await h.addDeadLetter(90);
    await redis().stop();
    // "Down" as the admin sees it: its connection has noticed (a request racing the close itself
    // may fail as an internal error; it loses no dead letter either, which the end asserts).
    await waitFor(() => h.redis.status !== 'ready', { description: 'the admin connection to notice' });
    try {
      const res = await replay('so-90');
      expect(res.statusCode).toBe(503);
      expect(res.json()).toEqual({
        error: { code: 'ADMIN_REDIS_UNAVAILABLE', message: 'Redis is unavailable, try again' },
      });
      expect((await h.app.inject({ method: 'GET', url: '/failed', headers: bearer(READ) })).statusCode).toBe(
        503,
      );
      const ready = await h.app.inject({ method: 'GET', url: '/health/ready' });
      expect(ready.statusCode).toBe(503);
      expect(ready.json().checks.redis.ok).toBe(false);
    } finally {
      await redis().start();
    }
    await waitFor(() => h.redis.status === 'ready', { description: 'the admin connection to reconnect' });
    expect(await h.queues.failed.getJob('so-90')).toBeDefined();
    expect((await replay('so-90')).json()).toMatchObject({ jobId: 'so-90-r1', deadLetterRemoved: true });
  });

  async function deadLetterOf(stockoutId: number) {
    const { deadLetter } = await import('../test/orders.ts');
    return deadLetter(stockoutId);
  }
});
