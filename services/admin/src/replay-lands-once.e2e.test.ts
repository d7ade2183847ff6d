import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { enqueue, orderJobId } from '@wdt-k3/jobs';
import {
  buildK3SimApp,
  type K3SimApp,
  loadConfig as loadSimConfig,
  simCredentials,
} from '@wdt-k3/k3cloud-sim';
import { createDataset } from '@wdt-k3/sim-data';
import { type ManagedProcess, startProcess, uniquePrefix, useRedisServer, waitFor } from '@wdt-k3/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { bearer, FULL, type Harness, startHarness } from '../test/harness.ts';

const LOADER_MAIN = fileURLToPath(new URL('./main.ts', import.meta.resolve('@wdt-k3/loader')));
const SIM = loadSimConfig({});
const FROM_MS = Date.UTC(2026, 9, 1);
const NEW_CUSTOMER = 'e2e-customer-not-yet-in-k3';

describe('an order that failed for missing base data, replayed through the admin API', () => {
  const redis = useRedisServer();
  let k3: K3SimApp | undefined;
  let loader: ManagedProcess | undefined;
  let admin: Harness | undefined;
  afterAll(async () => {
    await loader?.stop(5_000);
    await admin?.close();
    await k3?.close();
  });

  it('fails again while the customer is missing (one letter, one history), then lands in K3 exactly once', async () => {
    const data = createDataset({ seed: 41, count: 3, fromMs: FROM_MS, toMs: FROM_MS + 7 * 86_400_000 });
    k3 = buildK3SimApp({
      credentials: simCredentials(SIM),
      datasets: [data],
    });
    await k3.listen({ host: '127.0.0.1', port: 0 });
    const k3Url = `http://127.0.0.1:${(k3.server.address() as AddressInfo).port}`;
    const prefix = uniquePrefix('e2e').replace(/[^A-Za-z0-9_-]/g, '');

    loader = startProcess(process.execPath, [LOADER_MAIN], {
      name: 'loader',
      env: {
        REDIS_URL: redis().url,
        REDIS_PREFIX: prefix,
        K3_BASE_URL: `${k3Url}/k3cloud/`,
        K3_AUTH_KIND: 'signature',
        K3_ACCT_ID: SIM.K3_SIM_ACCT_ID,
        K3_USERNAME: SIM.K3_SIM_USERNAME,
        K3_APP_ID: SIM.K3_SIM_APP_ID,
        K3_APP_SECRET: SIM.K3_SIM_APP_SECRET,
        LOADER_BATCH_WAIT_MS: '20',
        OPS_PORT: '0',
        LOG_LEVEL: 'info',
      },
    });
    await loader.waitForLine(/"msg":"loader started"/, 60_000);
    admin = await startHarness(redis().url, { redisPrefix: prefix });
    await admin.app.listen({ host: '127.0.0.1', port: 0 });
    const api = `http://127.0.0.1:${(admin.app.server.address() as AddressInfo).port}`;
    const call = async (method: string, path: string) => {
      const res = await fetch(`${api}${path}`, { method, headers: bearer(FULL) });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    const billsFor = async (billNo: unknown): Promise<number> => {
      const res = await fetch(`${k3Url}/_sim/bills?formId=SAL_OUTSTOCK&offset=0&limit=1000`);
      const page = (await res.json()) as { bills: Array<{ FBillNo?: unknown }> };
      return page.bills.filter((bill) => bill.FBillNo === billNo).length;
    };

    // A real order of the shared dataset whose buyer K3 does not know yet.
    const order = { ...data.orderAt(0), nick_name: NEW_CUSTOMER };
    const id = orderJobId(order);
    await enqueue(
      admin.queues.orders,
      'orderLoad',
      { order, source: { runId: 'e2e', kind: 'backfill', pageNo: 0, fetchedAt: FROM_MS } },
      { jobId: id },
    );

    const listed = await waitFor(
      async () => {
        const { body } = await call('GET', '/failed');
        return (body.items as unknown[]).length === 1 ? body : null;
      },
      { description: 'the order in the dead-letter queue', timeoutMs: 60_000 },
    );
    expect(listed.items).toEqual([expect.objectContaining({ id, code: 'K3_BASEDATA_MISSING' })]);
    const detail = await call('GET', `/failed/${id}`);
    expect(JSON.stringify(detail.body)).toContain(NEW_CUSTOMER);
    expect(await billsFor(order.order_no)).toBe(0);

    // Replayed before the customer exists: the replay fails again. Its dead letter is the
    // order's one letter, under the base id, with both runs and the replay between them.
    const tooEarly = await call('POST', `/failed/${id}/replay`);
    expect(tooEarly.body).toMatchObject({ id, jobId: `${id}-r1`, deadLetterRemoved: true });
    const again = await waitFor(
      async () => {
        const { status, body } = await call('GET', `/failed/${id}`);
        const letter = body.deadLetter as { replayCount?: number } | undefined;
        return status === 200 && letter?.replayCount === 1 ? body : null;
      },
      { description: 'the replay dead-lettered again under the base id', timeoutMs: 60_000 },
    );
    expect((await call('GET', '/failed')).body.items).toEqual([
      expect.objectContaining({ id, code: 'K3_BASEDATA_MISSING' }),
    ]);
    const letter = again.deadLetter as {
      originalJobId: string;
      lastJobId: string;
      history: Array<{ jobId: string; code: string }>;
      replays: Array<{ by: string; jobId: string; edited: boolean }>;
    };
    expect({ originalJobId: letter.originalJobId, lastJobId: letter.lastJobId }).toEqual({
      originalJobId: id,
      lastJobId: `${id}-r1`,
    });
    expect([...new Set(letter.history.map((entry) => entry.jobId))]).toEqual([id, `${id}-r1`]);
    expect(letter.history.every((entry) => entry.code === 'K3_BASEDATA_MISSING')).toBe(true);
    expect(letter.replays).toEqual([
      expect.objectContaining({ by: 'ops', jobId: `${id}-r1`, edited: false }),
    ]);
    // The replay's id answers the same letter instead of a bare 404.
    const byReplayId = await call('GET', `/failed/${id}-r1`);
    expect(byReplayId.status).toBe(200);
    expect(byReplayId.body).toMatchObject({ id, requestedId: `${id}-r1`, deadLetter: again.deadLetter });

    const added = await fetch(`${k3Url}/_sim/basedata`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ customers: [{ number: NEW_CUSTOMER }] }),
    });
    expect(added.status).toBe(200);

    // Replayed by the replay's id: the same order, its next replay id.
    const replayed = await call('POST', `/failed/${id}-r1/replay`);
    expect(replayed).toEqual({
      status: 200,
      body: { id, jobId: `${id}-r2`, edited: false, deadLetterRemoved: true },
    });
    await waitFor(async () => (await admin?.queues.orders.getJobState(`${id}-r2`)) === 'completed', {
      description: 'the replay to complete',
      timeoutMs: 60_000,
    });
    expect(await billsFor(order.order_no)).toBe(1);
    expect((await call('GET', '/failed')).body.total).toBe(0);
    // Once gone, the dead letter cannot be replayed a second time.
    expect((await call('POST', `/failed/${id}/replay`)).status).toBe(404);
    expect((await call('GET', `/failed/${id}-r1`)).status).toBe(404);
    expect(await billsFor(order.order_no)).toBe(1);
  });
});
