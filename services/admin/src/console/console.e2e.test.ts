import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describeCode } from '@wdt-k3/jobs';
import { waitFor } from '@wdt-k3/testkit';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  chromiumMissing,
  DESKTOP,
  external,
  horizontalOverflow,
  launchChromium,
  PHONE,
  recordRequests,
  signIn,
} from '../../test/browser.ts';
import { type LocalRunHandle, startLocalRun } from '../../test/local-run.ts';

/**
 * The console in a real browser (Debian's chromium through playwright-core) against the README's
 * local run: both simulators, the extractor, a loader, the ledger on PostgreSQL, Redis and the
 * admin as real processes. With CONSOLE_SCREENSHOTS=<dir> (`pnpm screenshots`) it also saves the
 * pages it visits, for the README.
 */
const SHOTS = process.env.CONSOLE_SCREENSHOTS;
const missing = chromiumMissing();

async function shot(page: Page, name: string): Promise<void> {
  if (SHOTS === undefined || SHOTS === '') return;
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

/** K3's own message names the missing number between Chinese quotes: …的基础资料“9.99.0002”不存在… */
const FIRING_DEAD_LETTERS = 'article.alert[data-rule="dead-letters"][data-status="firing"]';

const quotedNumber = (text: string): string | undefined => /基础资料“([^”]+)”/.exec(text)?.[1];

describe.skipIf(missing !== null)('the operator console in a real browser', () => {
  let run: LocalRunHandle;
  let browser: Browser;
  let full: BrowserContext;
  let page: Page;
  const requests: string[] = [];

  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${run.adminUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${run.fullToken}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const billsIn = async (billNo: string) => {
    const res = await fetch(`${run.k3Url}/_sim/bills?formId=SAL_OUTSTOCK&offset=0&limit=10000`);
    const page = (await res.json()) as { bills: Array<Record<string, unknown>> };
    return page.bills.filter((bill) => bill.FBillNo === billNo);
  };
  const context = async (options: Parameters<Browser['newContext']>[0] = {}) => {
    const ctx = await browser.newContext({ viewport: DESKTOP, locale: 'zh-CN', ...options });
    const urls = recordRequests(ctx);
    ctx.on('close', () => requests.push(...urls));
    return { ctx, urls };
  };
  /** Waits until the orders page says the order is in K3 (the ledger projects asynchronously). */
  const waitUntilSaved = async (orderNo: string) =>
    waitFor(
      async () => {
        await page.goto(`${run.consoleUrl}/orders?number=${orderNo}`);
        return (await page.locator('.order .badge', { hasText: '已写入金蝶' }).count()) > 0;
      },
      { description: `${orderNo} shown as saved`, timeoutMs: 90_000, intervalMs: 1_000 },
    );

  beforeAll(async () => {
    run = await startLocalRun(['--orders', '60', '--loaders', '1', '--invalid-rate', '0.3', '--seed', '3']);
    browser = await launchChromium();
    full = (await context()).ctx;
    page = await full.newPage();
  }, 480_000);
  afterAll(async () => {
    await browser?.close();
    await run?.stop();
  }, 60_000);

  it('signs in with the token the local run printed, and shows the overview of today', async () => {
    await page.goto(run.consoleUrl);
    expect(new URL(page.url()).pathname).toBe('/console/login');
    await page.locator('input[name="token"]').fill('not-the-token-but-long-enough-to-try-0123456789');
    await page.locator('form[action="/console/login"] button').click();
    await expect.poll(() => page.locator('.flash.error').textContent()).toContain('令牌不对');
    await signIn(page, run.consoleUrl, run.fullToken);
    expect(await page.locator('h1').textContent()).toBe('概览');
    // Every order of the run was read today: the ledger's counts, in zh-CN grouping.
    await expect.poll(() => page.locator('.stat').first().textContent()).toContain('60');
    expect(await page.locator('.badge', { hasText: '运行中' }).count()).toBeGreaterThan(0);
    expect(await page.locator('svg[role="img"] rect').count()).toBeGreaterThan(0);
    const cookies = await full.cookies();
    const session = cookies.find((cookie) => cookie.name === 'wdtk3_session');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/console' });
    expect(session?.value).not.toContain(run.fullToken);
    await shot(page, 'overview');
  });

  it('shows a dead letter for a missing material with its explanation; after the material is added in K3, a replay from the console saves it once', async () => {
    const code = 'K3_BASEDATA_MISSING';
    await page.goto(`${run.consoleUrl}/dead-letters`);
    const group = page.locator(`#code-${code}`);
    expect(await group.textContent()).toContain(describeCode(code, 'zh-CN').meaning);
    expect(await group.textContent()).toContain(describeCode(code, 'zh-CN').action);
    await shot(page, 'dead-letters');
    // The base data the page says is missing: every material of this code.
    const materials = (await group.locator('.chip .mono').allTextContents()).map((text) => text.trim());
    expect(materials.length).toBeGreaterThan(1);

    await page.goto(`${run.consoleUrl}/dead-letters?code=${code}`);
    await page.locator('table a[href^="/console/dead-letters/so-"]').first().click();
    await page.waitForURL(/\/console\/dead-letters\/so-\d+$/);
    const id = page.url().split('/').pop() ?? '';
    const fieldError =
      (await page.locator('h3:has-text("金蝶字段错误") + .table-wrap td').nth(1).textContent()) ?? '';
    const material = quotedNumber(fieldError);
    expect(material).toBeDefined();
    expect(materials).toContain(material);
    await expect.poll(() => page.locator('#preview').textContent()).toContain(material);
    await shot(page, 'dead-letter');
    const orderNo = String(
      ((await api('GET', `/failed/${id}`)).body.deadLetter as { order: Record<string, unknown> }).order
        .order_no,
    );
    expect(await billsIn(orderNo)).toHaveLength(0);

    const added = await fetch(`${run.k3Url}/_sim/basedata`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ materials: materials.map((number) => ({ number })) }),
    });
    expect(added.status).toBe(200);
    await page.locator('form[action$="/replay"] button').click();
    await page.waitForURL(`${run.consoleUrl}/dead-letters`);
    await expect.poll(() => page.locator('.flash.ok').textContent()).toContain(`已重放 ${id}`);

    await waitUntilSaved(orderNo);
    await expect.poll(() => page.locator('.timeline').textContent()).toContain('重放');
    await shot(page, 'order');
    expect(await billsIn(orderNo)).toHaveLength(1);
    await page.goto(`${run.consoleUrl}/audit?action=dead-letter.replay`);
    const row = page.locator('tbody tr', { hasText: id });
    expect(await row.textContent()).toContain('local');
    expect(await row.textContent()).toContain('via=console');
    await shot(page, 'audit');
  });

  it('syncs a named order from the pipeline page with a confirmation, and edits its quantity 0 before replaying it', async () => {
    // A stock-out like one that failed for a missing material (now added), with a 0 quantity.
    const listing = await api('GET', '/failed?code=K3_BASEDATA_MISSING&limit=1');
    const source = (listing.body.items as Array<{ id: string }>)[0];
    expect(source).toBeDefined();
    const detail = await api('GET', `/failed/${source?.id}`);
    const original = (detail.body.deadLetter as { order: Record<string, unknown> }).order;
    const stockoutId = Number(original.stockout_id) + 7_000_000;
    const orderNo = `${String(original.order_no)}Q`;
    const rows = (original.details_list as Array<Record<string, unknown>>).map((row, index) => ({
      ...row,
      stockout_id: stockoutId,
      rec_id: Number(row.rec_id) + 7_000_000,
      ...(index === 0 ? { goods_count: '0.0000' } : {}),
    }));
    const order = {
      ...original,
      stockout_id: stockoutId,
      order_no: orderNo,
      stockout_no: orderNo,
      details_list: rows,
    };
    const upsert = await fetch(`${run.wdtUrl}/_sim/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ orders: [order] }),
    });
    expect(upsert.status).toBe(200);

    await page.goto(`${run.consoleUrl}/pipeline`);
    await shot(page, 'pipeline');
    await page.locator('#sync textarea[name="stockoutNos"]').fill(orderNo);
    await page.locator('#sync button[type="submit"]').click();
    await expect
      .poll(() => page.locator('.confirm .what').textContent())
      .toContain(`将从旺店通读取 1 个单号：${orderNo}`);
    expect(await api('GET', `/failed/so-${stockoutId}`)).toMatchObject({ status: 404 });
    await page.getByRole('button', { name: '确认' }).click();
    await page.waitForURL(`${run.consoleUrl}/pipeline`);
    await expect.poll(() => page.locator('.flash.ok').textContent()).toContain('已排队同步任务');

    const id = `so-${stockoutId}`;
    await waitFor(async () => (await api('GET', `/failed/${id}`)).status === 200, {
      description: 'the synced order in the dead-letter queue',
      timeoutMs: 90_000,
    });
    await page.goto(`${run.consoleUrl}/dead-letters/${id}`);
    expect(await page.locator('.explain').first().textContent()).toContain(
      describeCode('MAP_INVALID_QUANTITY', 'zh-CN').title,
    );
    await page.getByRole('link', { name: '修改后重放' }).click();
    await page.waitForURL(`${run.consoleUrl}/dead-letters/${id}/edit`);
    // The identity is locked: no field for it.
    expect(await page.locator('input[name="h.order_no"], input[name="h.stockout_id"]').count()).toBe(0);
    const quantity = page.locator('input[name="r.0.goods_count"]');
    expect(await quantity.inputValue()).toBe('0.0000');
    await page.getByRole('button', { name: '检查' }).click();
    await expect
      .poll(() => page.locator('.field-error').first().textContent())
      .toContain('MAP_INVALID_QUANTITY');
    await shot(page, 'edit-check');
    expect(await api('GET', `/failed/${id}`)).toMatchObject({ status: 200 });

    await page.locator('input[name="r.0.goods_count"]').fill('2');
    await page.getByRole('button', { name: '检查' }).click();
    await expect.poll(() => page.locator('#check-result').textContent()).toContain('检查通过');
    await page.getByRole('button', { name: '按修改重放' }).click();
    await page.waitForURL(`${run.consoleUrl}/dead-letters`);
    await waitUntilSaved(orderNo);
    const [bill] = await billsIn(orderNo);
    const entries = (bill?.FEntity ?? []) as Array<{ FRealQty: number }>;
    expect(entries[0]?.FRealQty).toBe(2);
    expect(await billsIn(orderNo)).toHaveLength(1);
  });

  it('gives a read-only session no write controls, and refuses its forged post', async () => {
    const { ctx } = await context();
    const viewer = await ctx.newPage();
    const listing = await api('GET', '/failed?code=MAP_MISSING_CUSTOMER&limit=1');
    const id = (listing.body.items as Array<{ id: string }>)[0]?.id ?? '';
    // The link an alert would send: sign-in first, then back to it.
    await viewer.goto(`${run.consoleUrl}/dead-letters/${id}`);
    await viewer.locator('input[name="token"]').fill(run.readToken);
    await viewer.locator('form[action="/console/login"] button').click();
    await viewer.waitForURL(`${run.consoleUrl}/dead-letters/${id}`);
    expect(await viewer.locator('.user .badge').textContent()).toBe('只读');
    expect(
      await viewer.locator('form[action*="/replay"], form[action*="/discard"], a[href$="/edit"]').count(),
    ).toBe(0);
    await viewer.goto(`${run.consoleUrl}/dead-letters`);
    expect(await viewer.locator('a[href^="/console/dead-letters/bulk"]').count()).toBe(0);
    await viewer.goto(`${run.consoleUrl}/pipeline`);
    expect(await viewer.locator('main form[method="post"]').count()).toBe(0);
    // The one form it has (sign out) carries its CSRF token: a forged replay with it is still refused.
    const csrf = await viewer.locator('form[action="/console/logout"] input[name="_csrf"]').inputValue();
    const forged = await viewer.request.post(`${run.consoleUrl}/dead-letters/${id}/replay`, {
      form: { _csrf: csrf },
      headers: { origin: new URL(run.consoleUrl).origin },
    });
    expect(forged.status()).toBe(403);
    expect(await forged.text()).toContain('只读令牌不能执行此操作');
    const edit = await viewer.request.get(`${run.consoleUrl}/dead-letters/${id}/edit`);
    expect(edit.status()).toBe(403);
    expect(await api('GET', `/failed/${id}`)).toMatchObject({ status: 200 });
    await ctx.close();
  });

  it('refuses a post without the CSRF token, with a wrong one, and from another site', async () => {
    const listing = await api('GET', '/failed?code=MAP_MISSING_CUSTOMER&limit=1');
    const id = (listing.body.items as Array<{ id: string }>)[0]?.id ?? '';
    await page.goto(`${run.consoleUrl}/dead-letters/${id}`);
    const csrf = await page.locator('form[action$="/replay"] input[name="_csrf"]').inputValue();
    const url = `${run.consoleUrl}/dead-letters/${id}/discard`;
    const origin = new URL(run.consoleUrl).origin;
    const without = await page.request.post(url, { form: { reason: 'no token' }, headers: { origin } });
    expect(without.status()).toBe(403);
    expect(await without.text()).toContain('CSRF');
    const wrong = await page.request.post(url, {
      form: { reason: 'wrong', _csrf: `${csrf}x` },
      headers: { origin },
    });
    expect(wrong.status()).toBe(403);
    const crossSite = await page.request.post(url, {
      form: { reason: 'evil', _csrf: csrf },
      headers: { origin: 'https://evil.example' },
    });
    expect(crossSite.status()).toBe(403);
    expect(await api('GET', `/failed/${id}`)).toMatchObject({ status: 200 });
  });

  it('switches to English and back', async () => {
    await page.goto(`${run.consoleUrl}/dead-letters`);
    await page.getByRole('link', { name: 'English' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Dead letters');
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await expect
      .poll(() => page.locator('#code-MAP_MISSING_CUSTOMER').textContent())
      .toContain(describeCode('MAP_MISSING_CUSTOMER', 'en').action);
    await shot(page, 'dead-letters-en');
    await page.getByRole('link', { name: '中文' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('死信');
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
  });

  it('shows the alerter’s firing dead-letter alert with what to do, and sends a test message to the DingTalk robot', async () => {
    // The local run's alerter evaluates every 5 s; dead letters fire after the rule's 30 s.
    await waitFor(
      async () => {
        await page.goto(`${run.consoleUrl}/alerts`);
        return (await page.locator(FIRING_DEAD_LETTERS).count()) > 0;
      },
      { description: 'a firing dead-letter alert on the alerts page', timeoutMs: 120_000, intervalMs: 2_000 },
    );
    const alert = page.locator(FIRING_DEAD_LETTERS).first();
    expect(await alert.textContent()).toContain('死信');
    expect(await alert.locator('a.button.primary').getAttribute('href')).toMatch(
      /^\/console\/dead-letters\?code=/,
    );
    expect(await page.locator('#channels').textContent()).toContain('demo-dingtalk');
    await page.locator('#channels button', { hasText: '发送测试消息' }).click();
    await expect
      .poll(() => page.locator('.flash').textContent(), { timeout: 30_000 })
      .toContain('demo-dingtalk');
    expect(await page.locator('.flash').textContent()).toContain('已送达');
    await shot(page, 'alerts');
    await page.goto(run.consoleUrl);
    expect(await page.locator('section.card', { hasText: '告警' }).first().textContent()).toContain('死信');
  });

  it('shows the local run’s reconciliation with its findings, and its report downloads', async () => {
    await page.goto(`${run.consoleUrl}/reconciliations`);
    const first = page.locator('table a.mono').first();
    const id = (await first.textContent()) ?? '';
    expect(id).toMatch(/^rc-/);
    await first.click();
    await page.waitForURL(new RegExp(`/console/reconciliations/${id}$`));
    expect(await page.locator('.badge', { hasText: '完成' }).count()).toBeGreaterThan(0);
    // The dead letters of the run are missing from K3, each with its reason.
    expect(await page.locator('#items').textContent()).toContain('已进入死信队列');
    const csv = await page.request.get(`${run.consoleUrl}/reconciliations/${id}/report.csv`);
    expect(csv.status()).toBe(200);
    expect(await csv.text()).toContain('漏单');
    await shot(page, 'reconciliation');
  });

  it('renders every page at phone width without horizontal scrolling', async () => {
    const { ctx } = await context({
      viewport: PHONE,
      isMobile: true,
      hasTouch: true,
      storageState: await full.storageState(),
    });
    const phone = await ctx.newPage();
    const listing = await api('GET', '/failed?limit=1');
    const id = (listing.body.items as Array<{ id: string }>)[0]?.id ?? '';
    for (const path of [
      '',
      '/dead-letters',
      `/dead-letters/${id}`,
      `/dead-letters/${id}/edit`,
      '/orders?number=x1',
      '/pipeline',
      '/audit',
      '/alerts',
      '/reconciliations',
    ]) {
      await phone.goto(`${run.consoleUrl}${path}`);
      expect(await phone.locator('h1').count(), path).toBe(1);
      expect(await horizontalOverflow(phone), path).toBeLessThanOrEqual(0);
    }
    await phone.goto(`${run.consoleUrl}/dead-letters/${id}`);
    await shot(phone, 'phone-dead-letter');
    await ctx.close();
  });

  it('links to bull-board for engineers, where the dead-letter queue is no outage', async () => {
    const { ctx } = await context({ httpCredentials: { username: 'local', password: run.fullToken } });
    const board = await ctx.newPage();
    await signIn(board, run.consoleUrl, run.fullToken);
    await board.getByRole('link', { name: '队列（工程师）' }).click();
    await board.waitForURL(/\/ui\/full\//);
    await board.goto(`${run.adminUrl}/ui/full/queue/orders-failed`);
    // Loaded: its jobs are listed (the dead letters' ids).
    await board
      .getByText(/so-\d+/)
      .first()
      .waitFor();
    expect(await board.getByText('No workers').count()).toBe(0);
    // The same board still warns where nothing consumes a queue that should be consumed.
    const queues = await (await board.request.get(`${run.adminUrl}/ui/full/api/queues`)).json();
    const byName = Object.fromEntries(
      (queues as { queues: Array<{ name: string; hasWorkers: boolean | null }> }).queues.map((queue) => [
        queue.name,
        queue.hasWorkers,
      ]),
    );
    expect(byName).toMatchObject({ 'orders-failed': null, orders: true });
    await ctx.close();
  });

  it('loaded nothing from outside 127.0.0.1 on any page', async () => {
    await full.close();
    expect(requests.length).toBeGreaterThan(20);
    expect(requests.some((url) => url.includes('/console/assets/htmx.min.js'))).toBe(true);
    expect(requests.some((url) => url.includes('/ui/full/'))).toBe(true);
    expect(external(requests)).toEqual([]);
  });
});
