import { createPool, migrate, projectBatch } from '@wdt-k3/ledger';
import { usePostgresServer, useRedisServer } from '@wdt-k3/testkit';
import type pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type AdminUnderTest, FULL, READ, startAdmin } from '../test/admin.ts';
import { startPipelineStandIn } from '../test/pipeline-stand-in.ts';
import { allOutput, cliFor } from '../test/run-cli.ts';

const saved = { kind: 'saved' } as const;
const dead = (code: string, message: string) => ({ kind: 'dead', code, message }) as const;
const stay = { kind: 'stay' } as const;

/** Beijing wall-clock time, as the CLI prints it. */
const BEIJING = String.raw`\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}`;

describe('sync orders --wait and backfill --wait, against the real admin API, Redis and the ledger', () => {
  const redis = useRedisServer();
  const postgres = usePostgresServer();
  let admin: AdminUnderTest;
  let ledger: pg.Pool;
  let standIn: ReturnType<typeof startPipelineStandIn> | undefined;
  let cli: ReturnType<typeof cliFor>;

  beforeAll(async () => {
    ledger = createPool({
      url: await postgres().createDatabase('cli_sync_wait'),
      maxConnections: 4,
      statementTimeoutMs: 10_000,
      applicationName: 'cli-test',
    });
    await migrate(ledger);
    // CK3 was saved by an earlier run: a re-read finds it done and does not load it again.
    const at = Date.now() - 3_600_000;
    await projectBatch(
      ledger,
      [
        {
          id: `${at}-0`,
          fields: {
            type: 'order.extracted',
            data: JSON.stringify({
              at,
              orderKey: 'so-3',
              stockoutId: '3',
              orderNo: 'CK3',
              stockoutNo: 'CK3',
              srcTradeNo: 'T3',
              logisticsNo: null,
              shopNo: 'tmall01',
              warehouseNo: 'WH01',
              consignTime: '2024-03-18 09:00:00',
              wdtStatus: 95,
              contentHash: 'c3',
              runId: 'inc-1',
              runKind: 'incremental',
            }),
          },
        },
        {
          id: `${at + 1}-0`,
          fields: {
            type: 'order.saved',
            data: JSON.stringify({
              at: at + 1,
              orderKey: 'so-3',
              jobId: 'so-3',
              billNo: 'CK3',
              fid: '100003',
              already: false,
              billHash: 'h3',
              bill: { FBillNo: 'CK3' },
              contentHash: 'c3',
            }),
          },
        },
      ],
      at,
    );
    admin = await startAdmin(redis().url, { ledger });
    cli = cliFor(admin.url, FULL.token);
  });
  // Each test plays the pipeline with its own stand-in; a failed test must not leave its workers on.
  afterEach(async () => {
    await standIn?.close();
    standIn = undefined;
  });
  afterAll(async () => {
    await admin?.close();
    await ledger?.end();
  });

  it('waits for each named order and prints what became of it, in Chinese, exit 4 when some are not in K3', async () => {
    standIn = startPipelineStandIn(redis().url, admin, ledger, {
      orders: [
        { id: 1, outcome: saved },
        { id: 2, outcome: dead('K3_BASEDATA_MISSING', '客户 tb_小林的杂货铺 不存在') },
        { id: 3, outcome: saved },
        { id: 4, tid: 'T45', outcome: saved },
        { id: 5, tid: 'T45', outcome: saved },
      ],
    });
    const run = await cli([
      'sync',
      'orders',
      '--stockout-no',
      'CK1,CK2,CK3,CK404',
      '--tid',
      'T45',
      '--wait',
      '--wait-timeout',
      '2m',
    ]);
    expect(run.code, run.stderr).toBe(4);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toMatch(/^单号\s+出库单\s+结果\s+时间（北京）\s+详情$/);
    expect(run.stdout).toMatch(
      new RegExp(`^CK1\\s+CK1\\s+已入 K3\\s+${BEIJING}\\s+K3 单据 CK1（FID 100001）$`, 'm'),
    );
    expect(run.stdout).toMatch(
      new RegExp(
        `^CK2\\s+CK2\\s+死信\\s+${BEIJING}\\s+K3_BASEDATA_MISSING: 客户 tb_小林的杂货铺 不存在$`,
        'm',
      ),
    );
    // Already in K3 from an earlier run: not loaded again, reported as it is.
    expect(run.stdout).toMatch(
      new RegExp(`^CK3\\s+CK3\\s+已入 K3\\s+${BEIJING}\\s+K3 单据 CK3（FID 100003）$`, 'm'),
    );
    expect(run.stdout).toMatch(/^CK404\s+-\s+WDT 无此单\s+-$/m);
    // One trade id, two stock-outs: a line each.
    expect(run.stdout).toMatch(/^T45\s+CK4\s+已入 K3\s/m);
    expect(run.stdout).toMatch(/^T45\s+CK5\s+已入 K3\s/m);
    expect(lines.at(-2)).toBe('6 单：已入 K3 4 · 死信 1 · WDT 无此单 1');
    expect(run.stderr).toMatch(/已有结果 5\/5 个单号/);
  });

  it('prints English with WDT_K3_LANG=en, --json with every order, and exits 0 when all are in K3', async () => {
    standIn = startPipelineStandIn(redis().url, admin, ledger, { orders: [{ id: 6, outcome: saved }] });
    const en = await cli(['sync', 'orders', '--stockout-no', 'CK6', '--wait'], {
      env: { WDT_K3_LANG: 'en' },
    });
    expect(en.code, en.stderr).toBe(0);
    expect(en.stdout).toMatch(/^NUMBER\s+STOCK-OUT\s+OUTCOME\s+AT \(BEIJING\)\s+DETAIL$/m);
    expect(en.stdout).toMatch(
      new RegExp(`^CK6\\s+CK6\\s+in K3\\s+${BEIJING}\\s+K3 bill CK6 \\(FID 100006\\)$`, 'm'),
    );
    expect(en.stdout).toMatch(/^1 order: in K3 1$/m);

    const json = await cli(['sync', 'orders', '--stockout-no', 'CK6,CK404', '--wait', '--json']);
    expect(json.code, json.stderr).toBe(4);
    const answer = JSON.parse(json.stdout);
    expect(answer.queued).toMatchObject({ stockoutNos: ['CK6', 'CK404'], dryRun: false });
    expect(answer.job).toEqual(await admin.getJson(`/sync/jobs/${answer.queued.jobId}`));
    expect(answer.job).toMatchObject({
      kind: 'orders',
      state: 'committed',
      runId: `ord-${answer.queued.jobId}`,
      read: { orders: 1, enqueued: 0, duplicates: 1 },
      lookups: [
        { by: 'stockoutNo', number: 'CK6', found: 1 },
        { by: 'stockoutNo', number: 'CK404', found: 0 },
      ],
    });
    expect(answer.orders).toMatchObject([
      { number: 'CK6', orders: [{ orderKey: 'so-6', state: 'saved', billNo: 'CK6' }] },
      { number: 'CK404', outcome: 'not_found', orders: [] },
    ]);
  });

  it('gives up at --wait-timeout with exit 5, showing what is still loading', async () => {
    standIn = startPipelineStandIn(redis().url, admin, ledger, { orders: [{ id: 7, outcome: stay }] });
    const run = await cli(['sync', 'orders', '--stockout-no', 'CK7', '--wait', '--wait-timeout', '3s']);
    expect(run.code, run.stderr).toBe(5);
    expect(run.stdout).toMatch(/^CK7\s+CK7\s+仍在处理\s/m);
    expect(run.stderr).toMatch(/等待 3s 后仍有订单没有结果/);
  });

  it('reports a run that fails for good with exit 4', async () => {
    standIn = startPipelineStandIn(redis().url, admin, ledger, { orders: [], failing: 'CK500' });
    const run = await cli(['sync', 'orders', '--stockout-no', 'CK500', '--wait', '--lang', 'en']);
    expect(run.code, run.stderr).toBe(4);
    // BullMQ's reason for a parent failed by its page: which page, for `wdt-k3 status` and the board.
    expect(run.stderr).toMatch(
      /The order sync job \S+ failed and will not commit: child \S+:wdt-pages:pg-ord-\S+-n0 failed/,
    );
  });

  it('waits for a backfill to commit and its orders to settle, then counts them by outcome and code', async () => {
    standIn = startPipelineStandIn(redis().url, admin, ledger, {
      orders: [
        { id: 3, outcome: saved },
        { id: 8, outcome: saved },
        { id: 9, outcome: dead('MAP_INVALID_PRICE', 'sell_price must not be negative') },
        { id: 10, outcome: dead('MAP_INVALID_PRICE', 'sell_price must not be negative') },
        { id: 11, outcome: dead('K3_BASEDATA_MISSING', 'material G9') },
      ],
    });
    const run = await cli([
      'backfill',
      '--from',
      '2024-03-18 00:00:00',
      '--to',
      '2024-03-19 00:00:00',
      '--wait',
    ]);
    expect(run.code, run.stderr).toBe(4);
    const jobId = /回补任务 (\S+) 已提交/.exec(run.stdout)?.[1] ?? '';
    expect(run.stdout.split('\n')).toEqual([
      `回补任务 ${jobId} 已提交（bf-${jobId}）：从 WDT 读取 5 单，入队 4 单，1 单已在流水线中（未重新加载）。`,
      '4 单：已入 K3 1 · 死信 3',
      '',
      '死信原因：',
      '  代码                 单数',
      '  MAP_INVALID_PRICE       2',
      '  K3_BASEDATA_MISSING     1',
      '',
    ]);
    const answer = await admin.getJson(`/sync/jobs/${jobId}`);
    expect(answer).toMatchObject({
      kind: 'backfill',
      state: 'committed',
      read: { pages: 1, orders: 5, enqueued: 4, duplicates: 1 },
      lookups: [],
      ledger: {
        orders: 4,
        byState: { saved: 1, dead: 3, pending: 0 },
        deadByCode: { MAP_INVALID_PRICE: 2, K3_BASEDATA_MISSING: 1 },
      },
    });
  });

  it('refuses --wait with --dry-run and a bad --wait-timeout before sending anything, and a read token', async () => {
    const before = await admin.queues.sync.count();
    for (const args of [
      ['sync', 'orders', '--stockout-no', 'CK1', '--wait', '--dry-run'],
      ['sync', 'orders', '--stockout-no', 'CK1', '--wait', '--wait-timeout', 'soon'],
      ['sync', 'orders', '--stockout-no', 'CK1', '--wait-timeout', '1m'],
      ['backfill', '--from', '2024-03-18 00:00:00', '--to', '2024-03-19 00:00:00', '--wait', '--dry-run'],
    ]) {
      const run = await cli(args);
      expect(run.code, args.join(' ')).toBe(2);
    }
    const read = await cliFor(admin.url, READ.token)(['sync', 'orders', '--stockout-no', 'CK1', '--wait']);
    expect(read.code).toBe(1);
    expect(read.stderr).toContain('ADMIN_FORBIDDEN');
    expect(await admin.queues.sync.count()).toBe(before);
    const unknown = await admin.getJson('/sync/jobs/nope');
    expect(unknown).toMatchObject({ error: { code: 'ADMIN_NOT_FOUND' } });
  });

  it('never prints the token', () => {
    for (const text of allOutput) expect(text).not.toContain(FULL.token);
  });
});
