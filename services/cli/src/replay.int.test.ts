import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useRedisServer } from '@wdt-k3/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdminUnderTest, FULL, READ, startAdmin } from '../test/admin.ts';
import { brokenOrder, wdtOrder } from '../test/orders.ts';
import { allOutput, cliFor } from '../test/run-cli.ts';

const BASE = Date.parse('2024-03-18T10:00:00+08:00');

describe('wdt-k3 failed replay and discard, against the real admin API', () => {
  const redis = useRedisServer();
  let admin: AdminUnderTest;
  let cli: ReturnType<typeof cliFor>;
  let readCli: ReturnType<typeof cliFor>;
  const orderData = async (jobId: string) => (await admin.queues.orders.getJob(jobId))?.data.order;
  const isDeadLetter = async (id: string) => (await admin.queues.failed.getJob(id)) !== undefined;

  beforeAll(async () => {
    admin = await startAdmin(redis().url);
    cli = cliFor(admin.url, FULL.token);
    readCli = cliFor(admin.url, READ.token);
  });
  afterAll(async () => admin.close());

  it('replays one dead letter as a fresh order.load job and says which', async () => {
    await admin.addDeadLetter(1, { failedAt: BASE });
    const run = await cli(['failed', 'replay', 'so-1']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe('Replayed so-1 as job so-1-r1 in orders.\n');
    expect(await orderData('so-1-r1')).toEqual(wdtOrder(1));
    expect(await isDeadLetter('so-1')).toBe(false);
  });

  it('replays with an edited order from a file or from stdin, and prints the answer unchanged with --json', async () => {
    await admin.addDeadLetter(2, { failedAt: BASE });
    await admin.addDeadLetter(3, { failedAt: BASE });
    const edited = wdtOrder(2, { nick_name: 'tb_new_customer' });
    const file = join(tmpdir(), `wdt-k3-cli-${process.pid}-order.json`);
    await writeFile(file, JSON.stringify(edited));
    const fromFile = await cli(['failed', 'replay', 'so-2', '--order-file', file]);
    expect(fromFile.stdout).toBe('Replayed so-2 as job so-2-r1 in orders (edited order).\n');
    await rm(file);
    expect(await orderData('so-2-r1')).toEqual(edited);

    const piped = wdtOrder(3, { remark: 'fixed by ops' });
    const fromStdin = await cli(['failed', 'replay', 'so-3', '--order-file', '-', '--json'], {
      stdin: JSON.stringify(piped),
    });
    expect(JSON.parse(fromStdin.stdout)).toEqual({
      id: 'so-3',
      jobId: 'so-3-r1',
      edited: true,
      deadLetterRemoved: true,
    });
    expect(await orderData('so-3-r1')).toEqual(piped);
  });

  it('exits 1 with the MAP_* issues for an order that fails validation, and replays it with --force', async () => {
    await admin.addDeadLetter(4, { failedAt: BASE, code: 'MAP_INVALID_PRICE', order: brokenOrder(4) });
    const refused = await cli(['failed', 'replay', 'so-4']);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toContain('ADMIN_VALIDATION_FAILED: the stored order fails validation');
    expect(refused.stderr).toContain(
      '  - details_list.0.sell_price: sell_price must not be negative, got -1 [MAP_INVALID_PRICE]',
    );
    expect(await isDeadLetter('so-4')).toBe(true);
    const forced = await cli(['failed', 'replay', 'so-4', '--force']);
    expect(forced.stdout).toBe('Replayed so-4 as job so-4-r1 in orders.\n');
  });

  it('exits 1 on an edit that changes the identity, and 2 on an order file that is not an order', async () => {
    await admin.addDeadLetter(5, { failedAt: BASE });
    const changed = await cli(['failed', 'replay', 'so-5', '--order-file', '-'], {
      stdin: JSON.stringify(wdtOrder(5, { order_no: 'CK-OTHER' })),
    });
    expect(changed.code).toBe(1);
    expect(changed.stderr).toContain('ADMIN_IDENTITY_CHANGED');
    expect(changed.stderr).toContain('  fields: order_no');

    const notJson = await cli(['failed', 'replay', 'so-5', '--order-file', '-'], { stdin: '{"order_no": ' });
    expect(notJson.code).toBe(2);
    expect(notJson.stderr).toMatch(/^wdt-k3: --order-file stdin is not JSON/);
    const wholeDetail = await cli(['failed', 'replay', 'so-5', '--order-file', '-'], {
      stdin: JSON.stringify({ id: 'so-5', deadLetter: { order: wdtOrder(5) } }),
    });
    expect(wholeDetail.code).toBe(2);
    expect(wholeDetail.stderr).toContain('give its order (failed show <id> --order)');
    const missing = await cli(['failed', 'replay', 'so-5', '--order-file', '/nonexistent/order.json']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('cannot read --order-file /nonexistent/order.json (ENOENT)');
    expect(await isDeadLetter('so-5')).toBe(true);
  });

  it('bulk-replays by code up to a limit, oldest first, and lists what was replayed and skipped', async () => {
    await admin.queues.failed.obliterate({ force: true });
    for (const id of [10, 11, 12]) await admin.addDeadLetter(id, { failedAt: BASE + id, code: 'K3_TIMEOUT' });
    await admin.addDeadLetter(13, { failedAt: BASE + 13, code: 'K3_TIMEOUT', order: brokenOrder(13) });
    await admin.addDeadLetter(14, { failedAt: BASE + 14, code: 'K3_BASEDATA_MISSING' });

    const preview = await cli(['failed', 'replay', '--code', 'K3_TIMEOUT', '--limit', '2', '--dry-run']);
    expect(preview.stdout).toBe('Dry run: 4 dead letters match; a replay would take 2:\n  so-10\n  so-11\n');
    expect(await admin.queues.failed.count()).toBe(5);

    const run = await cli(['failed', 'replay', '--code', 'K3_TIMEOUT', '--limit', '10']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('Matched 4: replayed 3, skipped 1, failed 0, not attempted 0.');
    expect(run.stdout).toMatch(/^\s+so-10\s+so-10-r1$/m);
    expect(run.stdout).toMatch(
      /^\s+so-13\s+ADMIN_VALIDATION_FAILED\s+MAP_INVALID_QUANTITY at details_list\.0\.goods_count; MAP_INVALID_PRICE at/m,
    );
    expect(await isDeadLetter('so-13')).toBe(true);
    expect(await isDeadLetter('so-14')).toBe(true);
    expect(await orderData('so-12-r1')).toEqual(wdtOrder(12));

    const json = await cli(['failed', 'replay', '--code', 'K3_BASEDATA_MISSING', '--limit', '5', '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({
      matched: 1,
      replayed: [{ id: 'so-14', jobId: 'so-14-r1' }],
    });
  });

  it('refuses a bulk replay without --code and --limit, and bulk options with an id, before sending anything', async () => {
    const noLimit = await cli(['failed', 'replay', '--code', 'K3_TIMEOUT']);
    expect(noLimit.code).toBe(2);
    expect(noLimit.stderr).toContain('give a dead-letter <id>, or --code and --limit to replay in bulk');
    expect(noLimit.stderr).toContain('Usage: wdt-k3 failed replay [<id>] [options]');
    const mixed = await cli(['failed', 'replay', 'so-13', '--code', 'K3_TIMEOUT']);
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toContain('--code is for bulk replays');
    const badLimit = await cli(['failed', 'replay', '--code', 'K3_TIMEOUT', '--limit', 'all']);
    expect(badLimit.code).toBe(2);
    expect(badLimit.stderr).toContain('--limit must be a whole number ≥ 1, got "all"');
    expect(await isDeadLetter('so-13')).toBe(true);
  });

  it('discards with a reason, which the audit trail keeps; without one it is a usage error', async () => {
    await admin.addDeadLetter(20, { failedAt: BASE });
    const missing = await cli(['failed', 'discard', 'so-20']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--reason is required');
    const run = await cli(['failed', 'discard', 'so-20', '--reason', 'test order, never shipped']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe('Discarded so-20.\n');
    expect(await isDeadLetter('so-20')).toBe(false);
    const [[, fields] = ['', []]] = await admin.redis.xrevrange(
      `${admin.prefix}:admin:audit`,
      '+',
      '-',
      'COUNT',
      1,
    );
    expect(fields).toContain('dead-letter.discard');
    expect(JSON.parse(fields[fields.indexOf('details') + 1] ?? '{}')).toMatchObject({
      reason: 'test order, never shipped',
    });
    const again = await cli(['failed', 'discard', 'so-20', '--reason', 'twice', '--json']);
    expect(again.code).toBe(1);
    expect(JSON.parse(again.stdout).error.code).toBe('ADMIN_NOT_FOUND');
  });

  it('refuses every write to a read-only token and changes nothing', async () => {
    await admin.addDeadLetter(30, { failedAt: BASE, code: 'K3_TIMEOUT' });
    const before = await admin.queues.orders.count();
    for (const args of [
      ['failed', 'replay', 'so-30'],
      ['failed', 'replay', '--code', 'K3_TIMEOUT', '--limit', '5'],
      ['failed', 'discard', 'so-30', '--reason', 'not ours'],
    ]) {
      const run = await readCli(args);
      expect(run.code, args.join(' ')).toBe(1);
      expect(run.stderr).toBe(
        'ADMIN_FORBIDDEN: token "grafana" is read-only (HTTP 403)\nThis needs a token with the full scope; a read token may only look.\n',
      );
    }
    expect(await isDeadLetter('so-30')).toBe(true);
    expect(await admin.queues.orders.count()).toBe(before);
  });

  it('never prints the token', () => {
    expect(allOutput.length).toBeGreaterThan(0);
    for (const text of allOutput) {
      expect(text).not.toContain(FULL.token);
      expect(text).not.toContain(READ.token);
    }
  });
});
