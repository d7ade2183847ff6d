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
const ORDERS = 300;

/**
 * Dead letters replayed through the admin API while the same orders' original jobs are still
 * being retried (the orders were re-extracted after they were dead-lettered), into a K3 account
 * whose numbering rule allows duplicate FBillNo: the replay and its original race through two
 * loader processes, and only the loaders' claims keep it to one bill per order (with
 * LOADER_BILL_CLAIMS=false this test saw 180 of its 300 orders saved twice).
 */
describe('replays racing their originals through two loaders', () => {
  const redis = useRedisServer();
  let k3: K3SimApp | undefined;
  const loaders: ManagedProcess[] = [];
  let admin: Harness | undefined;
  afterAll(async () => {
    await Promise.all(loaders.map((loader) => loader.stop(5_000)));
    await admin?.close();
    await k3?.close();
  });

  it('lands one bill per order', async () => {
    const data = createDataset({ seed: 71, count: ORDERS, fromMs: FROM_MS, toMs: FROM_MS + 7 * 86_400_000 });
    k3 = buildK3SimApp({ credentials: simCredentials(SIM), datasets: [data], uniqueBillNo: false });
    await k3.listen({ host: '127.0.0.1', port: 0 });
    const k3Url = `http://127.0.0.1:${(k3.server.address() as AddressInfo).port}`;
    const faults = async (body: unknown): Promise<void> => {
      const res = await fetch(`${k3Url}/_sim/faults`, { method: 'PUT', body: JSON.stringify(body) });
      expect(res.status).toBe(200);
    };
    const prefix = uniquePrefix('race');
    admin = await startHarness(redis().url, { redisPrefix: prefix });
    await admin.app.listen({ host: '127.0.0.1', port: 0 });
    const api = `http://127.0.0.1:${(admin.app.server.address() as AddressInfo).port}`;
    const queues = admin.queues;

    // The orders failed for good in an earlier run: their dead letters wait for a replay.
    const orders = Array.from({ length: ORDERS }, (_, index) => data.orderAt(index));
    for (const order of orders) {
      await admin.addDeadLetter(Number(order.stockout_id), { order, code: 'K3_TIMEOUT' });
    }
    // Every BatchSave fails for now, so the re-extracted originals are being retried.
    await faults({ http5xx: { services: ['BatchSave'] } });
    for (const env of ['loader-1', 'loader-2']) {
      const loader = startProcess(process.execPath, [LOADER_MAIN], {
        name: env,
        env: {
          REDIS_URL: redis().url,
          REDIS_PREFIX: prefix,
          K3_BASE_URL: `${k3Url}/k3cloud/`,
          K3_AUTH_KIND: 'signature',
          K3_ACCT_ID: SIM.K3_SIM_ACCT_ID,
          K3_USERNAME: SIM.K3_SIM_USERNAME,
          K3_APP_ID: SIM.K3_SIM_APP_ID,
          K3_APP_SECRET: SIM.K3_SIM_APP_SECRET,
          K3_REQUEST_TIMEOUT_MS: '10000',
          LOADER_CLAIM_TTL_MS: '25000',
          LOADER_BATCH_SIZE: '25',
          LOADER_BATCH_WAIT_MS: '20',
          OPS_PORT: '0',
          LOG_LEVEL: 'info',
        },
      });
      loaders.push(loader);
      await loader.waitForLine(/"msg":"loader started"/, 60_000);
    }
    for (const order of orders) {
      await enqueue(
        queues.orders,
        'orderLoad',
        { order, source: { runId: 'e2e', kind: 'incremental', pageNo: 0, fetchedAt: FROM_MS } },
        { jobId: orderJobId(order), attempts: 50, backoff: { type: 'fixed', delay: 300 } },
      );
    }
    await waitFor(
      async () => {
        const jobs = await queues.orders.getJobs(['delayed', 'waiting', 'active']);
        return jobs.length === ORDERS && jobs.every((job) => job.attemptsMade >= 1);
      },
      { timeoutMs: 60_000, description: 'every original failed once and is being retried' },
    );

    // K3 recovers, slowly (a BatchSave of 25 takes 2.5 s): retries and replays meet in flight.
    await faults({ latency: { perCallMs: 20, perBillMs: 100 } });
    const res = await fetch(`${api}/failed/replay`, {
      method: 'POST',
      headers: { ...bearer(FULL), 'content-type': 'application/json' },
      body: JSON.stringify({ limit: 1000 }),
    });
    const replay = (await res.json()) as { replayed: unknown[]; skipped: unknown[]; failed: unknown[] };
    expect(res.status).toBe(200);
    // Originals that saved before their replay was issued took their dead letter with them.
    expect(replay.failed).toEqual([]);
    expect(replay.replayed.length).toBeGreaterThan(ORDERS / 2);
    expect(replay.replayed.length + replay.skipped.length).toBe(ORDERS);

    await waitFor(
      async () => {
        const counts = await queues.orders.getJobCounts(
          'completed',
          'waiting',
          'active',
          'delayed',
          'failed',
        );
        return counts.completed === ORDERS + replay.replayed.length && counts.failed === 0;
      },
      { timeoutMs: 240_000, intervalMs: 250, description: 'every original and every replay completed' },
    );
    const bills: Array<{ FBillNo?: unknown }> = [];
    for (let offset = 0; ; offset += 1000) {
      const page = (await (
        await fetch(`${k3Url}/_sim/bills?formId=SAL_OUTSTOCK&offset=${offset}&limit=1000`)
      ).json()) as { bills: Array<{ FBillNo?: unknown }> };
      bills.push(...page.bills);
      if (page.bills.length < 1000) break;
    }
    const perOrder = orders.map((order) => bills.filter((bill) => bill.FBillNo === order.order_no).length);
    expect(perOrder.filter((count) => count !== 1)).toEqual([]);
    expect(bills).toHaveLength(ORDERS);
    expect(await queues.failed.count()).toBe(0);
  }, 360_000);
});
