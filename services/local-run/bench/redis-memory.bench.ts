/**
 * Redis memory of a run, for the README's sizing: the whole pipeline (extractor, two loaders,
 * admin) moves N orders (default 10,000, 2 % invalid) through a fresh redis-server; then every
 * key is measured with MEMORY USAGE and grouped by what holds it. Prints bytes per retained
 * order and per queue; checks its own result (every order in K3 once or dead-lettered).
 * Run: node services/local-run/bench/redis-memory.bench.ts [orders]
 */
import { mkdtempSync, rmSync } from 'node:fs';
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

const count = Number(process.argv[2] ?? 10_000);
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
} finally {
  await fleet.stop(['extractor', 'loader', 'admin'], 15_000);
  await closeQueues(queues);
  client.disconnect();
  await redis.dispose();
  rmSync(runDir, { recursive: true, force: true });
}
