/**
 * The whole pipeline as users run it, and the naive way of doing the same job (issue 15), each row
 * checking its own result (every order in K3 exactly once) and exiting non-zero otherwise:
 *   - pipeline: extractor + 2 loaders + both simulators as processes, zero latency, a high WDT
 *     limit; orders/s from the first WDT page started to the last bill saved (BullMQ's own
 *     stamps), and its ratio to the `ceiling` row the loader bench wrote to the same summary
 *     file in the same `pnpm bench` run (a bare BullMQ worker over the same payloads);
 *   - realistic: the same pipeline with WDT at 60 calls a minute and ~300 ms a call (100-row
 *     pages), K3 with the simulator's cost model on (150 ms + 20 ms a bill, 4 slots): orders/s and
 *     the ratio to the bound those settings give, min(WDT's rows a second, K3's bills a second);
 *   - naive: the simplest correct integrator on the realistic profile — one sequential loop that
 *     fetches each page (60 calls a minute at most) and, for each order, asks K3 whether its
 *     FBillNo exists and saves it alone (a BatchSave of one bill, which the simulator charges as
 *     a Save); and the realistic pipeline's speed-up over it.
 * Bounded: the realistic row runs 6,000 orders and the naive one 200 (~1 minute each); --quick
 * runs the pipeline row only, over 5,000 orders. The ledger is off in every row (EVENTS_ENABLED
 * =false): its cost is the ledger bench's. No figure is asserted; correctness is.
 * Memory: every service's resident set is sampled once a second during the pipeline row; the
 * `memory <service>` rows give each one's peak (VmHWM) and its growth after warm-up (the highest
 * sample of the run's last third minus that of its middle third). --orders N sizes the pipeline
 * row (100000 for a long run). WORKER_NODE_OPTIONS reaches the loaders and the extractor through
 * the fleet, as compose passes it (e.g. "--max-semi-space-size=8 --max-old-space-size=128").
 * Run: node services/local-run/bench/pipeline.bench.ts [--quick] [--orders N] [--only row] [--summary <file>]
 */
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { closeQueues, openQueues, type PipelineQueues } from '@wdt-k3/jobs';
import { createK3CloudClient } from '@wdt-k3/k3cloud-client';
import { DEFAULT_MAPPING_PROFILE, mapStockoutToSalOutstock, parseWdtStockoutOrder } from '@wdt-k3/mapping';
import {
  createRedis,
  parseConfig,
  type RedisConnection,
  redisEnvSchema,
  toRedisSettings,
} from '@wdt-k3/runtime';
import { createDataset, type Dataset } from '@wdt-k3/sim-data';
import { findFreePort, jsonControl, startRedisServer, waitFor } from '@wdt-k3/testkit';
import { createWdtClient } from '@wdt-k3/wdt-client';
import { Fleet } from '../src/fleet.ts';
import { parseOptions } from '../src/options.ts';
import { k3BillNumbers } from '../src/reconcile.ts';
import { K3, seedSimulators, startServices, WDT } from '../src/services.ts';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    summary: { type: 'string' },
    // One row only, for experiments: pipeline, realistic or naive.
    only: { type: 'string' },
    // The pipeline row's size, e.g. 100000 to see whether memory stays flat over a long run.
    orders: { type: 'string' },
  },
});
const PIPELINE_ORDERS = values.orders !== undefined ? Number(values.orders) : values.quick ? 5_000 : 20_000;
if (!Number.isInteger(PIPELINE_ORDERS) || PIPELINE_ORDERS < 1)
  throw new Error(`--orders must be a whole number of orders, got ${values.orders}`);
// ~1 minute at WDT's limit. A run pays ~2 s that no budget buys back (the walk's last call, which
// proves the window ends, and the load of the last page's rows); over 3,000 orders (30 s) that
// alone costs 0.06 of the ratio, over 6,000 half that, as in a backlog of any length.
const REALISTIC_ORDERS = 6_000;
const NAIVE_ORDERS = 200;
const REALISTIC = {
  wdtLimitPerMinute: 60,
  wdtLatencyMs: 300,
  pageSize: 100,
  k3: { enabled: true, baseMs: 150, perBillMs: 20, maxConcurrent: 4 },
  batchSize: 50,
};
const PREFIX = 'pl';
const fmt = (value: number, digits = 0): string =>
  value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** The orders' window: a day ending five minutes ago, on whole minutes (as the memory bench). */
