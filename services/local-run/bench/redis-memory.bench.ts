/**
 * Redis memory of a run, for the README's sizing: the whole pipeline (extractor, two loaders,
 * admin) moves N orders (default 10,000, 2 % invalid) through a fresh redis-server; then every
 * key is measured with MEMORY USAGE and grouped by what holds it. Prints bytes per retained
 * order and per queue; checks its own result (every order in K3 once or dead-lettered).
 * Then what stays once the retention has passed (issue 15's "Redis ≤ 0.5 KB per order kept"):
 * completed order and page jobs removed as their removeOnComplete age does an hour later, the
 * loader's lookup cache expired as its 10-minute TTL does; kept are the done records, the bill
 * owners and the dead letters. The figure is per order of the run.
 * Run: node services/local-run/bench/redis-memory.bench.ts [orders] [--summary <file>]
 */
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeQueues, openQueues } from '@wdt-k3/jobs';
import { createRedis, parseConfig, redisEnvSchema, toRedisSettings, waitForRedis } from '@wdt-k3/runtime';
import { createDataset } from '@wdt-k3/sim-data';
import { startRedisServer, waitFor } from '@wdt-k3/testkit';
import { Fleet } from '../src/fleet.ts';
import { parseOptions } from '../src/options.ts';
import { reconcile } from '../src/reconcile.ts';
import { startServices } from '../src/services.ts';

const args = process.argv.slice(2);
const summaryAt = args.indexOf('--summary');
const summaryFile = summaryAt === -1 ? undefined : args[summaryAt + 1];
const count = Number(args.find((arg, index) => index !== summaryAt + 1 && /^\d+$/.test(arg)) ?? 10_000);
const PREFIX = 'mem';

