import { enqueue } from '@wdt-k3/jobs';
import { useRedisServer } from '@wdt-k3/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdminUnderTest, FULL, READ, startAdmin } from '../test/admin.ts';
import { brokenOrder, wdtOrder } from '../test/orders.ts';
import { allOutput, cliFor } from '../test/run-cli.ts';

/** The admin's clock, fixed so that lags and ages in its answers are known. */
const NOW = Date.parse('2024-03-18T10:05:00+08:00');

describe('wdt-k3 status, pause/resume, backfill, sync orders and dry-run, against the real admin API', () => {
  const redis = useRedisServer();
  let admin: AdminUnderTest;
  let cli: ReturnType<typeof cliFor>;
  let readCli: ReturnType<typeof cliFor>;

  beforeAll(async () => {
    admin = await startAdmin(redis().url, {
      now: () => NOW,
      dryRunOrders: new Map([
        ['CK1', wdtOrder(1)],
        ['CK2', brokenOrder(2)],
      ]),
    });
    cli = cliFor(admin.url, FULL.token);
    readCli = cliFor(admin.url, READ.token);
  });
  afterAll(async () => admin.close());

  it('shows readiness, the sync state, dead letters by code and the queues, with a read token', async () => {
    await admin.syncState.initWatermark(NOW - 192_000);
    await admin.syncState.recordTick(NOW - 12_000);
    await admin.addDeadLetter(1, { failedAt: NOW - 60_000 });
    await admin.addDeadLetter(2, { failedAt: NOW - 50_000, code: 'MAP_INVALID_PRICE' });
    await admin.addDeadLetter(3, { failedAt: NOW - 40_000 });
    const run = await readCli(['status']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^Admin API\s+http:\/\/127\.0\.0\.1:\d+$/m);
    // No loader or page fetcher runs in this test, so the pipeline is not ready: reported, not an error.
    expect(run.stdout).toMatch(/^Ready\s+no: redis ok, consumers:orders failing \(0 workers\)/m);
    expect(run.stdout).toMatch(
      new RegExp(
        `^Redis\\s+standalone · master 127\\.0\\.0\\.1:${redis().port} · ready · no failover seen$`,
        'm',
      ),
    );
    expect(run.stdout).toMatch(/^Watermark\s+2024-03-18 10:01:48 \(Beijing\), lag 3m 12s$/m);
    expect(run.stdout).toMatch(/^Last tick\s+2024-03-18 10:04:48 \(Beijing\), 12s ago$/m);
    expect(run.stdout).toMatch(/^Run in flight\s+none$/m);
    expect(run.stdout).toMatch(/^Dead letters\s+3$/m);
    expect(run.stdout).toMatch(/^\s+K3_BASEDATA_MISSING\s+2$/m);
    expect(run.stdout).toMatch(
      /^QUEUE\s+PAUSED\s+WAITING\s+ACTIVE\s+DELAYED\s+COMPLETED\s+FAILED\s+OLDEST WAITING$/m,
    );
    expect(run.stdout).toMatch(/^orders-failed\s+no\s+3\s+0\s+0\s+0\s+0\s+\S+$/m);
  });

  it('prints each route answer unchanged under health, queues, sync, failed, alerts and channels with --json', async () => {
    const run = await readCli(['status', '--json']);
    expect(run.code).toBe(0);
    const status = JSON.parse(run.stdout);
    expect(Object.keys(status)).toEqual(['health', 'queues', 'sync', 'failed', 'alerts', 'channels']);
    expect(status.channels).toEqual(await admin.getJson('/alerts/channels'));
    expect(status.sync).toEqual(await admin.getJson('/sync'));
    expect(status.queues).toEqual(await admin.getJson('/queues'));
    expect(status.failed).toEqual(await admin.getJson('/failed?limit=1'));
    expect(status.health).toMatchObject({ ok: false, checks: { redis: { ok: true } } });
  });

  it('pauses and resumes the pipeline, with the reason in the audit trail', async () => {
    const paused = await cli(['pause', '--reason', 'K3 upgrade']);
    expect(paused.code, paused.stderr).toBe(0);
    expect(paused.stdout.split('\n')[0]).toBe('Paused wdt-sync, wdt-pages, orders.');
    expect(await admin.queues.orders.isPaused()).toBe(true);
    expect((await readCli(['status'])).stdout).toMatch(/^orders\s+paused\s/m);
    const [[, fields] = ['', []]] = await admin.redis.xrevrange(
      `${admin.prefix}:admin:audit`,
      '+',
      '-',
      'COUNT',
      1,
    );
    expect(fields[fields.indexOf('details') + 1]).toBe('{"reason":"K3 upgrade"}');

    const resumed = await cli(['resume', '--json']);
    expect(JSON.parse(resumed.stdout)).toEqual({ resumed: ['wdt-sync', 'wdt-pages', 'orders'] });
    expect(await admin.queues.orders.isPaused()).toBe(false);
  });

  it('moves the watermark back with a reason, refuses a forward move as the API does, and shows a stuck one', async () => {
    await admin.syncState.moveWatermark(NOW - 60_000);
    const back = await cli(['watermark', 'set', '2024-03-18 09:00:00', '--reason', 'reread the morning']);
    expect(back.code, back.stderr).toBe(0);
    expect(back.stdout).toMatch(
      /Watermark moved from 2024-03-18 10:04:00 to 2024-03-18 09:00:00 \(Beijing\)/,
    );
    const forward = await cli(['watermark', 'set', '2024-03-18 10:00:00', '--reason', 'skip']);
    expect(forward.code).not.toBe(0);
    expect(`${forward.stdout}${forward.stderr}`).toMatch(/moves back only/);
    expect((await cli(['watermark', 'set', '2024-03-18 08:00:00'])).code).toBe(2);
    await admin.syncState.moveWatermark(Date.parse('2099-01-01T00:00:00+08:00'));
    const status = await readCli(['status']);
    expect(status.stdout).toMatch(/watermark lies in the future/);
    await admin.syncState.moveWatermark(NOW - 192_000);
  });

  it('queues a backfill of a Beijing-time window, and reports a bad window as the API does', async () => {
    const run = await cli(['backfill', '--from', '2024-03-01 00:00:00', '--to', '2024-03-08T00:00:00+08:00']);
    expect(run.code, run.stderr).toBe(0);
    const jobId = /as job (\S+):/.exec(run.stdout)?.[1] ?? '';
    expect(run.stdout).toBe(
      `Backfill queued as job ${jobId}: 2024-03-01 00:00:00 → 2024-03-08 00:00:00 (Beijing).\n`,
    );
    const job = await admin.queues.sync.getJob(jobId);
    expect(job?.name).toBe('sync.backfill');
    expect(job?.data).toMatchObject({
      fromMs: Date.parse('2024-03-01T00:00:00+08:00'),
      toMs: Date.parse('2024-03-08T00:00:00+08:00'),
      requestedBy: 'ops',
      dryRun: false,
    });

    const dry = await cli([
      'backfill',
      '--from',
      '2024-03-01 00:00:00',
      '--to',
      '2024-03-02 00:00:00',
      '--dry-run',
      '--json',
    ]);
    expect(JSON.parse(dry.stdout)).toMatchObject({ window: { from: '2024-03-01 00:00:00' }, dryRun: true });

    const backwards = await cli(['backfill', '--from', '2024-03-08 00:00:00', '--to', '2024-03-01 00:00:00']);
    expect(backwards.code).toBe(1);
    expect(backwards.stderr).toBe(
      'ADMIN_BAD_REQUEST: invalid body (HTTP 400)\n  - body to: to must be after from\n',
    );
    const missing = await cli(['backfill', '--from', '2024-03-01 00:00:00']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--to is required');
  });

  it('queues a sync of named orders from repeated flags and comma lists', async () => {
    const run = await cli([
      'sync',
      'orders',
      '--stockout-no',
      'CK1,CK2',
      '--stockout-no',
      'CK3',
      '--tid',
      'T1',
    ]);
    expect(run.code, run.stderr).toBe(0);
    const jobId = /as job (\S+) for/.exec(run.stdout)?.[1] ?? '';
    expect(run.stdout).toBe(
      `Sync queued as job ${jobId} for 3 stock-outs (CK1, CK2, CK3) and 1 trade id (T1).\n`,
    );
    expect((await admin.queues.sync.getJob(jobId))?.data).toMatchObject({
      stockoutNos: ['CK1', 'CK2', 'CK3'],
      srcTids: ['T1'],
    });
    const none = await cli(['sync', 'orders']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('name at least one order: --stockout-no or --tid');
  });

  it('dry-runs an order: the K3 model, or the mapping issues, writing nothing', async () => {
    const ordersBefore = await admin.queues.orders.count();
    const ok = await cli(['dry-run', 'CK1']);
    expect(ok.code, ok.stderr).toBe(0);
    const [headline, ...model] = ok.stdout.split('\n');
    expect(headline).toMatch(/^CK1 maps to this K3 SAL_OUTSTOCK model; nothing was written\./);
    expect(JSON.parse(model.join('\n'))).toMatchObject({
      FBillNo: 'CK1',
      FCustomerID: { FNumber: 'tb_小林的杂货铺' },
    });

    const issues = await cli(['dry-run', 'CK2']);
    expect(issues.code).toBe(1);
    expect(issues.stdout).toMatch(/^CK2 does not map: 2 issues\.$/m);
    expect(issues.stdout).toMatch(
      /^\s+MAP_INVALID_PRICE\s+details_list\.0\.sell_price\s+sell_price must not be negative/m,
    );

    const json = await cli(['dry-run', 'CK2', '--json']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ stockoutNo: 'CK2', found: true, result: { ok: false } });

    const unknown = await cli(['dry-run', 'CK404']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe(
      'ADMIN_NOT_FOUND: WDT has no stock-out CK404 (HTTP 404)\n  stockoutNo: CK404\n',
    );
    expect(await admin.queues.orders.count()).toBe(ordersBefore);
  });

  it('refuses every write to a read-only token and changes nothing', async () => {
    const syncJobs = await admin.queues.sync.count();
    for (const args of [
      ['pause'],
      ['resume'],
      ['backfill', '--from', '2024-03-01 00:00:00', '--to', '2024-03-02 00:00:00'],
      ['sync', 'orders', '--tid', 'T9'],
      ['dry-run', 'CK1'],
    ]) {
      const run = await readCli(args);
      expect(run.code, args.join(' ')).toBe(1);
      expect(run.stderr).toContain('ADMIN_FORBIDDEN: token "grafana" is read-only (HTTP 403)');
    }
    expect(await admin.queues.orders.isPaused()).toBe(false);
    expect(await admin.queues.sync.count()).toBe(syncJobs);
  });

  it('counts waiting jobs in the status table', async () => {
    const source = { runId: 'run-9', kind: 'incremental' as const, pageNo: 0, fetchedAt: NOW };
    await enqueue(admin.queues.orders, 'orderLoad', { order: wdtOrder(9), source }, { jobId: 'so-9' });
    await enqueue(admin.queues.orders, 'orderLoad', { order: wdtOrder(10), source }, { jobId: 'so-10' });
    expect((await readCli(['status'])).stdout).toMatch(/^orders\s+no\s+2\s+0\s+0\s+0\s+0\s+0s$/m);
  });

  it('never prints the token', () => {
    expect(allOutput.length).toBeGreaterThan(0);
    for (const text of allOutput) {
      expect(text).not.toContain(FULL.token);
      expect(text).not.toContain(READ.token);
    }
  });
});