function windowNow(): { fromMs: number; toMs: number } {
  const toMs = Math.floor((Date.now() - 5 * 60_000) / 60_000) * 60_000;
  return { fromMs: toMs - 86_400_000, toMs };
}

function datasetOf(count: number, window: { fromMs: number; toMs: number }): Dataset {
  // The local run's own dataset for these options (seed 1, every order valid).
  return createDataset({
    seed: 1,
    count,
    fromMs: window.fromMs,
    toMs: window.toMs,
    shape: { unknownMaterialRate: 0, missingCustomerRate: 0 },
  });
}

/** Every order of the dataset in K3 exactly once, or the reasons it is not. */
async function checkExactlyOnce(k3Url: string, dataset: Dataset): Promise<string[]> {
  const bills = await k3BillNumbers(k3Url);
  const problems: string[] = [];
  let wrong = 0;
  for (let index = 0; index < dataset.count; index += 1)
    if (bills.get(String(dataset.orderAt(index).order_no)) !== 1) wrong += 1;
  if (wrong > 0) problems.push(`${wrong} orders not in K3 exactly once`);
  if (bills.size !== dataset.count)
    problems.push(`${bills.size} bill numbers in K3, expected ${dataset.count}`);
  return problems;
}

/** First page job started → last order job finished, by BullMQ's stamps (start-up left out). */
async function busySeconds(redis: RedisConnection, queues: PipelineQueues): Promise<number> {
  let first = Number.POSITIVE_INFINITY;
  let last = 0;
  for (const [queue, field] of [
    [queues.pages, 'processedOn'],
    [queues.orders, 'finishedOn'],
  ] as const) {
    const ids = await redis.zrange(queue.toKey('completed'), '0', '-1');
    const pipeline = redis.pipeline();
    for (const id of ids) pipeline.hget(queue.toKey(id), field);
    for (const [, stamp] of (await pipeline.exec()) ?? []) {
      const ms = Number(stamp);
      if (!Number.isFinite(ms) || ms === 0) continue;
      if (field === 'processedOn') first = Math.min(first, ms);
      else last = Math.max(last, ms);
    }
  }
  return (last - first) / 1000;
}

interface ServiceMemory {
  readonly name: string;
  /** The kernel's high-water mark of the process's resident set (VmHWM), MiB. */
  readonly peakMiB: number;
  /** Highest sample in the run's last third minus the highest in its middle third, MiB. */
  readonly lateGrowthMiB: number;
  readonly samples: number;
}

/** `VmRSS` or `VmHWM` of a process in MiB, or undefined once it has exited. */
function procMiB(pid: number, field: 'VmRSS' | 'VmHWM'): number | undefined {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(
      readFileSync(`/proc/${pid}/status`, 'utf8'),
    );
    return match?.[1] === undefined ? undefined : Number(match[1]) / 1024;
  } catch {
    return undefined;
  }
}

/**
 * Every service's resident set sampled once a second while a row runs (Linux `/proc`), for the
 * memory rows: each service's peak, and whether it still grows after warm-up (the last third of
 * the run against the middle third; the first third is start-up and the first pages).
 */
function sampleMemory(fleet: Fleet): { stop(): ServiceMemory[] } {
  const samples = new Map<string, number[]>();
  const tick = (): void => {
    for (const member of fleet.members) {
      const rss = procMiB(member.proc.pid, 'VmRSS');
      if (rss !== undefined) samples.set(member.name, [...(samples.get(member.name) ?? []), rss]);
    }
  };
  const timer = setInterval(tick, 1_000);
  return {
    stop: () => {
      clearInterval(timer);
      tick();
      return fleet.members.map((member) => {
        const series = samples.get(member.name) ?? [];
        const third = Math.floor(series.length / 3);
        const max = (values: number[]): number => Math.max(0, ...values);
        return {
          name: member.name,
          peakMiB: procMiB(member.proc.pid, 'VmHWM') ?? max(series),
          lateGrowthMiB: third === 0 ? 0 : max(series.slice(2 * third)) - max(series.slice(third, 2 * third)),
          samples: series.length,
        };
      });
    },
  };
}

interface PipelineRow {
  readonly perSecond: number;
  readonly seconds: number;
  readonly wdtCalls: number;
  readonly rowsServed: number;
  readonly memory: ServiceMemory[];
}

