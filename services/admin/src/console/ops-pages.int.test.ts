import { alertKeys, RULES, type Silence } from '@wdt-k3/alerts';
import { createPool, migrate, projectBatch } from '@wdt-k3/ledger';
import { createReconcileStore, type ReportItem, type RunRecord } from '@wdt-k3/reconcile';
import { usePostgresServer, useRedisServer } from '@wdt-k3/testkit';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConsoleClient, signInConsole } from '../../test/console-session.ts';
import { FULL, type Harness, READ, startHarness } from '../../test/harness.ts';
import { extractedEvent } from '../../test/orders.ts';

const RUN_ID = 'rc-20261130-20261130-test';
const NOW = Date.now();
const totals = (orders: number) => ({ orders, rows: orders, quantity: String(orders), amount: '120.50' });

const SUMMARY = {
  missing: 2,
  extra: 0,
  duplicated: 0,
  mismatched: 1,
  extraChecked: true,
  wdt: totals(3),
  k3: totals(2),
  missingByReason: { 'never-extracted': 1, 'dead-lettered:K3_BASEDATA_MISSING': 1 },
};

const RUN: RunRecord = {
  id: RUN_ID,
  period: { from: '2026-11-30', to: '2026-11-30' },
  filter: {},
  state: 'done',
  trigger: 'schedule',
  requestedBy: null,
  createdAt: NOW - 60_000,
  finishedAt: NOW - 30_000,
  progress: { wdtPages: 1, wdtOrders: 3, k3Bills: 2 },
  summary: SUMMARY,
  error: null,
};

const missing = (n: number, kind: 'never-extracted' | 'dead-lettered'): ReportItem => ({
  category: 'missing',
  billNo: `CK${n}`,
  stockoutId: String(n),
  stockoutNo: `CK${n}`,
  consignTime: '2026-11-30 10:00:00',
  customer: '天猫旗舰店',
  rows: 1,
  quantity: '1',
  amount: '10',
  reason: { kind, code: kind === 'dead-lettered' ? 'K3_BASEDATA_MISSING' : null, by: null, note: null },
});

const ITEMS: ReportItem[] = [
  missing(901, 'never-extracted'),
  missing(902, 'dead-lettered'),
  {
    category: 'mismatch',
    billNo: 'CK903',
    stockoutId: '903',
    fid: 7,
    differences: [{ field: 'quantity:A001', wdt: '2', k3: '1' }],
  },
];

/** An alert as the alerter keeps it in Redis (`{p}:alerts:state`), read back through its schema. */
const firingAlert = {
  key: 'dead-letters:K3_BASEDATA_MISSING',
  rule: 'dead-letters',
  severity: 'warning',
  subject: 'K3_BASEDATA_MISSING',
  status: 'firing',
  since: NOW - 600_000,
  firstSeenAt: NOW - 600_000,
  firingAt: NOW - 570_000,
  resolvedAt: null,
  value: 37,
  facts: { count: 37, orderNos: ['CK1', 'CK2'], blocking: [], message: '物料编码“9.99.0002”不存在' },
  lastNotifiedAt: NOW - 570_000,
  lastNotifiedValue: 37,
  notified: true,
  clearSince: null,
  updatedAt: NOW - 10_000,
};

