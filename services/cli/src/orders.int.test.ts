import { discardMarkerKey } from '@wdt-k3/jobs';
import { createPool, migrate, projectBatch, type StreamEntry } from '@wdt-k3/ledger';
import { usePostgresServer, useRedisServer } from '@wdt-k3/testkit';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdminUnderTest, FULL, READ, startAdmin } from '../test/admin.ts';
import { cliFor } from '../test/run-cli.ts';

const AT = Date.parse('2024-03-18T10:00:00+08:00');

function entry(seq: number, type: string, data: Record<string, unknown>): StreamEntry {
  return { id: `${AT + seq}-0`, fields: { type, data: JSON.stringify({ at: AT + seq, ...data }) } };
}

const extracted = (n: number) => ({
  orderKey: `so-${n}`,
  stockoutId: String(n),
  orderNo: `CK${n}`,
  stockoutNo: `CK${n}`,
  srcTradeNo: `T${n}`,
  logisticsNo: `SF${n}`,
  shopNo: 'tmall01',
  warehouseNo: 'WH01',
  consignTime: '2024-03-18 09:00:00',
  wdtStatus: 95,
  contentHash: `c${n}`,
  runId: 'inc-1',
  runKind: 'incremental',
});

describe('wdt-k3 order show, report data-quality and failed undiscard, against the real admin API', () => {
  const redis = useRedisServer();
  const postgres = usePostgresServer();
  let admin: AdminUnderTest;
  let ledger: pg.Pool;
  beforeAll(async () => {
    ledger = createPool({
      url: await postgres().createDatabase('cli_orders'),
      maxConnections: 2,
      statementTimeoutMs: 10_000,
      applicationName: 'cli-test',
    });
    await migrate(ledger);
    const bill = { FBillNo: 'CK1', FNote: '' };
    await projectBatch(
      ledger,
      [
        entry(1, 'order.extracted', extracted(1)),
        entry(2, 'order.saved', {
          orderKey: 'so-1',
          jobId: 'so-1',
          billNo: 'CK1',
          fid: '501',
          already: false,
          billHash: 'h1',
          bill,
          contentHash: 'c1',
        }),
        entry(3, 'order.saved', {
          orderKey: 'so-1',
          jobId: 'so-1-c0123456789ab',
          billNo: 'CK1',
          fid: '501',
          already: true,
          billHash: 'h2',
          bill: { ...bill, FNote: '改地址' },
          contentHash: 'c1b',
        }),
        entry(4, 'order.extracted', extracted(2)),
        entry(5, 'order.dead_lettered', {
          orderKey: 'so-2',
          jobId: 'so-2',
          deadLetterId: 'so-2',
          code: 'K3_BASEDATA_MISSING',
          message: 'material G9',
          attempts: 1,
          blocking: [{ kind: 'material', number: 'G9' }],
        }),
      ],
      AT,
    );
    admin = await startAdmin(redis().url, { now: () => AT + 3_600_000, ledger });
  });
  afterAll(async () => {
    await admin.close();
    await ledger.end();
  });

  it('shows an order found by its tracking number: state, the fields changed after its save, its timeline', async () => {
    const run = await cliFor(admin.url, READ.token)(['order', 'show', 'SF1']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^State\s+in K3, but changed in WDT after it was saved$/m);
    expect(run.stdout).toMatch(/^FNote\s+""\s+"改地址"$/m);
    expect(run.stdout).toMatch(/2024-03-18 10:00:00\s+saved as K3 bill CK1 \(FID 501\)/);
    const missing = await cliFor(admin.url, READ.token)(['order', 'show', 'CK404']);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/no order with the number CK404/);
  });

  it('reports dead letters by day and the numbers blocking them', async () => {
    const run = await cliFor(
      admin.url,
      READ.token,
    )(['report', 'data-quality', '--from', '2024-03-18 00:00:00', '--to', '2024-03-19 00:00:00']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^2024-03-18\s+K3_BASEDATA_MISSING\s+1$/m);
    expect(run.stdout).toMatch(/^material\s+G9\s+1\s+K3_BASEDATA_MISSING$/m);
  });

  it('undiscards an order with a full token only', async () => {
    await admin.redis.set(discardMarkerKey(admin.prefix, 'so-2'), 'CK2');
    const refused = await cliFor(
      admin.url,
      READ.token,
    )(['failed', 'undiscard', 'so-2', '--reason', 'it shipped']);
    expect(refused.code).not.toBe(0);
    const run = await cliFor(
      admin.url,
      FULL.token,
    )(['failed', 'undiscard', 'so-2', '--reason', 'it shipped']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/so-2 is no longer discarded; CK2 is synced from WDT again/);
    expect(await admin.redis.get(discardMarkerKey(admin.prefix, 'so-2'))).toBeNull();
  });
});
