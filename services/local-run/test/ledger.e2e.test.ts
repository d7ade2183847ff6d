import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openQueues, orderKeyOf, type PipelineQueues } from '@wdt-k3/jobs';
import {
  createRedis,
  parseConfig,
  type RedisConnection,
  redisEnvSchema,
  toRedisSettings,
} from '@wdt-k3/runtime';
import { createDataset, type Dataset } from '@wdt-k3/sim-data';
import { jsonControl, usePostgresServer, useRedisServer, waitFor } from '@wdt-k3/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Fleet } from '../src/fleet.ts';
import { parseOptions } from '../src/options.ts';
import { k3BillNumbers } from '../src/reconcile.ts';
import { type Endpoints, startServices } from '../src/services.ts';

interface LedgerOrder {
  orderKey: string;
  state: string;
  lastCode: string | null;
  changedFields: Array<{ field: string; saved: unknown; now: unknown }> | null;
  timeline: Array<{ type: string }>;
}

/**
 * The ledger's promises, end to end (issue 13, Deliver 4), as a user meets them: the whole
 * pipeline as real processes, then re-reads of every order after their jobs were removed from
 * the queue (what BullMQ's retention does after days) — each bullet a concrete order.
 */
describe('the order ledger in a running pipeline', () => {
  const redis = useRedisServer();
  const postgres = usePostgresServer();
  const runDir = mkdtempSync(join(tmpdir(), 'wdtk3-ledger-'));
  const fleet = new Fleet(runDir);
  const options = parseOptions(['--orders', '300', '--invalid-rate', '0.06', '--loaders', '1'], {});
  const toMs = Math.floor((Date.now() - 5 * 60_000) / 60_000) * 60_000;
  const window = { fromMs: toMs - 86_400_000, toMs };
  const dataset: Dataset = createDataset({
    seed: options.seed,
    count: options.orders,
    fromMs: window.fromMs,
    toMs: window.toMs,
    shape: { unknownMaterialRate: 0.03, missingCustomerRate: 0.03 },
  });
  let endpoints: Endpoints;
  let producer: RedisConnection;
  let queues: PipelineQueues;
  let admin: <T = Record<string, unknown>>(method: string, path: string, body?: unknown) => Promise<T>;

  beforeAll(async () => {
    endpoints = await startServices(
      fleet,
      options,
      redis().url,
      'ledger',
      runDir,
      window,
      await postgres().createDatabase('ledger_e2e'),
    );
    producer = createRedis(
      toRedisSettings(parseConfig(redisEnvSchema, { REDIS_URL: redis().url, REDIS_PREFIX: 'ledger' })),
      'producer',
      'ledger-e2e',
    );
    queues = openQueues(producer, '{ledger}');
    const token = readFileSync(endpoints.adminTokenFile, 'utf8').trim();
    admin = async (method, path, body) => {
      const res = await fetch(`${endpoints.adminUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const json = (await res.json()) as never;
      if (!res.ok)
        throw Object.assign(new Error(`${method} ${path} → ${res.status} ${JSON.stringify(json)}`), {
          status: res.status,
        });
      return json;
    };
  }, 120_000);
  afterAll(async () => {
    await Promise.allSettled(Object.values(queues ?? {}).map((queue) => queue.close()));
    producer?.disconnect();
    await fleet.stop(['extractor', 'loader', 'admin', 'ledger'], 10_000);
    if (process.env.KEEP === undefined) rmSync(runDir, { recursive: true, force: true });
  });

  const order = (key: string) => admin<LedgerOrder>('GET', `/orders/${key}`);
  const counts = () => admin<{ byState: Record<string, number> }>('GET', '/ledger/counts');
  const settled = async (what: string): Promise<void> => {
    await waitFor(
      async () => {
        const waiting = await queues.orders.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
        const lag = await producer.xlen('{ledger}:events');
        return Object.values(waiting).every((n) => n === 0) && lag <= 1;
      },
      { timeoutMs: 120_000, intervalMs: 250, description: what },
    );
  };
  const keyOf = (index: number): string => `so-${dataset.orderAt(index).stockout_id}`;

  it('records every order once, re-reads without losing, reloading or inventing anything', async () => {
    await waitFor(
      async () => {
        const { byState } = await counts();
        return (byState.saved ?? 0) + (byState.dead ?? 0) === dataset.count;
      },
      { timeoutMs: 120_000, intervalMs: 500, description: 'every order saved or dead in the ledger' },
    );
    const dead = await queues.failed.getJobs(['wait'], 0, -1);
    const deadByCode = (code: string) =>
      dead.filter((job) => job.data.error.code === code).map((job) => String(job.id));
    const missingCustomer = deadByCode('MAP_MISSING_CUSTOMER');
    const missingMaterial = deadByCode('K3_BASEDATA_MISSING');
    expect(missingCustomer.length).toBeGreaterThan(1);
    expect(missingMaterial.length).toBeGreaterThan(1);
    const bills = await k3BillNumbers(endpoints.k3Url);
    expect(bills.size).toBe(dataset.count - dead.length);
    expect((await counts()).byState.saved).toBe(bills.size);

    // An edited replay: the customer filled in.
    const edited = missingCustomer[0] as string;
    const { deadLetter: letter } = await admin<{ deadLetter: { order: Record<string, unknown> } }>(
      'GET',
      `/failed/${edited}`,
    );
    // Any customer K3 knows (the sales order of an order without a nick has none either).
    const customer = dataset.catalog.customers[0]?.nick;
    await admin('POST', `/failed/${edited}/replay`, {
      order: { ...letter.order, nick_name: customer },
    });
    // A discard.
    const discarded = missingMaterial[0] as string;
    await admin('DELETE', `/failed/${discarded}`, { reason: 'test order, never shipped' });
    await waitFor(async () => (await order(edited)).state === 'saved', {
      timeoutMs: 60_000,
      description: 'the replay saved',
    });

    // WDT changes two saved orders after their save: one's remark, one beyond validation.
    const savedIndexes = Array.from({ length: dataset.count }, (_, i) => i).filter((i) =>
      bills.has(dataset.orderAt(i).order_no),
    );
    const [remarked, broken] = savedIndexes as [number, number];
    const wdt = jsonControl(endpoints.wdtUrl);
    const now = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');
    await wdt('POST', '/_sim/orders', [
      { ...dataset.orderAt(remarked), remark: '改送公司前台', modified: now },
      { ...dataset.orderAt(broken), details_list: [], modified: now },
    ]);
    // A second stock-out carrying a saved order's number.
    const twin = { ...dataset.orderAt(savedIndexes[2] as number), stockout_id: 88_000_001, modified: now };
    await wdt('POST', '/_sim/orders', [twin]);

    // What days of retention do: every finished job gone from the queue.
    await queues.orders.clean(0, 100_000, 'completed');
    const backfill = await admin<{ jobId: string }>('POST', '/sync/backfill', {
      from: new Date(window.fromMs).toISOString(),
      to: new Date(window.toMs).toISOString(),
    });
    await admin('POST', '/sync/orders', {
      stockoutNos: [
        String(dataset.orderAt(Number(discarded.slice(3)) - dataset.stockoutIdRange[0]).order_no),
      ],
    });
    await waitFor(async () => ((await order('so-88000001').catch(() => undefined))?.state ?? '') === 'dead', {
      timeoutMs: 120_000,
      description: 'the twin dead-lettered',
    });
    await settled('the backfill loaded');
    await waitFor(async () => (await queues.sync.getJob(`commit-bf-${backfill.jobId}`))?.isCompleted(), {
      timeoutMs: 120_000,
      description: 'the backfill committed',
    });
    await settled('the backfill loaded');
    // The loader's done records, not retained jobs, told the re-read what was done: of the saved
    // orders only those WDT changed (and the edited replay's unedited original, which the ledger
    // knows is no change) were loaded again, each as a recheck.
    const reloaded = (await queues.orders.getJobs(['completed'], 0, -1)).map((job) => String(job.id));
    expect(new Set(reloaded.map(orderKeyOf))).toEqual(new Set([keyOf(remarked), keyOf(broken), edited]));
    expect(reloaded.every((id) => /-c[0-9a-f]{12}$/.test(id))).toBe(true);

    // Re-reads found every saved bill: nothing was saved twice, nothing dead-lettered again.
    const after = await k3BillNumbers(endpoints.k3Url);
    expect([...after.values()].every((n) => n === 1)).toBe(true);
    expect(after.size).toBe(bills.size + 1);
    const lettersAfter = await queues.failed.getJobs(['wait'], 0, -1);
    const deadAfter = lettersAfter.map((job) => String(job.id)).sort();
    // The backfill read every dead-lettered order again and sent none of them: same letters, same failure.
    const failedAt = new Map(dead.map((job) => [String(job.id), job.data.failedAt]));
    for (const job of lettersAfter)
      if (failedAt.has(String(job.id))) expect(job.data.failedAt).toBe(failedAt.get(String(job.id)));
    const expected = dead
      .map((job) => String(job.id))
      .filter((id) => id !== edited && id !== discarded)
      .concat('so-88000001')
      .sort();
    expect(deadAfter).toEqual(expected);

    expect(await order(edited)).toMatchObject({ state: 'saved' });
    expect(await order(discarded)).toMatchObject({ state: 'discarded' });
    expect(await queues.orders.getJob(discarded)).toBeUndefined();
    const changed = await order(keyOf(remarked));
    expect(changed.state).toBe('changed');
    expect(changed.changedFields).toEqual([{ field: 'FNote', saved: '', now: '改送公司前台' }]);
    expect(await order(keyOf(broken))).toMatchObject({ state: 'changed' });
    expect((await order('so-88000001')).lastCode).toBe('LOADER_BILL_NUMBER_TAKEN');
    const [found] = (
      await admin<{ orders: LedgerOrder[] }>(
        'GET',
        `/orders?number=${dataset.orderAt(remarked).logistics_no}`,
      )
    ).orders;
    expect(found?.orderKey).toBe(keyOf(remarked));
    expect(found?.timeline.map((entry) => entry.type)).toContain('order.saved');

    // Undiscard: the order is synced again, and (its material still missing) dead-lettered again.
    const undiscarded = await admin('POST', `/orders/${discarded}/undiscard`, {
      reason: 'the customer says it shipped',
    });
    expect(undiscarded).toMatchObject({ resynced: expect.any(String) });
    await waitFor(async () => (await order(discarded)).state === 'dead', {
      timeoutMs: 60_000,
      description: `the undiscarded order back (${JSON.stringify(undiscarded)}; sync queue ${JSON.stringify(await queues.sync.getJobCounts())})`,
    });
    expect(await queues.failed.getJob(discarded)).toBeDefined();
  });
});