describe('the console’s alerts and reconciliation pages, on a real Redis and PostgreSQL', () => {
  const redis = useRedisServer();
  const postgres = usePostgresServer();
  let h: Harness;
  let ledger: pg.Pool;
  let ops: ConsoleClient;
  let viewer: ConsoleClient;

  beforeAll(async () => {
    ledger = createPool({
      url: await postgres().createDatabase('console_ops'),
      maxConnections: 2,
      statementTimeoutMs: 10_000,
      applicationName: 'admin-test',
    });
    await migrate(ledger);
    await projectBatch(
      ledger,
      [{ id: '1-0', fields: { type: 'order.extracted', data: JSON.stringify(extractedEvent(1)) } }],
      NOW,
    );
    h = await startHarness(redis().url, { ledger });
    const store = createReconcileStore(h.redis, h.prefix);
    await store.createRun(RUN, 3_600_000);
    await store.pushItems(RUN_ID, ITEMS);
    await store.finish(RUN, 3_600_000, {
      runId: RUN_ID,
      period: RUN.period,
      filter: RUN.filter,
      finishedAt: RUN.finishedAt ?? 0,
      summary: SUMMARY,
    });
    await h.redis.hset(alertKeys(h.prefix).state, firingAlert.key, JSON.stringify(firingAlert));
    ops = await signInConsole(h.app, FULL);
    viewer = await signInConsole(h.app, READ);
  });
  afterAll(async () => {
    await h.close();
    await ledger.end();
  });

  it('opens the page every alert rule links to (the link a DingTalk message carries)', async () => {
    const finding = { subject: 'K3_BASEDATA_MISSING', value: 1, since: NOW, facts: { runId: RUN_ID } };
    const links = new Set(RULES.map((rule) => rule.link(finding)));
    expect(links.size).toBeGreaterThan(4);
    for (const link of links) {
      const page = await viewer.get(link);
      expect(page.statusCode, link).toBe(200);
      expect(page.headers['content-type'], link).toContain('text/html');
    }
  });

  it('shows a firing alert in the rule’s own words, with silence controls only for a full session', async () => {
    const page = await ops.get('/console/alerts');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('死信：');
    expect(page.body).toContain('37');
    expect(page.body).toContain('href="/console/dead-letters?code=K3_BASEDATA_MISSING"');
    expect(page.body).toContain('action="/console/alerts/silence"');
    expect(page.body).toContain('没有告警服务在评估规则');
    const read = await viewer.get('/console/alerts');
    expect(read.body).toContain('死信：');
    expect(read.body).not.toContain('action="/console/alerts/silence"');
    const english = await ops.get('/console/alerts', { cookie: `${ops.cookie}; wdtk3_lang=en` });
    expect(english.body).toContain('Firing');
  });

  it('silences from the console, audited under the token’s name; refuses a read-only or CSRF-less post', async () => {
    const form = {
      rule: 'dead-letters',
      key: firingAlert.key,
      kind: 'ack',
      hours: '4',
      reason: 'K3 maintenance tonight',
    };
    expect((await viewer.post('/console/alerts/silence', { ...form, _csrf: viewer.csrf })).statusCode).toBe(
      403,
    );
    expect((await ops.post('/console/alerts/silence', form)).statusCode).toBe(403);
    expect(await h.redis.hlen(alertKeys(h.prefix).silences)).toBe(0);

    const bad = await ops.post('/console/alerts/silence', { ...form, reason: 'x', _csrf: ops.csrf });
    expect([bad.statusCode, bad.headers.location]).toEqual([303, '/console/alerts']);
    expect(await h.redis.hlen(alertKeys(h.prefix).silences)).toBe(0);

    const done = await ops.post('/console/alerts/silence', { ...form, _csrf: ops.csrf });
    expect([done.statusCode, done.headers.location]).toEqual([303, '/console/alerts']);
    const stored = Object.values(await h.redis.hgetall(alertKeys(h.prefix).silences)).map(
      (value) => JSON.parse(value) as Silence,
    );
    expect(stored.map((s) => [s.rule, s.key, s.kind, s.by, s.until - s.createdAt])).toEqual([
      ['dead-letters', firingAlert.key, 'ack', 'ops', 4 * 3_600_000],
    ]);
    const flash = await ops.get('/console/alerts');
    expect(flash.body).toContain('已确认');
    expect(flash.body).toContain(`/console/alerts/silences/${stored[0]?.id}/end`);

    const ended = await ops.post(`/console/alerts/silences/${stored[0]?.id}/end`, { _csrf: ops.csrf });
    expect(ended.statusCode).toBe(303);
    const after = JSON.parse((await h.redis.hget(alertKeys(h.prefix).silences, stored[0]?.id ?? '')) ?? '{}');
    expect((after as Silence).until).toBeLessThanOrEqual(Date.now());

    const audit = await h.redis.xrange(`${h.prefix}:admin:audit`, '-', '+');
    const actions = audit.map(([, fields]) => {
      const record = Object.fromEntries(
        fields.flatMap((_, i) => (i % 2 === 0 ? [[fields[i], fields[i + 1]]] : [])),
      ) as Record<string, string>;
      return [record.who, record.action, JSON.parse(record.details ?? '{}').via];
    });
    expect(actions).toEqual(
      expect.arrayContaining([
        ['ops', 'alert.ack', 'console'],
        ['ops', 'alert.unsilence', 'console'],
      ]),
    );

    const unknown = await ops.post('/console/alerts/channels/nope/test', { _csrf: ops.csrf });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.body).toContain('ADMIN_NOT_FOUND');
  });

  it('lists reconciliations, shows a run’s findings and items, and downloads its report', async () => {
    const list = await viewer.get('/console/reconciliations');
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain(`href="/console/reconciliations/${RUN_ID}"`);
    expect(list.body).toContain('漏单 2');
    expect(list.body).not.toContain('action="/console/reconciliations"');

    const run = await viewer.get(`/console/reconciliations/${RUN_ID}`);
    expect(run.statusCode).toBe(200);
    for (const text of ['CK901', 'CK902', 'CK903', '从未抽取', 'K3_BASEDATA_MISSING', 'quantity:A001'])
      expect(run.body).toContain(text);
    expect(run.body).not.toContain('/sync-missing"');
    const onlyMismatch = await viewer.get(`/console/reconciliations/${RUN_ID}?category=mismatch`);
    expect(onlyMismatch.body).toContain('CK903');
    expect(onlyMismatch.body).not.toContain('>CK901<');

    const csv = await viewer.get(`/console/reconciliations/${RUN_ID}/report.csv`);
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-disposition']).toBe(`attachment; filename="${RUN_ID}.csv"`);
    for (const number of ['CK901', 'CK902', 'CK903']) expect(csv.body).toContain(number);
    const xlsx = await viewer.get(`/console/reconciliations/${RUN_ID}/report.xlsx`);
    expect(xlsx.statusCode).toBe(200);
    expect(xlsx.rawPayload.subarray(0, 2).toString()).toBe('PK');

    expect((await viewer.get('/console/reconciliations/rc-nope')).statusCode).toBe(404);
    expect((await viewer.get('/console/reconciliations/not-a-run')).statusCode).toBe(404);
    const overview = await viewer.get('/console');
    expect(overview.body).toContain(`/console/reconciliations/${RUN_ID}`);
    expect(overview.body).toContain('死信：');
  });

  it('starts a reconciliation and syncs missing orders after a confirmation, audited; read-only is refused', async () => {
    const form = { from: '2026-11-29', to: '2026-11-29', shopNo: '', warehouseNo: '' };
    expect((await viewer.post('/console/reconciliations', { ...form, _csrf: viewer.csrf })).statusCode).toBe(
      403,
    );
    const confirm = await ops.post('/console/reconciliations', { ...form, _csrf: ops.csrf });
    expect(confirm.statusCode).toBe(200);
    expect(confirm.body).toContain('2026-11-29');
    expect(confirm.body).toContain('name="confirmed" value="yes"');
    expect((await createReconcileStore(h.redis, h.prefix).listRuns(10)).length).toBe(1);

    const started = await ops.post('/console/reconciliations', {
      ...form,
      confirmed: 'yes',
      _csrf: ops.csrf,
    });
    expect(started.statusCode).toBe(303);
    const runs = await createReconcileStore(h.redis, h.prefix).listRuns(10);
    expect(runs.map((run) => [run.period.from, run.requestedBy, run.state])).toContainEqual([
      '2026-11-29',
      'ops',
      'reading-wdt',
    ]);
    expect(started.headers.location).toBe(`/console/reconciliations/${runs[0]?.id}`);
    expect(await h.queues.reconcile.count()).toBeGreaterThan(0);

    const badDay = await ops.post('/console/reconciliations', {
      from: '2026-13-01',
      to: 'x',
      _csrf: ops.csrf,
    });
    expect([badDay.statusCode, badDay.headers.location]).toEqual([303, '/console/reconciliations']);

    const syncConfirm = await ops.post(`/console/reconciliations/${RUN_ID}/sync-missing`, {
      _csrf: ops.csrf,
    });
    expect(syncConfirm.statusCode).toBe(200);
    expect(await h.queues.sync.count()).toBe(0);
    const synced = await ops.post(`/console/reconciliations/${RUN_ID}/sync-missing`, {
      confirmed: 'yes',
      _csrf: ops.csrf,
    });
    expect(synced.statusCode).toBe(303);
    const jobs = await h.queues.sync.getJobs(['waiting', 'prioritized', 'delayed']);
    // Only the never-extracted order: the dead-lettered one needs a person.
    expect(jobs.map((job) => job.data.stockoutNos)).toEqual([['CK901']]);
  });

  it('lists the ledger’s orders by state, the page the changed-after-save alert opens', async () => {
    const pending = await viewer.get('/console/orders?state=pending');
    expect(pending.statusCode).toBe(200);
    expect(pending.body).toContain('CK1');
    const changed = await viewer.get('/console/orders?state=changed');
    expect(changed.statusCode).toBe(200);
    expect(changed.body).not.toContain('>CK1<');
  });
});
