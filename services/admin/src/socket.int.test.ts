import type { AddressInfo } from 'node:net';
import { enqueue } from '@wdt-k3/jobs';
import { createPool, migrate, projectBatch } from '@wdt-k3/ledger';
import { createReconcileStore } from '@wdt-k3/reconcile';
import { usePostgresServer, useRedisServer } from '@wdt-k3/testkit';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mappingDryRun } from '../test/dry-run-port.ts';
import { basic, bearer, FULL, type Harness, READ, startHarness } from '../test/harness.ts';
import { deadLetter, extractedEvent, wdtOrder } from '../test/orders.ts';
import { API_ROUTES, HEALTH_ROUTES } from '../test/routes.ts';

describe('over a real socket', () => {
  const redis = useRedisServer();
  const postgres = usePostgresServer();
  let h: Harness;
  let ledger: pg.Pool;
  let base = '';
  const send = (route: (typeof API_ROUTES)[number], headers: Record<string, string>) =>
    fetch(`${base}${route.url}`, {
      method: route.method,
      redirect: 'manual',
      headers: route.body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
      ...(route.body === undefined ? {} : { body: JSON.stringify(route.body) }),
    });

  beforeAll(async () => {
    ledger = createPool({
      url: await postgres().createDatabase('admin_socket'),
      maxConnections: 2,
      statementTimeoutMs: 10_000,
      applicationName: 'admin-test',
    });
    await migrate(ledger);
    await projectBatch(
      ledger,
      [{ id: '1-0', fields: { type: 'order.extracted', data: JSON.stringify(extractedEvent(1)) } }],
      Date.now(),
    );
    h = await startHarness(redis().url, { dryRun: mappingDryRun(new Map([['CK1', wdtOrder(1)]])), ledger });
    await h.app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(h.app.server.address() as AddressInfo).port}`;
    await h.addDeadLetter(1);
    // A queued order sync for GET /sync/jobs/sync-1 to find.
    await enqueue(
      h.queues.sync,
      'syncOrders',
      { stockoutNos: ['CK1'], srcTids: [], requestedBy: 'ops', dryRun: false },
      { jobId: 'sync-1' },
    );
    // A finished reconciliation for the read routes to find (API_ROUTES reads rc-1).
    await createReconcileStore(h.redis, h.prefix).createRun(
      {
        id: 'rc-1',
        period: { from: '2024-03-01', to: '2024-03-01' },
        filter: {},
        state: 'failed',
        trigger: 'api',
        requestedBy: 'ops',
        createdAt: Date.now(),
        finishedAt: Date.now(),
        progress: { wdtPages: 0, wdtOrders: 0, k3Bills: 0 },
        summary: null,
        error: { code: 'RECONCILE_WDT_READ_FAILED', message: 'seeded for the route test' },
      },
      60_000,
    );
  });
  afterAll(async () => {
    await h.close();
    await ledger.end();
  });

  it('refuses every API route without a token and with a wrong one, with a Bearer challenge', async () => {
    for (const route of API_ROUTES) {
      const none = await send(route, {});
      expect(none.status, `${route.method} ${route.url}`).toBe(401);
      expect(none.headers.get('www-authenticate')).toBe('Bearer realm="wdt-k3-admin"');
      expect(await none.json()).toEqual({
        error: { code: 'ADMIN_UNAUTHORIZED', message: 'credentials are required' },
      });
      const wrong = await send(route, { authorization: `Bearer ${FULL.token.slice(0, -1)}x` });
      expect(wrong.status, `${route.method} ${route.url}`).toBe(401);
      expect(wrong.headers.get('www-authenticate')).toBe(
        'Bearer realm="wdt-k3-admin", error="invalid_token"',
      );
      // Basic is for the browser pages only.
      expect((await send(route, basic(FULL))).status, `${route.method} ${route.url}`).toBe(401);
    }
  });

  it('refuses a read-only token on every write route and changes nothing; lets it read', async () => {
    for (const route of API_ROUTES) {
      const res = await send(route, bearer(READ));
      if (route.write) {
        expect(res.status, `${route.method} ${route.url}`).toBe(403);
        expect(((await res.json()) as { error: unknown }).error).toEqual({
          code: 'ADMIN_FORBIDDEN',
          message: 'token "grafana" is read-only',
        });
      } else {
        expect(res.status, `${route.method} ${route.url}`).toBe(200);
      }
    }
    expect(await h.queues.failed.getJob('so-1')).toBeDefined();
    expect(await h.queues.orders.count()).toBe(0);
    expect(await h.queues.sync.count()).toBe(1); // the seeded sync-1 only
    expect(await h.queues.orders.isPaused()).toBe(false);
    expect(await h.redis.xlen(`${h.prefix}:admin:audit`)).toBe(0);
  });

  it('serves health without a token, and the board to a browser answering the Basic challenge', async () => {
    for (const path of HEALTH_ROUTES) expect([200, 503]).toContain((await fetch(`${base}${path}`)).status);
    const challenge = await fetch(`${base}/ui`, { redirect: 'manual' });
    expect(challenge.status).toBe(401);
    expect(challenge.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
    const redirect = await fetch(`${base}/ui`, { redirect: 'manual', headers: basic(READ) });
    expect(redirect.headers.get('location')).toBe('/ui/read/');
    const page = await fetch(`${base}/ui/read/`, { headers: basic(READ) });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('wdt-k3 (read-only)');
  });

  it('bulk-replays 500 dead letters into 500 fresh order.load jobs, empties the DLQ and audits each', async () => {
    await h.queues.failed.remove('so-1');
    for (let start = 1_000; start < 1_500; start += 50) {
      await Promise.all(
        Array.from({ length: 50 }, (_, offset) =>
          enqueue(h.queues.failed, 'deadLetter', deadLetter(start + offset), {
            jobId: `so-${start + offset}`,
          }),
        ),
      );
    }
    expect(await h.queues.failed.count()).toBe(500);
    const res = await fetch(`${base}/failed/replay`, {
      method: 'POST',
      headers: { ...bearer(FULL), 'content-type': 'application/json' },
      body: JSON.stringify({ filter: { code: 'K3_BASEDATA_MISSING' }, limit: 1000 }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      matched: number;
      replayed: Array<{ id: string; jobId: string }>;
      skipped: unknown[];
      failed: unknown[];
    };
    expect(body.matched).toBe(500);
    expect(body.skipped).toEqual([]);
    expect(body.failed).toEqual([]);
    const jobIds = body.replayed.map((item) => item.jobId);
    expect(new Set(jobIds).size).toBe(500);
    expect(jobIds.every((id, index) => id === `${body.replayed[index]?.id}-r1`)).toBe(true);
    expect(await h.queues.failed.count()).toBe(0);
    const jobs = await h.queues.orders.getJobs(['waiting'], 0, -1);
    expect(jobs).toHaveLength(500);
    expect(new Set(jobs.map((job) => job.id))).toEqual(new Set(jobIds));
    expect(jobs.every((job) => job.name === 'order.load' && job.data.replay?.by === 'ops')).toBe(true);
    const audit = await h.redis.xrevrange(`${h.prefix}:admin:audit`, '+', '-', 'COUNT', 1000);
    const actions = audit.map(([, fields]) => fields[fields.indexOf('action') + 1]);
    expect(actions.filter((action) => action === 'dead-letter.replay')).toHaveLength(500);
    expect(actions.filter((action) => action === 'dead-letter.bulk-replay')).toHaveLength(1);
    expect(JSON.stringify(audit)).not.toContain(FULL.token);
  });
});