async function runPipeline(name: string, count: number, realistic: boolean): Promise<PipelineRow> {
  const redis = await startRedisServer({ appendOnly: false });
  const runDir = mkdtempSync(join(tmpdir(), `wdtk3-${name}-`));
  const fleet = new Fleet(runDir);
  const settings = toRedisSettings(
    parseConfig(redisEnvSchema, { REDIS_URL: redis.url, REDIS_PREFIX: PREFIX }),
  );
  const client = createRedis(settings, 'producer', `${name}-bench`);
  const queues = openQueues(client, settings.queuePrefix);
  const window = windowNow();
  const dataset = datasetOf(count, window);
  const limit = realistic ? REALISTIC.wdtLimitPerMinute : 100_000;
  const options = parseOptions(
    ['--orders', String(count), '--loaders', '2', '--wdt-rate-limit', String(limit)],
    {},
  );
  let wdtUrl = '';
  let memory: { stop(): ServiceMemory[] } | undefined;
  try {
    const endpoints = await startServices(fleet, options, redis.url, PREFIX, runDir, window, null, {
      loader: realistic ? { LOADER_BATCH_SIZE: String(REALISTIC.batchSize) } : {},
      // One window for the run: its pages are full, as they are for a seller whose hours hold
      // more than a page each (the budget only binds then); the local run's 6-hour windows would
      // end four times on a part-filled page. Two days, not one: the run reads the dataset's day
      // plus the overlap before it and the minutes after it, and a one-day window would leave
      // those minutes to a second window whose call is spent before the last page is read.
      extractor: {
        EXTRACT_PAGE_SIZE: String(REALISTIC.pageSize),
        EXTRACT_MAX_WINDOW_MS: String(2 * 86_400_000),
      },
      simulators: async (urls) => {
        wdtUrl = urls.wdtUrl;
        if (!realistic) return;
        await jsonControl(urls.wdtUrl)('PUT', '/_sim/faults', { latencyMs: REALISTIC.wdtLatencyMs });
        await jsonControl(urls.k3Url)('PUT', '/_sim/cost-model', REALISTIC.k3);
      },
    });
    memory = sampleMemory(fleet);
    // K3's bill count, not the completed queue: order jobs are kept up to 20,000 (the catalog's
    // retention), so a longer run never shows them all; duplicates fail the check that follows.
    const k3Stats = async (): Promise<{ bills: number }> =>
      (await jsonControl(endpoints.k3Url)('GET', '/_sim/stats')) as { bills: number };
    const busy = async (): Promise<number> => {
      const counts = await queues.orders.getJobCounts('active', 'wait', 'delayed', 'prioritized');
      return Object.values(counts).reduce((sum, value) => sum + value, 0);
    };
    await waitFor(async () => (await k3Stats()).bills >= count && (await busy()) === 0, {
      timeoutMs: 1_800_000,
      intervalMs: 250,
      description: `${name}: every order in K3 and no order job left`,
    });
    const services = memory.stop();
    memory = undefined;
    const seconds = await busySeconds(client, queues);
    const problems = await checkExactlyOnce(endpoints.k3Url, dataset);
    const stats = (await jsonControl(wdtUrl)('GET', '/_sim/stats')) as {
      pages: number;
      ordersServed: number;
      errors: { wdt: Record<string, number> };
    };
    const refused = stats.errors.wdt['1012'] ?? 0;
    if (refused > 0) problems.push(`${refused} WDT calls refused (1012)`);
    if (problems.length > 0) throw new Error(`${name}: ${problems.join('; ')}`);
    return {
      perSecond: count / seconds,
      seconds,
      wdtCalls: stats.pages,
      rowsServed: stats.ordersServed,
      memory: services,
    };
  } finally {
    memory?.stop();
    await fleet.stop(['extractor', 'reconciler', 'loader', 'admin', 'alerter'], 15_000);
    await closeQueues(queues);
    client.disconnect();
    await redis.dispose();
    if (process.env.PIPELINE_BENCH_KEEP === '1') console.log(`  ${name}: logs kept in ${runDir}`);
    else rmSync(runDir, { recursive: true, force: true });
  }
}

/**
 * The naive integrator: pages one after the other (no faster than WDT's limit), each order
 * checked in K3 by FBillNo and saved alone, in order. Correct, and as simple as it gets.
 */
