/**
 * Reconciliation's figures (issue 17), printed, not asserted: a one-day period of N orders
 * (default 100,000) against both simulators at zero latency — time, peak RSS of the process that
 * runs the extractor's page worker and the reconciler (both here), Redis' peak memory, the WDT
 * calls the run needed, and what those calls take under WDT's real 60 calls a minute (computed
 * from the calls, not waited for). The bench checks its own result: WDT N, K3 N, nothing found.
 * Run: node services/reconciler/bench/reconcile.bench.ts [orders=100000]
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QUEUES } from '@wdt-k3/jobs';
import { createK3CloudClient } from '@wdt-k3/k3cloud-client';
import { loadConfig as loadK3SimConfig, simCredentials } from '@wdt-k3/k3cloud-sim';
import { Fleet } from '@wdt-k3/local-run';
import { DEFAULT_MAPPING_PROFILE, mapStockoutToSalOutstock, parseWdtStockoutOrder } from '@wdt-k3/mapping';
import { createReconcileStore, type RunRecord, startReconciliation, summaryLine } from '@wdt-k3/reconcile';
import { createRedis, parseBeijingTime, parseConfig, redisEnvSchema, toRedisSettings } from '@wdt-k3/runtime';
import { createDataset } from '@wdt-k3/sim-data';
import { findFreePort, jsonControl, startRedisServer, waitFor } from '@wdt-k3/testkit';
import { FlowProducer, Queue } from 'bullmq';

const orders = Number(process.argv[2] ?? 100_000);
const DAY = '2026-11-30';
const fromMs = parseBeijingTime(`${DAY} 00:00:00`) as number;
const toMs = fromMs + 86_400_000;
const WDT = { appKey: 'bench-key', appSecret: 'bench-secret', sid: 'bench' };
const K3 = simCredentials(loadK3SimConfig({}));
const mib = (bytes: number): string => `${(bytes / 1048576).toFixed(0)} MiB`;

const redisServer = await startRedisServer({ appendOnly: false });
const runDir = mkdtempSync(join(tmpdir(), 'wdtk3-reconcile-bench-'));
const fleet = new Fleet(runDir);
const [wdtPort, k3Port] = [await findFreePort(), await findFreePort()];
const seedEnv = {
  WDT_SIM_SEED: '1',
  WDT_SIM_ORDERS: String(orders),
  WDT_SIM_FROM: String(fromMs),
  WDT_SIM_TO: String(toMs),
};
await fleet.start(
  'wdt-sim',
  'wdt-sim',
  {
    ...seedEnv,
    WDT_SIM_PORT: String(wdtPort),
    WDT_SIM_APP_KEY: WDT.appKey,
    WDT_SIM_APP_SECRET: WDT.appSecret,
    WDT_SIM_SID: WDT.sid,
    WDT_SIM_RATE_LIMIT_PER_MINUTE: '1000000',
    WDT_SIM_LOG_LEVEL: 'info',
  },
  /wdt-sim listening/,
);
await fleet.start(
  'k3cloud-sim',
  'k3cloud-sim',
  { K3_SIM_PORT: String(k3Port), LOG_LEVEL: 'info' },
  /k3cloud-sim listening/,
);
const wdtUrl = `http://127.0.0.1:${wdtPort}`;
const k3Url = `http://127.0.0.1:${k3Port}`;
const dataset = { seed: 1, count: orders, from: fromMs, to: toMs };
await jsonControl(k3Url)('POST', '/_sim/generate-basedata', dataset);

// K3 holds every order's bill, as the loader would have saved it (links left out: not compared).
const k3 = createK3CloudClient({
  baseUrl: `${k3Url}/k3cloud/`,
  auth: { kind: 'signature', ...K3 },
  maxConcurrentRequests: 4,
});
const data = createDataset({ seed: 1, count: orders, fromMs, toMs });
const seedStart = performance.now();
const models: object[] = [];
const flush = async (): Promise<void> => {
  const batches: object[][] = [];
  while (models.length > 0) batches.push(models.splice(0, 500));
  await Promise.all(batches.map((batch) => k3.batchSave('SAL_OUTSTOCK', batch)));
};
for (let index = 0; index < orders; index += 1) {
  const parsed = parseWdtStockoutOrder(data.orderAt(index));
  if (!parsed.ok) continue;
  const mapped = mapStockoutToSalOutstock(
    parsed.value,
    DEFAULT_MAPPING_PROFILE,
    { salesmanNumber: null, salesOrder: null },
    { linkMode: 'off' },
  );
  if (mapped.ok) models.push(mapped.value);
  if (models.length >= 2_000) await flush();
}
await flush();
const k3Bills = (await jsonControl(k3Url)<{ bills: number }>('GET', '/_sim/stats')).bills;
process.stdout.write(
  `seeded K3 with ${k3Bills.toLocaleString('en-US')} bills in ${((performance.now() - seedStart) / 1000).toFixed(1)} s\n`,
);

const env = { REDIS_URL: redisServer.url, REDIS_PREFIX: 'bench', LOG_LEVEL: 'warn' };
// The two processes a run uses, as in production: their own peak RSS is measured (VmHWM).
const extractor = await fleet.start(
  'extractor',
  'extractor',
  {
    ...env,
    LOG_LEVEL: 'info',
    WDT_BASE_URL: `${wdtUrl}/router/qm`,
    WDT_APP_KEY: WDT.appKey,
    WDT_APP_SECRET: WDT.appSecret,
    WDT_SID: WDT.sid,
    WDT_RATE_LIMIT_PER_MINUTE: '1000000',
    EXTRACT_PAGE_CONCURRENCY: '4',
    EXTRACT_START_FROM: new Date().toISOString(),
    EXTRACT_POLL_INTERVAL_MS: '3600000',
    EXTRACT_SWEEP: 'false',
    OPS_PORT: String(await findFreePort()),
  },
  /"msg":"extractor started"/,
);
const reconciler = await fleet.start(
  'reconciler',
  'reconciler',
  {
    ...env,
    LOG_LEVEL: 'info',
    K3_BASE_URL: `${k3Url}/k3cloud/`,
    K3_ACCT_ID: K3.acctId,
    K3_USERNAME: K3.username,
    K3_APP_ID: K3.appId,
    K3_APP_SECRET: K3.appSecret,
    RECONCILE_DAILY: 'false',
    // The comparison's working set is bounded (one page, one scan chunk at a time); V8 grows its heap
    // lazily up to its default limit before collecting, so the RSS a run reaches depends on this cap.
    ...(process.env.RECONCILER_NODE_OPTIONS === undefined
      ? {}
      : { NODE_OPTIONS: process.env.RECONCILER_NODE_OPTIONS }),
    RECONCILE_K3_PAGE_ROWS: process.env.RECONCILE_K3_PAGE_ROWS ?? '2000',
    OPS_PORT: String(await findFreePort()),
  },
  /"msg":"reconciler started"/,
);
const peakRss = (pid: number | undefined): number =>
  Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;
const connection = createRedis(toRedisSettings(parseConfig(redisEnvSchema, env)), 'producer', 'bench');
const reconcileQueue = new Queue(QUEUES.reconcile, { connection, prefix: '{bench}' });
const callsBefore = (await jsonControl(wdtUrl)<{ calls: number }>('GET', '/_sim/stats')).calls;
const store = createReconcileStore(connection, '{bench}');
const flows = new FlowProducer({ connection, prefix: '{bench}' });
const rssBefore = { extractor: peakRss(extractor.pid), reconciler: peakRss(reconciler.pid) };
const started = performance.now();
const run = await startReconciliation(
  {
    store,
    flows,
    reconcileQueue,
    now: () => toMs + 3_600_000,
    retentionMs: 86_400_000,
  },
  { period: { from: DAY, to: DAY }, filter: {}, trigger: 'api', requestedBy: 'bench' },
);
let wdtDoneAt = 0;
const done = await waitFor(
  async () => {
    const current = await store.getRun(run.id);
    if (current?.state !== 'reading-wdt' && wdtDoneAt === 0) wdtDoneAt = performance.now();
    return current?.state === 'done' || current?.state === 'failed' ? current : null;
  },
  { timeoutMs: 3_600_000, intervalMs: 200, description: 'the reconciliation finished' },
);
const seconds = (performance.now() - started) / 1000;
const calls = (await jsonControl(wdtUrl)<{ calls: number }>('GET', '/_sim/stats')).calls - callsBefore;
const info = await connection.info('memory');
const redisPeak = Number(/used_memory_peak:(\d+)/.exec(info)?.[1] ?? 0);
const rss = { extractor: peakRss(extractor.pid), reconciler: peakRss(reconciler.pid) };
const s = (done as RunRecord).summary;
const ok =
  done.state === 'done' &&
  s !== null &&
  s.wdt.orders === orders &&
  s.k3.orders === k3Bills &&
  s.missing + s.extra + s.duplicated + s.mismatched === orders - k3Bills;
process.stdout.write(
  `${[
    summaryLine(done),
    `reconcile ${orders.toLocaleString('en-US')} orders (one day, zero-latency simulators): ${seconds.toFixed(1)} s (WDT pages ${((wdtDoneAt - started) / 1000).toFixed(1)} s, K3 and comparison ${((performance.now() - wdtDoneAt) / 1000).toFixed(1)} s)`,
    `  peak RSS: reconciler ${mib(rss.reconciler)} (${mib(rssBefore.reconciler)} at start), extractor ${mib(rss.extractor)} (${mib(rssBefore.extractor)} at start); goal ≤ 250 MiB`,
    `  Redis peak memory ${mib(redisPeak)}`,
    `  WDT calls ${calls.toLocaleString('en-US')} → at WDT's 60 calls/min: ${(calls / 60).toFixed(1)} min; at the extractor's sustained 59/min (its limiter: one call per 1,017 ms): ${(calls / 59).toFixed(1)} min`,
    `  check: ${ok ? 'ok (every order counted once, nothing found beyond what K3 lacks)' : 'FAILED'}`,
  ].join('\n')}\n`,
);
await reconcileQueue.close();
await flows.close();
k3.close();
connection.disconnect();
await fleet.stop(['extractor', 'reconciler', 'wdt-sim', 'k3cloud-sim'], 5_000);
await redisServer.dispose();
rmSync(runDir, { recursive: true, force: true });
process.exit(ok ? 0 : 1);
