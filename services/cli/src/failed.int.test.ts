import { useRedisServer } from '@wdt-k3/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdminUnderTest, FULL, READ, startAdmin } from '../test/admin.ts';
import { brokenOrder, wdtOrder } from '../test/orders.ts';
import { allOutput, cliFor } from '../test/run-cli.ts';

const BASE = Date.parse('2024-03-18T10:00:00+08:00');

describe('wdt-k3 failed list and show, against the real admin API', () => {
  const redis = useRedisServer();
  let admin: AdminUnderTest;
  let cli: ReturnType<typeof cliFor>;

  beforeAll(async () => {
    admin = await startAdmin(redis().url);
    cli = cliFor(admin.url, READ.token);
    await admin.addDeadLetter(1, { failedAt: BASE + 3_000 });
    await admin.addDeadLetter(2, { failedAt: BASE + 1_000, code: 'MAP_INVALID_PRICE', message: 'price -1' });
    await admin.addDeadLetter(3, { failedAt: BASE + 2_000 });
    await admin.addDeadLetter(4, {
      failedAt: BASE + 3_600_000,
      code: 'MAP_INVALID_PRICE',
      order: brokenOrder(4),
    });
  });
  afterAll(async () => admin.close());

  it('lists every dead letter oldest first in an aligned table, with the totals by code', async () => {
    const run = await cli(['failed', 'list']);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    const lines = run.stdout.split('\n');
    expect(lines[0]).toMatch(/^ID\s+CODE\s+STOCK-OUT\s+FAILED AT \(BEIJING\)\s+ATTEMPTS\s+MESSAGE$/);
    const rows = lines.slice(1, 5);
    expect(rows.map((row) => row.split(/\s+/)[0])).toEqual(['so-2', 'so-3', 'so-1', 'so-4']);
    expect(rows[0]).toMatch(/^so-2\s+MAP_INVALID_PRICE\s+CK2\s+2024-03-18 10:00:01\s+2\s+price -1$/);
    // Columns line up although messages hold Chinese: the code column starts at one offset.
    expect(new Set(rows.map((row) => row.indexOf(row.split(/\s+/)[1] ?? '')))).toHaveProperty('size', 1);
    expect(run.stdout).toContain('4 shown of 4 matches.');
    expect(run.stdout).toMatch(/K3_BASEDATA_MISSING\s+2\n/);
    expect(run.stdout).not.toContain('More:');
    expect(run.stdout).not.toContain('\x1b[');
  });

  it('prints the admin answer unchanged with --json', async () => {
    const run = await cli(['failed', 'list', '--code', 'K3_BASEDATA_MISSING', '--json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual(await admin.getJson('/failed?code=K3_BASEDATA_MISSING'));
    expect(JSON.parse(run.stdout).items.map((item: { id: string }) => item.id)).toEqual(['so-3', 'so-1']);
  });

  it('filters by code list, number and failedAt range, as the admin does', async () => {
    const ids = async (args: string[]) => {
      const run = await cli(['failed', 'list', '--json', ...args]);
      expect(run.code, run.stderr).toBe(0);
      return JSON.parse(run.stdout).items.map((item: { id: string }) => item.id);
    };
    expect(await ids(['--code', 'MAP_INVALID_PRICE'])).toEqual(['so-2', 'so-4']);
    expect(await ids(['--code', 'MAP_INVALID_PRICE,K3_BASEDATA_MISSING', '--number', 'ck3'])).toEqual([
      'so-3',
    ]);
    expect(
      await ids(['--code', 'K3_BASEDATA_MISSING', '--code', 'MAP_INVALID_PRICE', '--number', 'T1b']),
    ).toEqual(['so-1']);
    expect(await ids(['--from', '2024-03-18 10:00:02', '--to', '2024-03-18T02:00:04Z'])).toEqual([
      'so-3',
      'so-1',
    ]);
  });

  it('pages with --limit and the cursor it prints, and --all follows every cursor', async () => {
    const first = await cli(['failed', 'list', '--limit', '3']);
    expect(first.stdout).toContain('3 shown of 4 matches.');
    const cursor = /--cursor (\S+)/.exec(first.stdout)?.[1];
    expect(cursor).toBeDefined();
    const rest = await cli(['failed', 'list', '--limit', '3', '--cursor', cursor ?? '']);
    expect(rest.stdout.split('\n')[1]).toMatch(/^so-4\s/);
    expect(rest.stdout).not.toContain('More:');

    const all = await cli(['failed', 'list', '--all', '--limit', '1', '--json']);
    const listing = JSON.parse(all.stdout);
    expect(listing.items.map((item: { id: string }) => item.id)).toEqual(['so-2', 'so-3', 'so-1', 'so-4']);
    expect(listing).toMatchObject({ total: 4, nextCursor: null, byCode: { K3_BASEDATA_MISSING: 2 } });
    expect(listing.items).toEqual(((await admin.getJson('/failed')) as { items: unknown[] }).items);
    const table = await cli(['failed', 'list', '--all', '--limit', '2']);
    expect(table.stdout).toContain('4 shown of 4 matches.');
  });

  it('shows one dead letter: error, K3 field errors, attempts, replay check', async () => {
    const run = await cli(['failed', 'show', 'so-3']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Dead letter\s+so-3$/m);
    expect(run.stdout).toMatch(
      /^Error\s+K3_BASEDATA_MISSING \(not retryable\): customer tb_小林的杂货铺 does not exist$/m,
    );
    expect(run.stdout).toMatch(
      /^Order\s+CK3 · stock-out id 3 · trade T3 · shop tmall01 · customer tb_小林的杂货铺 · 1 line$/m,
    );
    expect(run.stdout).toMatch(/^Failed at\s+2024-03-18 10:00:02 \(Beijing\) after 2 attempts$/m);
    expect(run.stdout).toMatch(/^\s+FCustomerID\s+客户不存在$/m);
    expect(run.stdout).toMatch(/^\s+1\s+2024-03-18 09:59:32\s+K3_TIMEOUT\s+no answer within 60 s$/m);
    expect(run.stdout).toMatch(/^Replay check\s+ok/m);
    // What the code means and what to do, from the one catalogue: Chinese unless WDT_K3_LANG=en.
    expect(run.stdout).toMatch(/^Meaning\s+金蝶缺少基础资料: /m);
    expect(run.stdout).toMatch(/^What to do\s+在金蝶里新增/m);
    const english = await cli(['failed', 'show', 'so-3'], { env: { WDT_K3_LANG: 'en' } });
    expect(english.stdout).toMatch(/^Meaning\s+Base data missing in K3: K3 refused the bill/m);
    expect(english.stdout).toMatch(/^What to do\s+Add the base data in K3/m);

    const broken = await cli(['failed', 'show', 'so-4']);
    expect(broken.stdout).toMatch(/^Replay check\s+fails/m);
    expect(broken.stdout).toMatch(/MAP_INVALID_PRICE\s+details_list\.0\.sell_price/);
  });

  it('prints the detail unchanged with --json, and only the stored order with --order', async () => {
    const json = await cli(['failed', 'show', 'so-3', '--json']);
    expect(JSON.parse(json.stdout)).toEqual(await admin.getJson('/failed/so-3'));
    const order = await cli(['failed', 'show', 'so-3', '--order']);
    expect(JSON.parse(order.stdout)).toEqual(wdtOrder(3));
  });

  it('exits 1 with the code, the message and the details when the dead letter does not exist', async () => {
    const run = await cli(['failed', 'show', 'so-404']);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe('ADMIN_NOT_FOUND: no dead letter so-404 (HTTP 404)\n  id: so-404\n');
    const json = await cli(['failed', 'show', 'so-404', '--json']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toEqual({
      error: { code: 'ADMIN_NOT_FOUND', message: 'no dead letter so-404', details: { id: 'so-404' } },
    });
  });

  it('never prints the token', () => {
    expect(allOutput.length).toBeGreaterThan(0);
    for (const text of allOutput) {
      expect(text).not.toContain(READ.token);
      expect(text).not.toContain(FULL.token);
    }
  });
});