const redis = await startRedisServer({ appendOnly: false });
const runDir = mkdtempSync(join(tmpdir(), 'wdtk3-memory-'));
const fleet = new Fleet(runDir);
const settings = toRedisSettings(parseConfig(redisEnvSchema, { REDIS_URL: redis.url, REDIS_PREFIX: PREFIX }));
const client = createRedis(settings, 'producer', 'memory-bench');
const queues = openQueues(client, settings.queuePrefix);
try {
  await waitForRedis(client, 10_000);
  const baseline = Number(/used_memory:(\d+)/.exec(await client.info('memory'))?.[1]);
  const options = parseOptions(['--orders', String(count), '--invalid-rate', '0.02', '--loaders', '2'], {});
  const toMs = Math.floor((Date.now() - 5 * 60_000) / 60_000) * 60_000;
  const window = { fromMs: toMs - 86_400_000, toMs };
  const dataset = createDataset({
    seed: options.seed,
    count,
    fromMs: window.fromMs,
    toMs: window.toMs,
    shape: { unknownMaterialRate: 0.01, missingCustomerRate: 0.01 },
  });
  const started = performance.now();
  const endpoints = await startServices(fleet, options, redis.url, PREFIX, runDir, window, null);
  const summary = await waitFor(
    async () => {
      const current = await reconcile(dataset, endpoints.k3Url, queues, 0);
      return current.missing === 0 && current.inK3 + current.deadLettered === count ? current : undefined;
    },
    { timeoutMs: 1_800_000, intervalMs: 1_000, description: 'every order in K3 once or dead-lettered' },
  );
  if (!summary.ok) throw new Error(`not reconciled: ${JSON.stringify(summary)}`);
  const seconds = (performance.now() - started) / 1000;
  // Stop the services first: what stays is what a deployment keeps between runs.
  await fleet.stop(['extractor', 'loader', 'admin'], 15_000);

  const families = await measureFamilies();
  const used = Number(/used_memory:(\d+)/.exec(await client.info('memory'))?.[1]) - baseline;
  const kib = (bytes: number): string => `${(bytes / 1024).toFixed(0)} KiB`;
  const [completed, dead, pages] = await Promise.all([
    queues.orders.getCompletedCount(),
    queues.failed.count(),
    queues.pages.getCompletedCount(),
  ]);
  console.log(
    `redis memory: ${count.toLocaleString('en-US')} orders in ${seconds.toFixed(1)} s; in K3 ${summary.inK3}, dead-lettered ${summary.deadLettered}; ` +
      `retained: ${completed} completed order jobs, ${dead} dead letters, ${pages} completed page jobs`,
  );
  console.log(`  used_memory grew by ${kib(used)} = ${Math.round(used / count)} bytes per order of the run`);
  for (const [family, { keys, bytes }] of [...families].sort((a, b) => b[1].bytes - a[1].bytes)) {
    const per =
      family === 'queue orders'
        ? `, ${Math.round(bytes / Math.max(1, completed))} bytes per retained order job`
        : family === 'queue orders-failed'
          ? `, ${Math.round(bytes / Math.max(1, dead))} bytes per dead letter`
          : family === 'queue wdt-pages'
            ? `, ${Math.round(bytes / Math.max(1, pages))} bytes per retained page job`
            : family === 'loader:cache'
              ? `, ${Math.round(bytes / Math.max(1, keys))} bytes per cached lookup`
              : '';
    console.log(`  ${family.padEnd(22)} ${String(keys).padStart(7)} keys ${kib(bytes).padStart(10)}${per}`);
  }

  // An hour later: what removeOnComplete's age and the cache TTL will have removed by then.
  await queues.orders.clean(0, 1_000_000, 'completed');
  await queues.pages.clean(0, 1_000_000, 'completed');
  let cacheCursor = '0';
  do {
    const [next, keys] = await client.scan(
      cacheCursor,
      'MATCH',
      `${settings.queuePrefix}:loader:cache*`,
      'COUNT',
      1000,
    );
    cacheCursor = next;
    if (keys.length > 0) await client.unlink(...keys);
  } while (cacheCursor !== '0');
  const keptFamilies = await measureFamilies();
  for (const [family, { keys, bytes }] of [...keptFamilies]
    .sort((a, b) => b[1].bytes - a[1].bytes)
    .slice(0, 6))
    console.log(`  kept: ${family.padEnd(22)} ${String(keys).padStart(7)} keys ${kib(bytes).padStart(10)}`);
  const keptUsed = Number(/used_memory:(\d+)/.exec(await client.info('memory'))?.[1]) - baseline;
  // What the keys hold (MEMORY USAGE), per order of the run: what grows with orders. used_memory
  // also holds what does not (loaded scripts, client buffers, the keyspace's tables at their peak).
  const keptBytes = [...keptFamilies.values()].reduce((sum, { bytes }) => sum + bytes, 0);
  const perOrder = keptBytes / count;
  console.log(
    `  kept after the retention (an hour on): keys ${kib(keptBytes)} = ${Math.round(perOrder)} bytes per order ` +
      `(done records, bill owners, ${dead} dead letters, state; goal ≤ 512); used_memory ${kib(keptUsed)} over the empty server`,
  );
  if (summaryFile !== undefined)
    appendFileSync(
      summaryFile,
      `${JSON.stringify({ name: 'redis kept', figure: `${Math.round(perOrder)} B/order`, ratio: perOrder / 512, of: '512 B/order (goal ≤ 1)', note: `${count.toLocaleString('en-US')} orders, ${dead} dead letters` })}\n`,
    );
} finally {
  await fleet.stop(['extractor', 'loader', 'admin'], 15_000);
  await closeQueues(queues);
  client.disconnect();
  await redis.dispose();
  rmSync(runDir, { recursive: true, force: true });
}

/** MEMORY USAGE of every key, grouped by what holds it (a queue, a loader or extractor family). */
async function measureFamilies(): Promise<Map<string, { keys: number; bytes: number }>> {
  const families = new Map<string, { keys: number; bytes: number }>();
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'COUNT', 1000);
    cursor = next;
    const pipeline = client.pipeline();
    for (const key of keys) pipeline.memory('USAGE', key, 'SAMPLES', '0');
    const sizes = (await pipeline.exec()) ?? [];
    keys.forEach((key, index) => {
      const [, first = '', second = ''] = key.split(':');
      const family = ['extractor', 'admin', 'loader'].includes(first)
        ? `${first}:${second}`
        : `queue ${first}`;
      const entry = families.get(family) ?? { keys: 0, bytes: 0 };
      entry.keys += 1;
      entry.bytes += Number(sizes[index]?.[1] ?? 0);
      families.set(family, entry);
    });
  } while (cursor !== '0');
  return families;
}
