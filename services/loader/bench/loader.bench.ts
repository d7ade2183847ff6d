/**
 * Loader throughput as a ratio to its ceiling, measured side by side in one run (this machine is
 * shared and noisy: absolute figures drift, ratios hold). The same N orders (default 20,000),
 * the same Redis set-up and the same harness for every row:
 *   - ceiling: a bare BullMQ worker (ceiling-worker.ts: no-op processor, concurrency 100);
 *   - loader b1, loader b50: one loader process (concurrency 100) against a zero-latency
 *     k3cloud-sim in this process, batchSize 1 and 50;
 * then the ceiling once more; the faster ceiling is the one the ratios use (noise only slows).
 * Every row checks its own result: the ceiling completed every job once; a loader row left every
 * order in K3 exactly once. A failed check exits non-zero.
 * Run: node services/loader/bench/loader.bench.ts [orders] [--quick] [--summary <file>]
 *   --quick: 5,000 orders. --summary: appends the rows as JSON lines (scripts/bench.sh's table).
 *   LOADER_BENCH_NODE_OPTIONS is passed to the loader process (e.g. --cpu-prof).
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { QUEUES } from '@wdt-k3/jobs';
import type { RedisConnection } from '@wdt-k3/runtime';
import { startProcess, startRedisServer, waitFor } from '@wdt-k3/testkit';
import { QueueKeys } from 'bullmq';
import { dataset, enqueueOrders, loaderEnv, openTestQueues, ordersOf, startK3Sim } from '../test/harness.ts';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const CEILING = fileURLToPath(new URL('./ceiling-worker.ts', import.meta.url));
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    quick: { type: 'boolean', default: false },
    summary: { type: 'string' },
    // Extra loader settings for an experiment, e.g. --env LOADER_CONCURRENCY=200 (repeatable).
    env: { type: 'string', multiple: true, default: [] },
    only: { type: 'string' },
  },
});
const count = Number(positionals[0] ?? (values.quick ? 5_000 : 20_000));
// Every row counts its completed jobs, and the catalog keeps at most 20,000 completed order jobs:
// a bigger run would wait for a count it can never reach.
if (!Number.isInteger(count) || count < 1 || count > 20_000)
  throw new Error(
    `orders must be a whole number from 1 to 20,000 (completed order jobs kept), got ${positionals[0]}`,
  );
const fmt = (value: number, digits = 0): string =>
  value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

function peakRssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
}

/**
 * From the first job started to the last one finished, by BullMQ's own stamps (processedOn,
 * finishedOn): the process's start-up and this bench's polling are not part of the figure.
 */
async function busySeconds(redis: RedisConnection, prefix: string, ids: readonly string[]): Promise<number> {
  const pipeline = redis.pipeline();
  const keys = new QueueKeys(prefix);
  for (const id of ids) pipeline.hmget(keys.toKey(QUEUES.orders, id), 'processedOn', 'finishedOn');
  let first = Number.POSITIVE_INFINITY;
  let last = 0;
  for (const [, stamps] of (await pipeline.exec()) ?? []) {
    const [processedOn, finishedOn] = (stamps as [string | null, string | null]).map(Number);
    first = Math.min(first, processedOn ?? first);
    last = Math.max(last, finishedOn ?? last);
  }
  return (last - first) / 1000;
}

/** CPU seconds a process used so far (user + system), from /proc. */
function cpuSecondsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Redis commands (INFO commandstats) per order, total and the five most frequent, for the row's line. */
async function redisCommandsPerOrder(redis: RedisConnection): Promise<string> {
  const stats = [...(await redis.info('commandstats')).matchAll(/cmdstat_([\w|]+):calls=(\d+)/g)]
    .map(([, name, calls]) => [name, Number(calls) / count] as const)
    .filter(([name]) => name !== 'info')
    .sort((a, b) => b[1] - a[1]);
  const total = stats.reduce((sum, [, calls]) => sum + calls, 0);
  return `${fmt(total, 1)} (${stats
    .slice(0, 5)
    .map(([name, calls]) => `${name} ${fmt(calls, 2)}`)
    .join(', ')})`;
}

async function redisCpuSeconds(redis: RedisConnection): Promise<number> {
  const info = await redis.info('cpu');
  const field = (name: string): number => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? 0);
  return field('used_cpu_user') + field('used_cpu_sys');
}

interface Row {
  readonly name: string;
  readonly perSecond: number;
  readonly peakRssMiB: number;
}

type Kind = { readonly ceiling: true } | { readonly ceiling: false; readonly batchSize: number };

