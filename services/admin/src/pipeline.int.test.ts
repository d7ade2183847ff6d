import { createSyncState, enqueue, QUEUES } from '@wdt-k3/jobs';
import { useRedisServer, waitFor } from '@wdt-k3/testkit';
import { Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mappingDryRun } from '../test/dry-run-port.ts';
import { bearer, FULL, type Harness, READ, startHarness } from '../test/harness.ts';
import { wdtOrder } from '../test/orders.ts';

const source = { runId: 'run-1', kind: 'incremental', pageNo: 0, fetchedAt: 1 } as const;

describe('pipeline, sync and health routes', () => {
  const redis = useRedisServer();
  let h: Harness;
  // Injected clock: ages and lags are computed against it, never against the wall clock.
  let clock = Date.now();
  const post = (url: string, payload?: object, token = FULL) =>
    h.app.inject({
      method: 'POST',
      url,
      headers: bearer(token),
      ...(payload === undefined ? {} : { payload }),
    });
  const get = (url: string) => h.app.inject({ method: 'GET', url, headers: bearer(READ) });

  beforeAll(async () => {
    const orders = new Map([
      ['CK1', wdtOrder(1)],
      [
        'CK2',
        wdtOrder(2, { details_list: [{ rec_id: 1, goods_no: 'G', goods_count: '1', sell_price: '-1' }] }),
      ],
    ]);
    h = await startHarness(redis().url, { dryRun: mappingDryRun(orders), now: () => clock });
  });
  afterAll(async () => h.close());

  it('counts jobs per queue and state, with the age of the oldest waiting job', async () => {
    await enqueue(h.queues.orders, 'orderLoad', { order: wdtOrder(1), source }, { jobId: 'so-1' });
    await enqueue(h.queues.orders, 'orderLoad', { order: wdtOrder(2), source }, { jobId: 'so-2' });
    await h.addDeadLetter(3);
    clock = Date.now() + 60_000;
    const res = await get('/queues');
    expect(res.statusCode).toBe(200);
    const byName = Object.fromEntries(res.json().queues.map((q: { queue: string }) => [q.queue, q]));
    expect(Object.keys(byName).sort()).toEqual([
      'orders',
      'orders-failed',
      'reconcile',
      'wdt-pages',
      'wdt-sync',
    ]);
    expect(byName.orders).toMatchObject({
      paused: false,
      counts: { waiting: 2, active: 0, failed: 0, completed: 0 },
    });
    expect(byName.orders.oldestWaitingSeconds).toBeGreaterThanOrEqual(60);
    expect(byName['orders-failed'].counts.waiting).toBe(1);
    expect(byName['wdt-pages'].oldestWaitingSeconds).toBeNull();
  });

  it('pauses and resumes wdt-sync, wdt-pages and orders (not the DLQ), refusing read tokens', async () => {
    expect((await post('/pipeline/pause', {}, READ)).statusCode).toBe(403);
    const paused = await post('/pipeline/pause', { reason: 'K3 maintenance' });
    expect(paused.json()).toEqual({ paused: ['wdt-sync', 'wdt-pages', 'orders'] });
    const flags = async () =>
      Object.fromEntries(
        (await get('/queues'))
          .json()
          .queues.map((q: { queue: string; paused: boolean }) => [q.queue, q.paused]),
      );
    expect(await flags()).toEqual({
      'wdt-sync': true,
      'wdt-pages': true,
      orders: true,
      'orders-failed': false,
      reconcile: false,
    });
    expect(await h.queues.orders.isPaused()).toBe(true);
    expect((await post('/pipeline/resume')).json()).toEqual({ resumed: ['wdt-sync', 'wdt-pages', 'orders'] });
    expect(await flags()).toEqual({
      'wdt-sync': false,
      'wdt-pages': false,
      orders: false,
      'orders-failed': false,
      reconcile: false,
    });
    const audit = (await get('/audit?limit=2')).json().entries;
    expect(audit.map((entry: { action: string }) => entry.action)).toEqual([
      'pipeline.resume',
      'pipeline.pause',
    ]);
    expect(audit[1].details).toEqual({ reason: 'K3 maintenance' });
  });

  it('reports the sync state: watermark, lag, last tick, run in flight, last run', async () => {
    expect((await get('/sync')).json()).toEqual({
      watermark: null,
      sweepWatermark: null,
      inFuture: false,
      wdtRefusal: null,
      lastRunFailure: null,
      lastAdvance: null,
      lagSeconds: null,
      lastTick: null,
      inflight: null,
      lastRun: null,
    });
    const state = createSyncState(h.redis, h.prefix);
    const watermark = Date.parse('2024-03-18T10:00:00+08:00');
    await state.initWatermark(watermark);
    await state.recordTick(watermark + 30_000);
    await state.claimInflight({
      runId: 'run-9',
      fromMs: watermark,
      toMs: watermark + 60_000,
      windows: [],
      plannedAt: watermark,
    });
    await state.recordRun({
      runId: 'run-8',
      kind: 'incremental',
      finishedAt: watermark,
      pages: 2,
      orders: 150,
      enqueued: 149,
      duplicates: 1,
    });
    clock = watermark + 90_000;
    expect((await get('/sync')).json()).toMatchObject({
      watermark: { ms: watermark, beijing: '2024-03-18 10:00:00' },
      inFuture: false,
      lagSeconds: 90,
      lastTick: { ms: watermark + 30_000, beijing: '2024-03-18 10:00:30', ageSeconds: 60 },
      inflight: expect.objectContaining({ runId: 'run-9' }),
      lastRun: expect.objectContaining({ runId: 'run-8', orders: 150 }),
    });
  });

  it('moves the watermark back, audited; refuses forward moves and read tokens; fixes one in the future', async () => {
    const put = (payload: object, token = FULL) =>
      h.app.inject({ method: 'PUT', url: '/sync/watermark', headers: bearer(token), payload });
    const state = createSyncState(h.redis, h.prefix);
    clock = Date.parse('2024-03-20T12:00:00+08:00');
    await state.moveWatermark(Date.parse('2024-03-20T11:00:00+08:00'));
    expect((await put({ to: '2024-03-19 00:00:00', reason: 'reread a day' }, READ)).statusCode).toBe(403);
    const forward = await put({ to: '2024-03-20 11:30:00', reason: 'skip ahead' });
    expect(forward.statusCode).toBe(400);
    expect(forward.json().error.code).toBe('ADMIN_BAD_REQUEST');
    expect((await put({ to: '2024-03-21 00:00:00', reason: 'the future' })).statusCode).toBe(400);
    const back = await put({ to: '2024-03-19 00:00:00', reason: 'K3 restored from a backup' });
    expect(back.statusCode).toBe(200);
    expect(back.json()).toMatchObject({
      previous: { beijing: '2024-03-20 11:00:00' },
      watermark: { beijing: '2024-03-19 00:00:00' },
    });
    expect(await state.getWatermark()).toBe(Date.parse('2024-03-19T00:00:00+08:00'));
    const [entry] = (await get('/audit?limit=1')).json().entries;
    expect(entry).toMatchObject({
      action: 'sync.watermark',
      target: '2024-03-19 00:00:00',
      details: { reason: 'K3 restored from a backup' },
    });
    // A watermark stuck in 2099 (a bad EXTRACT_START_FROM) may be brought back to the present.
    await state.moveWatermark(Date.parse('2099-01-01T00:00:00+08:00'));
    expect((await get('/sync')).json().inFuture).toBe(true);
    expect((await put({ to: '2024-03-20 00:00:00', reason: 'start date typo' })).statusCode).toBe(200);
    expect((await get('/sync')).json().inFuture).toBe(false);
  });

  it('enqueues a backfill from Beijing or ISO times and refuses absurd ranges with 400', async () => {
    clock = Date.parse('2024-06-01T00:00:00+08:00');
    const res = await post('/sync/backfill', {
      from: '2024-03-01 00:00:00',
      to: '2024-03-02T00:00:00+08:00',
    });
    expect(res.statusCode).toBe(200);
    const { jobId } = res.json();
    const job = await h.queues.sync.getJob(jobId);
    expect(job?.name).toBe('sync.backfill');
    expect(job?.data).toEqual({
      fromMs: Date.parse('2024-03-01T00:00:00+08:00'),
      toMs: Date.parse('2024-03-02T00:00:00+08:00'),
      requestedBy: 'ops',
      dryRun: false,
    });
    for (const [body, path] of [
      [{ from: '2024-03-02 00:00:00', to: '2024-03-01 00:00:00' }, 'to'],
      [{ from: '2023-01-01 00:00:00', to: '2024-03-01 00:00:00' }, 'to'],
      [{ from: '2009-12-31 00:00:00', to: '2010-01-02 00:00:00' }, 'from'],
      [{ from: '2024-05-31 00:00:00', to: '2024-06-02 00:00:00' }, 'to'],
      [{ from: '2024-03-01', to: '2024-03-02' }, 'from'],
      [{ from: '2024-03-01 00:00:00' }, 'to'],
    ] as const) {
      const refused = await post('/sync/backfill', body);
      expect(refused.statusCode, JSON.stringify(body)).toBe(400);
      expect(refused.json().error.details.issues[0].path, JSON.stringify(body)).toBe(path);
    }
  });

  it('enqueues a sync of named orders, de-duplicated, and refuses none or more than 500', async () => {
    const res = await post('/sync/orders', {
      stockoutNos: ['CK1', 'CK1', 'CK2'],
      srcTids: ['TB-1'],
      dryRun: true,
    });
    expect(res.statusCode).toBe(200);
    const job = await h.queues.sync.getJob(res.json().jobId);
    expect(job?.name).toBe('sync.orders');
    expect(job?.data).toEqual({
      stockoutNos: ['CK1', 'CK2'],
      srcTids: ['TB-1'],
      requestedBy: 'ops',
      dryRun: true,
    });
    const many = Array.from({ length: 300 }, (_, index) => `CK${index}`);
    for (const body of [
      {},
      { stockoutNos: [] },
      { stockoutNos: many, srcTids: many },
      { stockoutNos: ['has space'] },
    ]) {
      expect((await post('/sync/orders', body)).statusCode, JSON.stringify(body).slice(0, 40)).toBe(400);
    }
  });

  it('dry-runs an order through the injected port: the K3 model, the issues, or 404', async () => {
    const ok = await post('/orders/CK1/dry-run');
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({
      stockoutNo: 'CK1',
      found: true,
      result: {
        ok: true,
        unlinked: true,
        model: { FBillNo: 'CK1', FCustomerID: { FNumber: 'tb_小林的杂货铺' } },
      },
    });
    const issues = (await post('/orders/CK2/dry-run')).json();
    expect(issues.result.ok).toBe(false);
    expect(issues.result.issues.map((issue: { code: string }) => issue.code)).toContain('MAP_INVALID_PRICE');
    const missing = await post('/orders/CK404/dry-run');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('ADMIN_NOT_FOUND');
    expect((await post('/orders/a%20b/dry-run')).statusCode).toBe(400);
    expect((await get('/audit?limit=1')).json().entries[0]).toMatchObject({
      action: 'order.dry-run',
      target: 'CK404',
    });
  });

  it('answers 503 without a dry-run port and 502 when the port fails', async () => {
    const bare = await startHarness(redis().url);
    const failing = await startHarness(redis().url, {
      dryRun: async () => {
        throw Object.assign(new Error('WDT said no'), { code: 'WDT_RATE_LIMITED' });
      },
    });
    try {
      const unavailable = await bare.app.inject({
        method: 'POST',
        url: '/orders/CK1/dry-run',
        headers: bearer(FULL),
      });
      expect(unavailable.statusCode).toBe(503);
      expect(unavailable.json().error.code).toBe('ADMIN_DRY_RUN_UNAVAILABLE');
      const failed = await failing.app.inject({
        method: 'POST',
        url: '/orders/CK1/dry-run',
        headers: bearer(FULL),
      });
      expect(failed.statusCode).toBe(502);
      expect(failed.json().error).toMatchObject({
        code: 'ADMIN_DRY_RUN_FAILED',
        details: { code: 'WDT_RATE_LIMITED' },
      });
    } finally {
      await bare.close();
      await failing.close();
    }
  });

  it('exports gauges for every queue and state, the oldest waiting job and dead letters by code, behind the token', async () => {
    expect((await h.app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(401);
    clock = Date.now() + 120_000;
    const res = await get('/metrics');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    const text = res.body;
    expect(text).toMatch(/^wdtk3_queue_jobs\{queue="orders",state="waiting",service="admin"\} 2$/m);
    expect(text).toMatch(/^wdtk3_queue_jobs\{queue="wdt-sync",state="waiting",service="admin"\} 2$/m);
    for (const queue of ['wdt-sync', 'wdt-pages', 'orders', 'orders-failed'])
      for (const state of [
        'waiting',
        'active',
        'delayed',
        'prioritized',
        'waiting-children',
        'completed',
        'failed',
      ])
        expect(text).toContain(`wdtk3_queue_jobs{queue="${queue}",state="${state}",service="admin"}`);
    const oldest = /^wdtk3_queue_oldest_waiting_seconds\{queue="orders",service="admin"\} ([\d.]+)$/m.exec(
      text,
    );
    expect(Number(oldest?.[1])).toBeGreaterThanOrEqual(120);
    expect(text).toMatch(/^wdtk3_dead_letters\{code="K3_BASEDATA_MISSING",service="admin"\} 1$/m);
  });
  it('is live without a token, and ready only while orders and wdt-pages have consumers', async () => {
    expect((await h.app.inject({ method: 'GET', url: '/health/live' })).json()).toEqual({ ok: true });
    const notReady = await h.app.inject({ method: 'GET', url: '/health/ready' });
    expect(notReady.statusCode).toBe(503);
    expect(notReady.json()).toMatchObject({ ok: false, consumers: { orders: 0, 'wdt-pages': 0 } });
    const connection = { url: redis().url, maxRetriesPerRequest: null };
    const workers = [QUEUES.orders, QUEUES.pages].map(
      (name) => new Worker(name, async () => undefined, { connection, prefix: h.prefix }),
    );
    try {
      const ready = await waitFor(
        async () => {
          const res = await h.app.inject({ method: 'GET', url: '/health/ready' });
          return res.statusCode === 200 ? res.json() : null;
        },
        { description: 'readiness with two consumers' },
      );
      expect(ready).toMatchObject({
        ok: true,
        checks: { redis: { ok: true } },
        consumers: { orders: 1, 'wdt-pages': 1 },
        redis: { mode: 'standalone', master: `127.0.0.1:${redis().port}`, status: 'ready', failoversSeen: 0 },
      });
    } finally {
      await Promise.all(workers.map((worker) => worker.close()));
    }
  });
});
