import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeQueues, openQueues } from '@wdt-k3/jobs';
import { createK3CloudClient } from '@wdt-k3/k3cloud-client';
import { loadConfig as loadK3SimConfig, simCredentials } from '@wdt-k3/k3cloud-sim';
import { type Endpoints, Fleet, parseOptions, startServices } from '@wdt-k3/local-run';
import { beijingDay, type MissingItem, type ReportItem, type RunRecord } from '@wdt-k3/reconcile';
import { createRedis, parseConfig, redisEnvSchema, toRedisSettings } from '@wdt-k3/runtime';
import { createDataset } from '@wdt-k3/sim-data';
import { jsonControl, usePostgresServer, useRedisServer, waitFor } from '@wdt-k3/testkit';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

interface Report {
  run: RunRecord;
  line: string;
  items: ReportItem[];
}

/**
 * Reconciliation (issue 17) against both simulators, with the whole pipeline as real processes:
 * a clean period, then each category produced by a real cause, "sync the missing", faults on
 * both sides and a kill -9 of the reconciler in the middle of a comparison.
 */
describe('reconciliation against both systems', () => {
  const redis = useRedisServer();
  const postgres = usePostgresServer();
  const runDir = mkdtempSync(join(tmpdir(), 'wdtk3-reconcile-'));
  const fleet = new Fleet(runDir);
  const options = parseOptions(['--orders', '200', '--loaders', '1'], {});
  const toMs = Math.floor((Date.now() - 5 * 60_000) / 60_000) * 60_000;
  const window = { fromMs: toMs - 86_400_000, toMs };
  const dataset = createDataset({
    seed: options.seed,
    count: options.orders,
    fromMs: window.fromMs,
    toMs: window.toMs,
  });
  const period = { from: beijingDay(window.fromMs), to: beijingDay(window.toMs - 1) };
  const K3 = simCredentials(loadK3SimConfig({}));
  let endpoints: Endpoints;
  let admin: <T = Record<string, unknown>>(method: string, path: string, body?: unknown) => Promise<T>;
  let k3sim: ReturnType<typeof jsonControl>;
  let wdtsim: ReturnType<typeof jsonControl>;
  let k3: ReturnType<typeof createK3CloudClient>;
  let token: string;

  beforeAll(async () => {
    endpoints = await startServices(
      fleet,
      options,
      redis().url,
      'rce',
      runDir,
      window,
      await postgres().createDatabase('reconcile_e2e'),
    );
    token = readFileSync(endpoints.adminTokenFile, 'utf8').trim();
    admin = async (method, path, body) => {
      const res = await fetch(`${endpoints.adminUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const json = (await res.json()) as never;
      if (!res.ok)
        throw Object.assign(new Error(`${method} ${path} → ${res.status} ${JSON.stringify(json)}`), {
          status: res.status,
          json,
        });
      return json;
    };
    k3sim = jsonControl(endpoints.k3Url);
    wdtsim = jsonControl(endpoints.wdtUrl);
    k3 = createK3CloudClient({ baseUrl: `${endpoints.k3Url}/k3cloud/`, auth: { kind: 'signature', ...K3 } });
    await waitFor(
      async () => (await k3sim<{ bills: number }>('GET', '/_sim/stats')).bills === dataset.count,
      {
        timeoutMs: 120_000,
        intervalMs: 250,
        description: 'every order of the dataset in K3',
      },
    );
  }, 180_000);
  afterAll(async () => {
    k3?.close();
    await fleet.stop(['extractor', 'reconciler', 'loader', 'admin', 'ledger'], 10_000);
    if (process.env.KEEP === undefined) rmSync(runDir, { recursive: true, force: true });
  });

  const reconcileNow = async (timeoutMs = 120_000): Promise<Report> => {
    const { run } = await admin<{ run: RunRecord }>('POST', '/reconciliations', period);
    await waitFor(
      async () => {
        const { run: now } = await admin<{ run: RunRecord }>('GET', `/reconciliations/${run.id}?limit=1`);
        return now.state === 'done' || now.state === 'failed';
      },
      { timeoutMs, intervalMs: 200, description: `reconciliation ${run.id} finished` },
    );
    return admin<Report>('GET', `/reconciliations/${run.id}?limit=5000`);
  };
  const of = <C extends ReportItem['category']>(report: Report, category: C) =>
    report.items.filter((item): item is Extract<ReportItem, { category: C }> => item.category === category);
  const bills = async () =>
    (await k3sim<{ bills: Array<Record<string, unknown>> }>('GET', '/_sim/bills?limit=10000')).bills;

  it('reports all zeros and equal totals over a clean period, as JSON, CSV and a workbook', async () => {
    const report = await reconcileNow();
    expect(report.run.state).toBe('done');
    const s = report.run.summary;
    expect(s).toMatchObject({ missing: 0, extra: 0, duplicated: 0, mismatched: 0, extraChecked: true });
    expect(s?.wdt).toEqual(s?.k3);
    expect(s?.wdt.orders).toBe(dataset.count);
    expect(report.line).toBe(
      `对账 ${period.from}…${period.to}: WDT 200 · K3 200 · 漏单 0 · 多单 0 · 重复 0 · 不一致 0`,
    );
    // A second run of the same period while this one… has finished: allowed; a run at once is not.
    const csv = await fetch(`${endpoints.adminUrl}/reconciliations/${report.run.id}.csv`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    const bytes = Buffer.from(await csv.arrayBuffer());
    // UTF-8 with a BOM, so Excel shows the Chinese headers (fetch's text() would drop it).
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.subarray(3).toString('utf8').split('\r\n')[0]).toBe(
      '类别,单据编号,出库单ID,出库单号,日期,客户,行数,数量,金额,K3 FID,字段,WDT,K3,说明',
    );
    const xlsx = await fetch(`${endpoints.adminUrl}/reconciliations/${report.run.id}.xlsx`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await xlsx.arrayBuffer()) as unknown as ExcelJS.Buffer);
    expect(workbook.worksheets.map((sheet) => sheet.name)).toEqual([
      '汇总',
      '漏单',
      '多单',
      '重复',
      '不一致',
    ]);
    const summary = workbook.getWorksheet('汇总');
    expect(summary?.getRow(1).values).toEqual([undefined, '项目', 'WDT', 'K3', '差额']);
    expect(summary?.getRow(2).values).toEqual([undefined, '单据数', 200, 200, 0]);
    expect(summary?.getRow(5).getCell(2).value).toBe(Number(s?.wdt.amount));
    expect(summary?.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
  });

  it('finds bills deleted in K3 as missing (the pipeline saved them), and "sync the missing" brings them back', async () => {
    const gone = [dataset.orderAt(3), dataset.orderAt(17)];
    // What an hour of retention does: the finished jobs are gone, and only the loader's done
    // records say the orders were saved (which "sync the missing" must clear, or the re-read
    // would skip both as done).
    const settings = toRedisSettings(
      parseConfig(redisEnvSchema, { REDIS_URL: redis().url, REDIS_PREFIX: 'rce' }),
    );
    const connection = createRedis(settings, 'producer', 'reconcile-test');
    const queues = openQueues(connection, settings.queuePrefix);
    await queues.orders.clean(0, 100_000, 'completed');
    await closeQueues(queues);
    connection.disconnect();
    const deleted = await k3.delete('SAL_OUTSTOCK', { numbers: gone.map((order) => order.order_no) });
    expect(deleted.ok).toBe(true);
    const report = await reconcileNow();
    expect(report.run.summary).toMatchObject({ missing: 2, extra: 0, duplicated: 0, mismatched: 0 });
    expect(report.line).toContain('漏单 2 · 多单 0 · 重复 0 · 不一致 0');
    const missing = of(report, 'missing');
    expect(missing.map((item) => item.billNo).sort()).toEqual(gone.map((order) => order.order_no).sort());
    for (const item of missing) expect(item.reason.kind).toBe('saved');
    const sync = await admin<{ enqueued: number }>('POST', `/reconciliations/${report.run.id}/sync-missing`);
    expect(sync.enqueued).toBe(2);
    await waitFor(async () => (await bills()).length === dataset.count, {
      timeoutMs: 60_000,
      intervalMs: 250,
      description: 'both bills saved again',
    });
    expect((await reconcileNow()).run.summary).toMatchObject({
      missing: 0,
      extra: 0,
      duplicated: 0,
      mismatched: 0,
    });
  });

  it('produces each category from a real cause, with why, and leaves K3 as it is', async () => {
    const all = await bills();
    const model = (billNo: string) => {
      const {
        FID: _f,
        FDocumentStatus: _s,
        FEntity,
        ...rest
      } = all.find((bill) => bill.FBillNo === billNo) as Record<string, unknown>;
      return {
        ...rest,
        FEntity: (FEntity as Array<Record<string, unknown>>).map(({ FENTRYID: _e, ...entry }) => entry),
      };
    };
    // extra: a bill made by hand in K3, dated in the period
    const handMade = { ...model(dataset.orderAt(5).order_no), FBillNo: 'HAND-0001' };
    expect((await k3.batchSave('SAL_OUTSTOCK', [handMade])).bills[0]?.status).toBe('saved');
    // duplicated: the same bill saved twice, bypassing the loader, on an account that allows it
    await k3sim('PUT', '/_sim/settings', { uniqueBillNo: false });
    const twice = dataset.orderAt(8).order_no;
    expect((await k3.batchSave('SAL_OUTSTOCK', [model(twice)])).bills[0]?.status).toBe('saved');
    await k3sim('PUT', '/_sim/settings', { uniqueBillNo: true });
    // mismatch: a quantity and an amount (the price) edited in K3
    // (an order with a row that is not a gift: an edited gift row would also differ in `gift`)
    const paid = (index: number) =>
      (model(dataset.orderAt(index).order_no).FEntity as Array<Record<string, unknown>>).some(
        (e) => e.FIsFree !== true,
      );
    const edited = dataset.orderAt([...Array(100).keys()].slice(11).find(paid) as number);
    const rows = model(edited.order_no).FEntity as Array<Record<string, unknown>>;
    const seq = rows.findIndex((entry) => entry.FIsFree !== true) + 1;
    const row = rows[seq - 1] as Record<string, unknown>;
    await k3sim('POST', '/_sim/bills/edit', {
      billNo: edited.order_no,
      entries: [{ seq, realQty: Number(row.FRealQty) + 1, taxPrice: Number(row.FTaxPrice) + 0.5 }],
    });
    // dead-lettered and discarded: two new WDT orders of the period no customer can be mapped for
    const fresh = [dataset.orderAt(0), dataset.orderAt(1)].map((order, index) => ({
      ...order,
      stockout_id: 9_900_001 + index,
      order_no: `CKNEW${index}`,
      stockout_no: `CKNEW${index}`,
      nick_name: '',
      details_list: order.details_list.map((row) => ({ ...row, stockout_id: 9_900_001 + index })),
    }));
    await wdtsim('POST', '/_sim/orders', fresh);
    await admin('POST', '/sync/orders', { stockoutNos: fresh.map((order) => order.stockout_no) });
    await waitFor(
      async () => (await admin<{ total: number }>('GET', '/failed?code=MAP_MISSING_CUSTOMER')).total === 2,
      {
        timeoutMs: 60_000,
        intervalMs: 250,
        description: 'both new orders dead-lettered',
      },
    );
    await admin('DELETE', '/failed/so-9900002', { reason: 'test order, never shipped' });

    const report = await reconcileNow();
    expect(report.run.summary).toMatchObject({ missing: 2, extra: 1, duplicated: 1, mismatched: 1 });
    expect(report.line).toBe(
      `对账 ${period.from}…${period.to}: WDT 202 · K3 202 · 漏单 2 · 多单 1 · 重复 1 · 不一致 1`,
    );
    const missing = new Map(of(report, 'missing').map((item) => [item.billNo, item as MissingItem]));
    expect(missing.get('CKNEW0')?.reason).toMatchObject({
      kind: 'dead-lettered',
      code: 'MAP_MISSING_CUSTOMER',
    });
    expect(missing.get('CKNEW1')?.reason).toMatchObject({
      kind: 'discarded',
      by: 'local',
      note: 'test order, never shipped',
    });
    expect(of(report, 'extra')).toEqual([expect.objectContaining({ billNo: 'HAND-0001', note: null })]);
    expect(of(report, 'duplicated')).toEqual([
      expect.objectContaining({ billNo: twice, side: 'K3', copies: 2 }),
    ]);
    const [mismatch] = of(report, 'mismatch');
    expect(mismatch?.billNo).toBe(edited.order_no);
    const material = (row.FMaterialID as { FNumber: string }).FNumber;
    expect(mismatch?.differences).toEqual([
      { field: `quantity:${material}`, wdt: expect.any(String), k3: expect.any(String) },
      { field: `amount:${material}`, wdt: expect.any(String), k3: expect.any(String) },
    ]);
    // Sync the missing leaves the dead-lettered and the discarded order to a person.
    const sync = await admin<{ enqueued: number; skipped: Record<string, number> }>(
      'POST',
      `/reconciliations/${report.run.id}/sync-missing`,
    );
    expect(sync).toMatchObject({ enqueued: 0, skipped: { 'dead-lettered': 1, discarded: 1 } });
    const audit = (
      await admin<{ entries: Array<{ action: string; target: string }> }>('GET', '/audit?limit=5')
    ).entries;
    expect(audit[0]).toMatchObject({ action: 'reconcile.sync-missing', target: report.run.id });
    // The product never edits K3: the hand-made, the doubled and the edited bills are all still there.
    expect((await bills()).length).toBe(all.length + 2);
  });

  it('completes correctly through WDT 1012s and timeouts, K3 5xx, and a kill -9 of the reconciler mid-comparison', async () => {
    const before = await reconcileNow();
    await wdtsim('PUT', '/_sim/faults', { rateLimitedRate: 0.15, timeoutRate: 0.1, timeoutHoldMs: 1_500 });
    await k3sim('PUT', '/_sim/faults', {
      http5xx: { rate: 0.3, services: ['ExecuteBillQuery'] },
      latency: { perCallMs: 1_500 },
    });
    const { run } = await admin<{ run: RunRecord }>('POST', '/reconciliations', period);
    // one run at a time per period
    await expect(admin('POST', '/reconciliations', period)).rejects.toMatchObject({ status: 409 });
    await waitFor(
      async () =>
        (await admin<{ run: RunRecord }>('GET', `/reconciliations/${run.id}?limit=1`)).run.state ===
        'reading-k3',
      {
        timeoutMs: 120_000,
        intervalMs: 50,
        description: 'the comparison running',
      },
    );
    fleet.members.find((member) => member.name === 'reconciler')?.proc.signal('SIGKILL');
    await fleet.start('reconciler-2', 'reconciler', endpoints.reconcilerEnv, /"msg":"reconciler started"/);
    const after = await waitFor(
      async () => {
        const report = await admin<Report>('GET', `/reconciliations/${run.id}?limit=5000`);
        return report.run.state === 'done' || report.run.state === 'failed' ? report : null;
      },
      { timeoutMs: 180_000, intervalMs: 250, description: 'the run finished after the kill' },
    );
    await wdtsim('PUT', '/_sim/faults', {});
    await k3sim('PUT', '/_sim/faults', {});
    expect(after.run.state).toBe('done');
    expect(after.run.summary).toEqual(before.run.summary);
    const key = (item: ReportItem) => `${item.category}:${item.billNo}`;
    expect(after.items.map(key).sort()).toEqual(before.items.map(key).sort());
    const stats = await wdtsim<{ errors: { wdt: Record<string, number> } }>('GET', '/_sim/stats');
    expect(stats.errors.wdt['1012'] ?? 0).toBeGreaterThan(0);
  });
});