async function runOnce(kind: Kind): Promise<Row> {
  const name = kind.ceiling ? 'ceiling' : `loader b${kind.batchSize}`;
  const redis = await startRedisServer({ appendOnly: false });
  const data = dataset(77, count);
  const k3 = await startK3Sim([data]);
  const env = loaderEnv(redis.url, k3, {
    ...(kind.ceiling ? {} : { LOADER_BATCH_SIZE: String(kind.batchSize) }),
    LOADER_BATCH_WAIT_MS: '20',
    LOG_LEVEL: 'warn',
    // As the image runs every service (Dockerfile NODE_OPTIONS), unless an experiment says otherwise.
    NODE_OPTIONS: process.env.LOADER_BENCH_NODE_OPTIONS ?? '--max-semi-space-size=8',
    ...Object.fromEntries(values.env.map((pair) => pair.split('=', 2) as [string, string])),
  });
  const { queues, redis: client, prefix } = openTestQueues(env);
  const orders = ordersOf(data);
  const ids = await enqueueOrders(queues, orders);
  const redisCpuBefore = await redisCpuSeconds(client);
  const benchCpuBefore = process.cpuUsage();
  const child = startProcess(process.execPath, [kind.ceiling ? CEILING : MAIN], { name, env, maxLines: 100 });
  // A worker that dies (a flag NODE_OPTIONS refuses, a crash) fails the row now, not in 30 min.
  const died = child.exited.then((exit) => {
    throw new Error(
      `${name}: the worker exited (${exit.code ?? exit.signal}) before every order was done:\n${child.lines.slice(-10).join('\n')}`,
    );
  });
  await Promise.race([
    died,
    waitFor(async () => ((await queues.orders.getJobCounts('completed')).completed ?? 0) >= count, {
      timeoutMs: 1_800_000,
      intervalMs: 100,
      description: `${name}: every order done`,
    }),
  ]);
  died.catch(() => {});
  const seconds = await busySeconds(client, prefix, ids);
  const rss = peakRssMiB(child.pid);
  // Where the machine's two cores went: the worker, Redis, this process (the K3 simulator, polling).
  const cpu = {
    worker: cpuSecondsOf(child.pid),
    redis: (await redisCpuSeconds(client)) - redisCpuBefore,
    bench: (() => {
      const used = process.cpuUsage(benchCpuBefore);
      return (used.user + used.system) / 1e6;
    })(),
  };
  await child.stop(30_000);
  const commands = await redisCommandsPerOrder(client);
  // The row's own check: every job completed once (no failures); a loader's orders in K3 once each.
  const counts = await queues.orders.getJobCounts('completed', 'failed', 'waiting', 'active', 'delayed');
  const problems: string[] = [];
  if (counts.completed !== count || (counts.failed ?? 0) + (counts.waiting ?? 0) + (counts.active ?? 0) > 0)
    problems.push(`jobs ${JSON.stringify(counts)}, expected ${count} completed`);
  if (!kind.ceiling) {
    const bills = await k3.billCounts();
    const wrong = orders.filter((order) => bills.get(String(order.order_no)) !== 1).length;
    if (wrong > 0 || bills.size !== count)
      problems.push(`${wrong} orders not in K3 exactly once (${bills.size} bills)`);
  }
  await Promise.allSettled(Object.values(queues).map((queue) => queue.close()));
  client.disconnect();
  await k3.close();
  await redis.dispose();
  if (problems.length > 0) throw new Error(`${name}: ${problems.join('; ')}`);
  const perSecond = count / seconds;
  console.log(
    `  ${name.padEnd(10)} ${fmt(count)} orders in ${fmt(seconds, 2)} s = ${fmt(perSecond)}/s; peak RSS ${fmt(rss)} MiB; checked: ` +
      (kind.ceiling ? 'every job completed once' : 'every order in K3 exactly once') +
      `; Redis commands per order ${commands}; CPU s: worker ${fmt(cpu.worker, 1)} (incl. start-up), redis ${fmt(cpu.redis, 1)}, bench+K3 sim ${fmt(cpu.bench, 1)}`,
  );
  return { name, perSecond, peakRssMiB: rss };
}

console.log(
  `loader bench: ${fmt(count)} orders; ceiling = bare BullMQ worker (no-op, concurrency 100); loader concurrency 100 against a zero-latency k3cloud-sim; same Redis set-up`,
);
const first = await runOnce({ ceiling: true });
// --only b50: skip the slow batchSize-1 row (experiments).
const b1 = values.only === 'b50' ? undefined : await runOnce({ ceiling: false, batchSize: 1 });
const b50 = await runOnce({ ceiling: false, batchSize: 50 });
const last = await runOnce({ ceiling: true });
// The faster of the two: noise only ever slows a run down, so the ratio errs low, not high.
const ceiling = Math.max(first.perSecond, last.perSecond);
console.log(
  `  ratio to the ceiling (the faster of ${fmt(first.perSecond)} and ${fmt(last.perSecond)}/s): ` +
    `loader b1 ${b1 === undefined ? '-' : fmt(b1.perSecond / ceiling, 3)}, loader b50 ${fmt(b50.perSecond / ceiling, 3)}`,
);
if (values.summary !== undefined) {
  const perSecond = (row: Row): string => `${fmt(row.perSecond)} orders/s`;
  const rows = [
    {
      name: 'ceiling',
      figure: `${fmt(ceiling)} jobs/s`,
      // The pipeline bench divides by it (same run, same machine state).
      perSecond: ceiling,
      ratio: 1,
      of: 'ceiling',
      peakRssMiB: first.peakRssMiB,
      note: `no-op BullMQ worker, c=100; ${fmt(count)} jobs; runs ${fmt(first.perSecond)} and ${fmt(last.perSecond)}/s`,
    },
    ...[b1, b50]
      .filter((row): row is Row => row !== undefined)
      .map((row) => ({
        name: row.name,
        figure: perSecond(row),
        ratio: row.perSecond / ceiling,
        of: 'ceiling',
        peakRssMiB: row.peakRssMiB,
        note: `zero-latency K3 sim, c=100; every order in K3 once`,
      })),
  ];
  for (const row of rows) appendFileSync(values.summary, `${JSON.stringify(row)}\n`);
}
