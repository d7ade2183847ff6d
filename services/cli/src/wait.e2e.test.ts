import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Endpoints, Fleet, parseOptions, startServices } from '@wdt-k3/local-run';
import { formatBeijingTime } from '@wdt-k3/runtime';
import { createDataset } from '@wdt-k3/sim-data';
import { jsonControl, usePostgresServer, useRedisServer, waitFor } from '@wdt-k3/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allOutput, cliFor } from '../test/run-cli.ts';

/**
 * `--wait` against the whole pipeline as real processes (both simulators, extractor, a loader,
 * the ledger, the admin): new WDT stock-outs that only a sync or a backfill reads, one of them
 * with no customer the mapping can use, so it is dead-lettered.
 */
describe('sync orders --wait and backfill --wait over the real pipeline', () => {
  const redis = useRedisServer();
  const postgres = usePostgresServer();
  const runDir = mkdtempSync(join(tmpdir(), 'wdtk3-cli-wait-'));
  const fleet = new Fleet(runDir);
  const options = parseOptions(['--orders', '20', '--loaders', '1'], {});
  const toMs = Math.floor((Date.now() - 5 * 60_000) / 60_000) * 60_000;
  const window = { fromMs: toMs - 86_400_000, toMs };
  const dataset = createDataset({ seed: options.seed, count: options.orders, ...window });
  let endpoints: Endpoints;
  let cli: ReturnType<typeof cliFor>;
  let token: string;
  let wdtsim: ReturnType<typeof jsonControl>;
  let k3sim: ReturnType<typeof jsonControl>;
  /** The admin's own answer, for comparing what --json printed. */
  const adminGet = async (path: string): Promise<unknown> =>
    (await fetch(`${endpoints.adminUrl}${path}`, { headers: { authorization: `Bearer ${token}` } })).json();

  /** A new stock-out WDT has and the pipeline has not read; `customer: false` leaves its nick_name empty. */
  const fresh = (index: number, id: number, customer = true) => {
    const order = dataset.orderAt(index);
    return {
      ...order,
      stockout_id: id,
      order_no: `CKW${id}`,
      stockout_no: `CKW${id}`,
      ...(customer ? {} : { nick_name: '' }),
      details_list: order.details_list.map((row) => ({ ...row, stockout_id: id })),
    };
  };

  beforeAll(async () => {
    endpoints = await startServices(
      fleet,
      options,
      redis().url,
      'clw',
      runDir,
      window,
      await postgres().createDatabase('cli_wait_e2e'),
    );
    token = readFileSync(endpoints.adminTokenFile, 'utf8').trim();
    cli = cliFor(endpoints.adminUrl, token);
    wdtsim = jsonControl(endpoints.wdtUrl);
    k3sim = jsonControl(endpoints.k3Url);
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
    await fleet.stop(['extractor', 'loader', 'admin', 'ledger'], 10_000);
    rmSync(runDir, { recursive: true, force: true });
  });

  it('sync orders --wait: a new order saved, one dead-lettered, one saved before, one WDT lacks; exit 4', async () => {
    await wdtsim('POST', '/_sim/orders', [fresh(0, 9_910_001), fresh(1, 9_910_002, false)]);
    const before = dataset.orderAt(2).order_no;
    const run = await cli([
      'sync',
      'orders',
      '--stockout-no',
      `CKW9910001,CKW9910002,${before},CK404`,
      '--wait',
      '--wait-timeout',
      '2m',
    ]);
    expect(run.code, `${run.stdout}${run.stderr}`).toBe(4);
    expect(run.stdout).toMatch(
      /^CKW9910001\s+CKW9910001\s+已入 K3\s+\S+ \S+\s+K3 单据 CKW9910001（FID \d+）$/m,
    );
    expect(run.stdout).toMatch(/^CKW9910002\s+CKW9910002\s+死信\s+\S+ \S+\s+MAP_MISSING_CUSTOMER: /m);
    expect(run.stdout).toMatch(new RegExp(`^${before}\\s+${before}\\s+已入 K3\\s`, 'm'));
    expect(run.stdout).toMatch(/^CK404\s+-\s+WDT 无此单\s+-$/m);
    expect(run.stdout).toMatch(/^4 单：已入 K3 2 · 死信 1 · WDT 无此单 1$/m);
  });

  it('backfill --wait: counts the orders the run loaded by outcome and code, and the ones it already had', async () => {
    await wdtsim('POST', '/_sim/orders', [
      fresh(3, 9_910_003),
      fresh(4, 9_910_004),
      fresh(5, 9_910_005, false),
    ]);
    const run = await cli(
      [
        'backfill',
        '--from',
        formatBeijingTime(window.fromMs),
        '--to',
        formatBeijingTime(window.toMs),
        '--wait',
      ],
      { env: { WDT_K3_LANG: 'en' } },
    );
    expect(run.code, `${run.stdout}${run.stderr}`).toBe(4);
    // 20 of the dataset and the 2 synced above were in the pipeline already; the 3 new ones are loaded.
    expect(run.stdout).toMatch(
      /^Backfill job \S+ committed \(run bf-\S+\): 25 orders read from WDT, 3 enqueued, 22 already in the pipeline \(not loaded again\)\.$/m,
    );
    expect(run.stdout).toMatch(/^3 orders: in K3 2 · dead-lettered 1$/m);
    expect(run.stdout).toMatch(/^\s+MAP_MISSING_CUSTOMER\s+1$/m);
  });

  it('prints English with WDT_K3_LANG=en and exits 0 when all are in K3; --json holds the admin API’s answers', async () => {
    const saved = dataset.orderAt(6).order_no;
    const en = await cli(['sync', 'orders', '--stockout-no', saved, '--wait'], {
      env: { WDT_K3_LANG: 'en' },
    });
    expect(en.code, `${en.stdout}${en.stderr}`).toBe(0);
    expect(en.stdout).toMatch(/^NUMBER\s+STOCK-OUT\s+OUTCOME\s+AT \(BEIJING\)\s+DETAIL$/m);
    expect(en.stdout).toMatch(
      new RegExp(`^${saved}\\s+${saved}\\s+in K3\\s+\\S+ \\S+\\s+K3 bill ${saved} \\(FID \\d+\\)$`, 'm'),
    );
    expect(en.stdout).toMatch(/^1 order: in K3 1$/m);

    const json = await cli(['sync', 'orders', '--stockout-no', `${saved},CK404`, '--wait', '--json']);
    expect(json.code, json.stderr).toBe(4);
    const answer = JSON.parse(json.stdout);
    expect(answer.queued).toMatchObject({ stockoutNos: [saved, 'CK404'], dryRun: false });
    expect(answer.job).toEqual(await adminGet(`/sync/jobs/${answer.queued.jobId}`));
    expect(answer.job).toMatchObject({
      kind: 'orders',
      state: 'committed',
      runId: `ord-${answer.queued.jobId}`,
      read: { orders: 1, enqueued: 0, duplicates: 1 },
    });
    expect(answer.orders).toMatchObject([
      { number: saved, orders: [{ state: 'saved', billNo: saved }] },
      { number: 'CK404', outcome: 'not_found', orders: [] },
    ]);
  });

  it('refuses --wait with --dry-run and a bad --wait-timeout before sending anything, and a read token', async () => {
    const before = JSON.stringify(await adminGet('/sync/jobs/nope'));
    for (const args of [
      ['sync', 'orders', '--stockout-no', 'CK1', '--wait', '--dry-run'],
      ['sync', 'orders', '--stockout-no', 'CK1', '--wait', '--wait-timeout', 'soon'],
      ['sync', 'orders', '--stockout-no', 'CK1', '--wait-timeout', '1m'],
      [
        'backfill',
        '--from',
        formatBeijingTime(window.fromMs),
        '--to',
        formatBeijingTime(window.toMs),
        '--wait',
        '--dry-run',
      ],
    ]) {
      const run = await cli(args);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stdout).toBe('');
    }
    const read = await cliFor(
      endpoints.adminUrl,
      readFileSync(endpoints.adminReadTokenFile, 'utf8').trim(),
    )(['sync', 'orders', '--stockout-no', 'CK1', '--wait']);
    expect(read.code).toBe(1);
    expect(read.stderr).toContain('ADMIN_FORBIDDEN');
    expect(before).toContain('ADMIN_NOT_FOUND');
  });

  // Last: K3 refuses every save from here on, so an order stays loading.
  it('gives up at --wait-timeout with exit 5, showing what is still loading', async () => {
    await k3sim('PUT', '/_sim/faults', { http5xx: { rate: 1, services: ['BatchSave'] } });
    await wdtsim('POST', '/_sim/orders', [fresh(7, 9_910_007)]);
    const run = await cli([
      'sync',
      'orders',
      '--stockout-no',
      'CKW9910007',
      '--wait',
      '--wait-timeout',
      '5s',
    ]);
    expect(run.code, `${run.stdout}${run.stderr}`).toBe(5);
    expect(run.stdout).toMatch(/^CKW9910007\s+CKW9910007\s+仍在处理\s/m);
    expect(run.stderr).toMatch(/等待 5s 后仍有订单没有结果/);
  });

  it('never prints a token', () => {
    const read = readFileSync(endpoints.adminReadTokenFile, 'utf8').trim();
    for (const text of allOutput) {
      expect(text).not.toContain(token);
      expect(text).not.toContain(read);
    }
  });
});