async function runNaive(count: number): Promise<{ perSecond: number; seconds: number }> {
  const runDir = mkdtempSync(join(tmpdir(), 'wdtk3-naive-'));
  const fleet = new Fleet(runDir);
  const window = windowNow();
  const dataset = datasetOf(count, window);
  // Only the simulators, seeded and set up as for the realistic pipeline.
  const options = parseOptions(['--orders', String(count), '--wdt-rate-limit', '60'], {});
  const [wdtPort, k3Port] = [await findFreePort(), await findFreePort()];
  const wdtUrl = `http://127.0.0.1:${wdtPort}`;
  const k3Url = `http://127.0.0.1:${k3Port}`;
  try {
    await Promise.all([
      fleet.start(
        'wdt-sim',
        'wdt-sim',
        { WDT_SIM_PORT: String(wdtPort), WDT_SIM_RATE_LIMIT_PER_MINUTE: '60' },
        /wdt-sim listening/,
      ),
      fleet.start('k3cloud-sim', 'k3cloud-sim', { K3_SIM_PORT: String(k3Port) }, /k3cloud-sim listening/),
    ]);
    await seedSimulators(wdtUrl, k3Url, options, window);
    await jsonControl(wdtUrl)('PUT', '/_sim/faults', { latencyMs: REALISTIC.wdtLatencyMs });
    await jsonControl(k3Url)('PUT', '/_sim/cost-model', REALISTIC.k3);
    const wdt = createWdtClient({
      baseUrl: `${wdtUrl}/router/qm`,
      appKey: WDT.appKey,
      appSecret: WDT.appSecret,
      sid: WDT.sid,
      requestTimeoutMs: 30_000,
    });
    const k3 = createK3CloudClient({
      baseUrl: `${k3Url}/k3cloud/`,
      auth: {
        kind: 'signature',
        acctId: K3.acctId,
        username: K3.username,
        appId: K3.appId,
        appSecret: K3.appSecret,
      },
      requestTimeoutMs: 60_000,
      maxConcurrentRequests: 1,
    });
    const started = performance.now();
    let lastCallAt = Number.NEGATIVE_INFINITY;
    for (let pageNo = 0; ; pageNo += 1) {
      // 60 calls a minute: at least a second from one call to the next.
      const waitMs = lastCallAt + 1_000 - performance.now();
      if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
      lastCallAt = performance.now();
      const page = await wdt.queryStockoutPage({
        startTime: window.fromMs,
        endTime: window.toMs,
        status: [95, 105, 110, 113],
        pageNo,
        pageSize: REALISTIC.pageSize,
      });
      for (const raw of page.orders) {
        const parsed = parseWdtStockoutOrder(raw);
        if (!parsed.ok) throw new Error(`naive: order ${String(raw.order_no)} does not parse`);
        const mapped = mapStockoutToSalOutstock(
          parsed.value,
          DEFAULT_MAPPING_PROFILE,
          { salesmanNumber: null, salesOrder: null },
          { linkMode: 'optional' },
        );
        if (!mapped.ok) throw new Error(`naive: order ${String(raw.order_no)} does not map`);
        const billNo = String(raw.order_no);
        const found = await k3.executeBillQuery({
          formId: 'SAL_OUTSTOCK',
          fieldKeys: ['FID'],
          filterString: `FBillNo = '${billNo.replace(/'/g, "''")}'`,
        });
        if (found.length === 0) await k3.batchSave('SAL_OUTSTOCK', [mapped.value]);
      }
      if (page.orders.length < REALISTIC.pageSize) break;
    }
    const seconds = (performance.now() - started) / 1000;
    wdt.close();
    k3.close();
    const problems = await checkExactlyOnce(k3Url, dataset);
    if (problems.length > 0) throw new Error(`naive: ${problems.join('; ')}`);
    return { perSecond: count / seconds, seconds };
  } finally {
    await fleet.stop([], 15_000);
    rmSync(runDir, { recursive: true, force: true });
  }
}

