import { useRedisServer } from '@wdt-k3/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basic, bearer, FULL, type Harness, READ, startHarness } from '../test/harness.ts';
import { API_ROUTES, HEALTH_ROUTES, TEXT_ROUTES } from '../test/routes.ts';

describe('OpenAPI docs and bull-board', () => {
  const redis = useRedisServer();
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness(redis().url);
    await h.addDeadLetter(1);
  });
  afterAll(async () => h.close());

  it('documents exactly the API and health routes, each with a summary, and none of the UI', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/docs/json', headers: bearer(READ) });
    expect(res.statusCode).toBe(200);
    const spec = res.json<{ paths: Record<string, Record<string, { summary?: string }>> }>();
    const documented = Object.entries(spec.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => {
        expect(operation.summary, `${method} ${path}`).toBeTruthy();
        return `${method.toUpperCase()} ${path}`;
      }),
    );
    const expected = [
      ...API_ROUTES.map((route) => `${route.method} ${route.path}`),
      ...HEALTH_ROUTES.map((path) => `GET ${path}`),
    ];
    expect(documented.sort()).toEqual(expected.sort());
    expect(JSON.stringify(spec.paths['/failed/{id}/replay'])).toContain('force');
  });

  it('documents the answer of every JSON route, and the one error body', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/docs/json', headers: bearer(READ) });
    type Operation = { responses?: Record<string, { content?: Record<string, { schema?: unknown }> }> };
    const spec = res.json<{ paths: Record<string, Record<string, Operation>> }>();
    const text = new Set<string>(TEXT_ROUTES);
    for (const [path, methods] of Object.entries(spec.paths)) {
      for (const [method, operation] of Object.entries(methods)) {
        const name = `${method.toUpperCase()} ${path}`;
        if (text.has(name)) continue;
        const success = operation.responses?.['200'] ?? operation.responses?.['202'];
        const ok = success?.content?.['application/json']?.schema;
        expect(ok, `${name} documents its 2xx answer`).toMatchObject({ type: 'object' });
        if (!path.startsWith('/health/')) {
          const error = JSON.stringify(operation.responses?.['4XX'] ?? operation.responses?.['4xx'] ?? null);
          expect(error, `${name} documents the error body`).toContain('"code"');
        }
      }
    }
    const detail = JSON.stringify(spec.paths['/failed/{id}']?.get?.responses?.['200']);
    expect(detail).toContain('fieldErrors');
  });

  it('serves the docs UI to a browser that answers the Basic challenge', async () => {
    const challenge = await h.app.inject({ method: 'GET', url: '/docs' });
    expect(challenge.statusCode).toBe(401);
    expect(challenge.headers['www-authenticate']).toBe('Basic realm="wdt-k3-admin", charset="UTF-8"');
    const page = await h.app.inject({ method: 'GET', url: '/docs', headers: basic(READ) });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('swagger');
    const wrongName = await h.app.inject({
      method: 'GET',
      url: '/docs/json',
      headers: basic({ ...READ, name: 'ops' }),
    });
    expect(wrongName.statusCode).toBe(401);
  });

  it('sends each scope to its own board; read tokens never reach the writable one', async () => {
    const toRead = await h.app.inject({ method: 'GET', url: '/ui', headers: basic(READ) });
    expect([toRead.statusCode, toRead.headers.location]).toEqual([302, '/ui/read/']);
    const toFull = await h.app.inject({ method: 'GET', url: '/ui/', headers: bearer(FULL) });
    expect([toFull.statusCode, toFull.headers.location]).toEqual([302, '/ui/full/']);
    const forbidden = await h.app.inject({ method: 'GET', url: '/ui/full/api/queues', headers: basic(READ) });
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json().error.code).toBe('ADMIN_FORBIDDEN');
    const board = await h.app.inject({ method: 'GET', url: '/ui/read/', headers: basic(READ) });
    expect(board.statusCode).toBe(200);
    expect(board.body).toContain('<base href="/ui/read/" />');
  });

  it('shows every queue read-only on the read board, and the DLQ read-only on both', async () => {
    const readOnly = async (url: string) => {
      const res = await h.app.inject({ method: 'GET', url, headers: bearer(FULL) });
      const queues = res.json<{ queues: Array<{ name: string; readOnlyMode: boolean }> }>().queues;
      return Object.fromEntries(queues.map((queue) => [queue.name, queue.readOnlyMode]));
    };
    expect(await readOnly('/ui/read/api/queues')).toEqual({
      'wdt-sync': true,
      'wdt-pages': true,
      orders: true,
      'orders-failed': true,
      reconcile: true,
    });
    expect(await readOnly('/ui/full/api/queues')).toEqual({
      'wdt-sync': false,
      'wdt-pages': false,
      orders: false,
      'orders-failed': true,
      reconcile: false,
    });
  });

  it('lets a full token act on the writable board and audits it; refuses actions on the read board', async () => {
    const pause = await h.app.inject({
      method: 'PUT',
      url: '/ui/full/api/queues/orders/pause',
      headers: basic(FULL),
    });
    expect(pause.statusCode).toBe(200);
    expect(await h.queues.orders.isPaused()).toBe(true);
    const audit = (
      await h.app.inject({ method: 'GET', url: '/audit?limit=1', headers: bearer(READ) })
    ).json();
    expect(audit.entries[0]).toMatchObject({
      who: 'ops',
      action: 'ui.write',
      target: '/ui/full/api/queues/orders/pause',
      details: { method: 'PUT', status: 200 },
    });
    await h.queues.orders.resume();
    const readToken = await h.app.inject({
      method: 'PUT',
      url: '/ui/read/api/queues/orders/pause',
      headers: basic(READ),
    });
    expect(readToken.statusCode).toBe(403);
    const readBoard = await h.app.inject({
      method: 'PUT',
      url: '/ui/read/api/queues/orders/pause',
      headers: basic(FULL),
    });
    expect(readBoard.statusCode).toBe(405);
    const emptyDlq = await h.app.inject({
      method: 'PUT',
      url: '/ui/full/api/queues/orders-failed/empty',
      headers: basic(FULL),
    });
    expect(emptyDlq.statusCode).toBe(405);
    expect(await h.queues.orders.isPaused()).toBe(false);
    expect(await h.queues.failed.getJob('so-1')).toBeDefined();
  });

  it('refuses a cross-site write that rides on browser Basic credentials', async () => {
    const headers = { ...basic(FULL), host: 'admin.internal:4100' };
    const crossSite = await h.app.inject({
      method: 'POST',
      url: '/ui/full/api/queues/orders/add',
      headers: { ...headers, origin: 'https://evil.example', 'content-type': 'application/json' },
      payload: { name: 'order.load', data: {} },
    });
    expect(crossSite.statusCode).toBe(403);
    expect(crossSite.json().error).toEqual({
      code: 'ADMIN_FORBIDDEN',
      message: 'cross-site writes are refused',
    });
    const fetchMeta = await h.app.inject({
      method: 'PUT',
      url: '/ui/full/api/queues/orders/pause',
      headers: { ...headers, 'sec-fetch-site': 'cross-site' },
    });
    expect(fetchMeta.statusCode).toBe(403);
    const sameSite = await h.app.inject({
      method: 'PUT',
      url: '/ui/full/api/queues/orders/resume',
      headers: { ...headers, origin: 'http://admin.internal:4100' },
    });
    expect(sameSite.statusCode).toBe(200);
    expect(await h.queues.orders.count()).toBe(0);
  });

  it('answers unknown routes and oversized bodies in the one error shape', async () => {
    const unknown = await h.app.inject({ method: 'GET', url: '/nothing/here?x=1', headers: bearer(READ) });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toEqual({
      error: { code: 'ADMIN_NOT_FOUND', message: 'no route GET /nothing/here' },
    });
    const big = await h.app.inject({
      method: 'POST',
      url: '/failed/so-1/replay',
      headers: bearer(FULL),
      payload: { order: { remark: 'x'.repeat(3 * 1024 * 1024) } },
    });
    expect(big.statusCode).toBe(413);
    expect(big.json().error.code).toBe('ADMIN_PAYLOAD_TOO_LARGE');
    expect(await h.queues.failed.getJob('so-1')).toBeDefined();
  });
});
