import { enqueue } from '@wdt-k3/jobs';
import { useRedisServer } from '@wdt-k3/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeForm, signInConsole } from '../../test/console-session.ts';
import { bearer, FULL, type Harness, READ, startHarness } from '../../test/harness.ts';
import { deadLetter } from '../../test/orders.ts';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

describe('the console on a real Redis: sessions, CSRF, scopes, secrets', () => {
  const redis = useRedisServer();
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(redis().url, { trustProxy: true });
  });
  afterAll(async () => h.close());

  it('sends a visitor without a session to sign-in and back to the page asked for, never elsewhere', async () => {
    const page = await h.app.inject({ method: 'GET', url: '/console/dead-letters/so-1?x=1' });
    expect(page.statusCode).toBe(303);
    expect(page.headers.location).toBe('/console/login?next=%2Fconsole%2Fdead-letters%2Fso-1%3Fx%3D1');
    const login = await h.app.inject({ method: 'GET', url: '/console/login?next=https://evil.example/' });
    expect(login.body).toContain('name="next" value="/console"');
    const other = await h.app.inject({ method: 'GET', url: '/console/login?next=/console/audit' });
    expect(other.body).toContain('name="next" value="/console/audit"');
    // The API is untouched: no session or cookie opens it.
    expect((await h.app.inject({ method: 'GET', url: '/failed' })).statusCode).toBe(401);
  });

  it('loads a link followed from another site once more from this site, where the Strict cookie is sent', async () => {
    const first = await h.app.inject({
      method: 'GET',
      url: '/console/dead-letters/so-1',
      headers: { 'sec-fetch-site': 'cross-site' },
    });
    expect(first.statusCode).toBe(200);
    expect(first.body).toContain(
      '<meta http-equiv="refresh" content="0;url=/console/dead-letters/so-1?_same_site=1">',
    );
    const again = await h.app.inject({
      method: 'GET',
      url: '/console/dead-letters/so-1?_same_site=1',
      headers: { 'sec-fetch-site': 'same-origin' },
    });
    expect(again.statusCode).toBe(303);
    const viewer = await signInConsole(h.app, READ);
    const signedIn = await viewer.get('/console/dead-letters?_same_site=1');
    expect(signedIn.statusCode).toBe(200);
  });

  it('refuses a wrong token and a sign-in form this browser did not get', async () => {
    const page = await h.app.inject({ method: 'GET', url: '/console/login' });
    const cookie = String(page.headers['set-cookie']).split(';')[0] ?? '';
    const secret = /name="_login" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
    const wrong = await h.app.inject({
      method: 'POST',
      url: '/console/login',
      headers: { ...FORM, cookie },
      payload: encodeForm({ _login: secret, token: `${FULL.token}x` }),
    });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.body).toContain('令牌不对');
    expect(String(wrong.headers['set-cookie'])).not.toContain('wdtk3_session=');
    const forged = await h.app.inject({
      method: 'POST',
      url: '/console/login',
      headers: FORM,
      payload: encodeForm({ _login: secret, token: FULL.token }),
    });
    expect(forged.statusCode).toBe(403);
  });

  it('keeps the session in an HttpOnly, SameSite=Strict cookie, Secure behind a TLS proxy, and only name and scope in Redis', async () => {
    const plain = await signInConsole(h.app, FULL);
    expect(plain.cookie).toMatch(/^wdtk3_session=[A-Za-z0-9_-]{40,}$/);
    const page = await h.app.inject({
      method: 'GET',
      url: '/console/login',
      headers: { 'x-forwarded-proto': 'https' },
    });
    const secure = String(page.headers['set-cookie']).split('; ');
    expect(secure).toEqual(expect.arrayContaining(['HttpOnly', 'Secure', 'SameSite=Strict']));
    const http = await h.app.inject({ method: 'GET', url: '/console/login' });
    expect(String(http.headers['set-cookie'])).not.toContain('Secure');
    const keys = await h.redis.keys(`${h.prefix}:console:sessions:*`);
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) {
      const value = (await h.redis.get(key)) ?? '';
      const session = JSON.parse(value) as { name: string; scope: string };
      expect([session.name, session.scope]).toEqual(
        session.name === 'ops' ? ['ops', 'full'] : ['grafana', 'read'],
      );
      expect(value).not.toContain(FULL.token);
      expect(value).not.toContain(READ.token);
      expect(key).not.toContain(plain.cookie.split('=')[1]);
    }
  });

  it('replays from the console only with the session’s CSRF token and a full scope, audited under the token’s name', async () => {
    await h.addDeadLetter(41);
    const ops = await signInConsole(h.app, FULL);
    const missing = await ops.post('/console/dead-letters/so-41/replay', {});
    expect(missing.statusCode).toBe(403);
    expect(missing.headers['content-type']).toContain('text/html');
    const wrong = await ops.post('/console/dead-letters/so-41/replay', { _csrf: `${ops.csrf}x` });
    expect(wrong.statusCode).toBe(403);
    const crossSite = await ops.post(
      '/console/dead-letters/so-41/replay',
      { _csrf: ops.csrf },
      { 'sec-fetch-site': 'cross-site' },
    );
    expect(crossSite.statusCode).toBe(403);
    const viewer = await signInConsole(h.app, READ);
    expect((await viewer.get('/console/dead-letters/so-41')).body).not.toContain('/replay"');
    const readOnly = await viewer.post('/console/dead-letters/so-41/replay', { _csrf: viewer.csrf });
    expect(readOnly.statusCode).toBe(403);
    expect(readOnly.body).toContain('只读令牌不能执行此操作');
    expect(await h.queues.failed.getJob('so-41')).toBeDefined();

    const done = await ops.post('/console/dead-letters/so-41/replay', { _csrf: ops.csrf });
    expect([done.statusCode, done.headers.location]).toEqual([303, '/console/dead-letters']);
    expect(await h.queues.orders.getJob('so-41-r1')).toBeDefined();
    expect(await h.queues.failed.getJob('so-41')).toBeUndefined();
    const flash = await ops.get('/console/dead-letters');
    expect(flash.body).toContain('已重放 so-41，新任务 so-41-r1。');
    // Once: the next page has no flash.
    expect((await ops.get('/console/dead-letters')).body).not.toContain('已重放 so-41');
    const audit = (
      await h.app.inject({ method: 'GET', url: '/audit?action=dead-letter.replay', headers: bearer(READ) })
    ).json();
    expect(audit.entries[0]).toMatchObject({
      who: 'ops',
      action: 'dead-letter.replay',
      target: 'so-41',
      details: { jobId: 'so-41-r1', edited: false, via: 'console' },
    });
  });

  it('shows an order’s one letter under any of its ids, with every run’s attempts and the replays between', async () => {
    const letter = deadLetter(42);
    await enqueue(
      h.queues.failed,
      'deadLetter',
      {
        ...letter,
        lastJobId: 'so-42-r1',
        history: [
          {
            at: letter.failedAt - 60_000,
            attempt: 1,
            code: 'K3_BASEDATA_MISSING',
            message: 'first run',
            jobId: 'so-42',
          },
          {
            at: letter.failedAt,
            attempt: 1,
            code: 'K3_BASEDATA_MISSING',
            message: 'after the replay',
            jobId: 'so-42-r1',
          },
        ],
        replays: [{ at: letter.failedAt - 30_000, by: 'lin', jobId: 'so-42-r1', edited: true }],
        replayCount: 1,
      },
      { jobId: 'so-42' },
    );
    const ops = await signInConsole(h.app, FULL);
    const page = await ops.get('/console/dead-letters/so-42-r1');
    expect(page.statusCode).toBe(200);
    const rows = page.body.slice(page.body.indexOf('尝试记录'));
    expect(rows).toContain('first run');
    expect(rows).toContain('lin 修改后重放');
    expect(rows).toContain('after the replay');
    // In time order: the first run, the replay, the replay's run.
    expect(rows.indexOf('first run')).toBeLessThan(rows.indexOf('lin 修改后重放'));
    expect(rows.indexOf('lin 修改后重放')).toBeLessThan(rows.indexOf('after the replay'));
    // Its actions act on the order's letter, so-42.
    expect(page.body).toContain('/console/dead-letters/so-42/replay');
  });

  it('refuses an edited replay that changes a locked field or nests absurdly deep, with a page, not a crash', async () => {
    await h.addDeadLetter(42);
    const ops = await signInConsole(h.app, FULL);
    const locked = await ops.post('/console/dead-letters/so-42/replay-edited', {
      _csrf: ops.csrf,
      mode: 'json',
      json: JSON.stringify({ order_no: 'CK-OTHER' }),
    });
    expect(locked.statusCode).toBe(422);
    expect(locked.body).toContain('锁定字段不能修改：order_no');
    const deep = await ops.post('/console/dead-letters/so-42/check', {
      _csrf: ops.csrf,
      mode: 'json',
      json: `${'['.repeat(50_000)}${']'.repeat(50_000)}`,
    });
    expect(deep.statusCode).toBe(422);
    expect(deep.body).toContain('nested deeper than 20 levels');
    expect(await h.queues.failed.getJob('so-42')).toBeDefined();
    expect(await h.queues.orders.count()).toBe(1);
  });

  it('ends a session on sign-out and when its token is rotated', async () => {
    const ops = await signInConsole(h.app, FULL);
    const out = await ops.post('/console/logout', { _csrf: ops.csrf });
    expect([out.statusCode, out.headers.location]).toEqual([303, '/console/login']);
    expect((await ops.get('/console')).statusCode).toBe(303);

    const viewer = await signInConsole(h.app, READ);
    expect((await viewer.get('/console')).statusCode).toBe(200);
    const rotated = await startHarness(redis().url, {
      redisPrefix: h.prefix.replace(/^\{|\}$/g, ''),
      tokens: [FULL, { ...READ, token: 'read-token-rotated-0123456789-abcdefghij' }],
    });
    try {
      expect(
        (await rotated.app.inject({ method: 'GET', url: '/console', headers: { cookie: viewer.cookie } }))
          .statusCode,
      ).toBe(303);
    } finally {
      await rotated.close();
    }
  });

  it('never shows a token: not in pages, cookies, Redis or the audit trail', async () => {
    const ops = await signInConsole(h.app, FULL);
    const bodies = await Promise.all(
      [
        '/console',
        '/console/dead-letters',
        '/console/pipeline',
        '/console/audit',
        '/console/orders?number=1',
      ].map(async (url) => (await ops.get(url)).body),
    );
    const stored = await Promise.all(
      (await h.redis.keys(`${h.prefix}:console:*`)).map(
        async (key) => `${key}=${(await h.redis.get(key)) ?? ''}`,
      ),
    );
    const audit = JSON.stringify(await h.redis.xrange(`${h.prefix}:admin:audit`, '-', '+'));
    for (const token of [FULL.token, READ.token]) {
      for (const text of [...bodies, ...stored, audit, ops.cookie]) expect(text).not.toContain(token);
    }
  });

  it('answers pages with a strict CSP and its own assets, an HTML 404, and a language switch that stays on this site', async () => {
    const ops = await signInConsole(h.app, FULL);
    const page = await ops.get('/console');
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    expect(page.headers['cache-control']).toBe('no-store');
    const htmx = /src="(\/console\/assets\/htmx\.min\.js\?v=\w+)"/.exec(page.body)?.[1] ?? '';
    const asset = await h.app.inject({ method: 'GET', url: htmx });
    expect([asset.statusCode, asset.headers['content-type']]).toEqual([
      200,
      'text/javascript; charset=utf-8',
    ]);
    expect(asset.body).toContain('htmx');
    const missing = await ops.get('/console/no-such-page');
    expect([missing.statusCode, missing.headers['content-type']]).toEqual([404, 'text/html; charset=utf-8']);
    const lang = await ops.get('/console/lang?to=en&back=https://evil.example/');
    expect([lang.statusCode, lang.headers.location]).toEqual([303, '/console']);
    expect(String(lang.headers['set-cookie'])).toContain('wdtk3_lang=en');
    const english = await ops.get('/console/pipeline', { cookie: `${ops.cookie}; wdtk3_lang=en` });
    expect(english.body).toContain('<html lang="en">');
    expect(english.body).toContain('Pause the pipeline');
  });

  it('keeps bull-board local: no Google Fonts, a CSP, and no outage warning for the dead-letter queue', async () => {
    const board = await h.app.inject({ method: 'GET', url: '/ui/full/', headers: bearer(FULL) });
    expect(board.statusCode).toBe(200);
    expect(board.body).toContain('<base href="/ui/full/" />');
    expect(board.body).not.toMatch(/fonts\.(googleapis|gstatic)\.com/);
    expect(board.headers['content-security-policy']).toContain("font-src 'self'");
    const queues = (
      await h.app.inject({ method: 'GET', url: '/ui/read/api/queues', headers: bearer(READ) })
    ).json<{
      queues: Array<{ name: string; hasWorkers: boolean | null; description: string }>;
    }>().queues;
    const dlq = queues.find((queue) => queue.name === 'orders-failed');
    expect(dlq).toMatchObject({ hasWorkers: null });
    expect(dlq?.description).toContain('/console');
    // The queues that need consumers still say when they have none.
    expect(queues.find((queue) => queue.name === 'orders')?.hasWorkers).toBe(false);
  });
});