/** The ceiling the loader bench measured in this `pnpm bench` run, if it wrote one. */
function ceilingOf(summary: string | undefined): number | undefined {
  if (summary === undefined || !existsSync(summary)) return undefined;
  for (const line of readFileSync(summary, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const row = JSON.parse(line) as { name?: string; perSecond?: number };
    if (row.name === 'ceiling' && typeof row.perSecond === 'number') return row.perSecond;
  }
  return undefined;
}

const summaryRows: object[] = [];
const ceiling = ceilingOf(values.summary);
console.log(
  `pipeline bench: extractor + 2 loaders + wdt-sim + k3cloud-sim as processes; ledger off; ` +
    `ceiling ${ceiling === undefined ? 'not in this run (run pnpm bench)' : `${fmt(ceiling)} jobs/s (loader bench, this run)`}`,
);
const runs = (row: string): boolean => values.only === undefined || values.only === row;
if (runs('pipeline')) {
  const pipeline = await runPipeline('pipeline', PIPELINE_ORDERS, false);
  console.log(
    `  pipeline   ${fmt(PIPELINE_ORDERS)} orders in ${fmt(pipeline.seconds, 2)} s = ${fmt(pipeline.perSecond)}/s ` +
      `(${pipeline.wdtCalls} WDT calls, ${fmt(pipeline.rowsServed)} rows); ratio to the ceiling ${ceiling === undefined ? '-' : fmt(pipeline.perSecond / ceiling, 3)}; checked: every order in K3 exactly once`,
  );
  summaryRows.push({
    name: 'pipeline',
    figure: `${fmt(pipeline.perSecond)} orders/s`,
    ...(ceiling === undefined ? {} : { ratio: pipeline.perSecond / ceiling, of: 'ceiling' }),
    note: `zero latency; ${fmt(PIPELINE_ORDERS)} orders; first page → last bill`,
  });
  // Memory per service over the pipeline row: peak resident set, and growth after warm-up.
  for (const service of pipeline.memory) {
    const growth = `${service.lateGrowthMiB >= 0 ? '+' : ''}${fmt(service.lateGrowthMiB, 1)} MiB`;
    console.log(
      `  memory     ${service.name.padEnd(12)} peak ${fmt(service.peakMiB)} MiB; last third vs middle third ${growth} (${service.samples} samples, 1 s apart)`,
    );
    summaryRows.push({
      name: `memory ${service.name}`,
      figure: `${growth} late`,
      peakRssMiB: service.peakMiB,
      note: `pipeline row, ${fmt(PIPELINE_ORDERS)} orders; last third of 1 s samples vs middle third`,
    });
  }
}

if (!values.quick && values.only !== 'pipeline') {
  // The bound the realistic settings give: WDT's rows a second, K3's bills a second.
  const wdtBound = (REALISTIC.wdtLimitPerMinute / 60) * REALISTIC.pageSize;
  const k3Bound =
    (REALISTIC.k3.maxConcurrent * REALISTIC.batchSize) /
    ((REALISTIC.k3.baseMs + REALISTIC.k3.perBillMs * REALISTIC.batchSize) / 1000);
  const bound = Math.min(wdtBound, k3Bound);
  const realistic = await runPipeline('realistic', REALISTIC_ORDERS, true);
  console.log(
    `  realistic  ${fmt(REALISTIC_ORDERS)} orders in ${fmt(realistic.seconds, 2)} s = ${fmt(realistic.perSecond, 1)}/s ` +
      `(${realistic.wdtCalls} WDT calls, ${fmt(realistic.rowsServed)} rows); bound min(WDT ${fmt(wdtBound)}, K3 ${fmt(k3Bound)}) = ${fmt(bound)}/s; ratio ${fmt(realistic.perSecond / bound, 3)}`,
  );
  if (values.only === 'realistic') process.exit(0);
  const naive = await runNaive(NAIVE_ORDERS);
  console.log(
    `  naive      ${fmt(NAIVE_ORDERS)} orders in ${fmt(naive.seconds, 2)} s = ${fmt(naive.perSecond, 1)}/s; ` +
      `the realistic pipeline is ${fmt(realistic.perSecond / naive.perSecond, 1)}× faster`,
  );
  summaryRows.push(
    {
      name: 'realistic',
      figure: `${fmt(realistic.perSecond, 1)} orders/s`,
      ratio: realistic.perSecond / bound,
      of: `bound ${fmt(bound)}/s`,
      note: `WDT 60/min, 300 ms, 100 rows; K3 150+20 ms/bill, 4 slots; ${fmt(REALISTIC_ORDERS)} orders`,
    },
    {
      name: 'naive',
      figure: `${fmt(naive.perSecond, 1)} orders/s`,
      ratio: naive.perSecond / realistic.perSecond,
      of: 'realistic',
      note: `sequential fetch + check + save one by one; ${fmt(NAIVE_ORDERS)} orders; pipeline ${fmt(realistic.perSecond / naive.perSecond, 1)}× faster`,
    },
  );
}
if (values.summary !== undefined)
  for (const row of summaryRows) appendFileSync(values.summary, `${JSON.stringify(row)}\n`);
