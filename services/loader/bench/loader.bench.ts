/**
 * Loader throughput: N orders (default 20,000) through one loader process against a zero-latency
 * k3cloud-sim, for batchSize 1 and 50, with the loader's peak RSS.
 * Run: node services/loader/bench/loader.bench.ts [orders]
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startProcess, startRedisServer, waitFor } from '@wdt-k3/testkit';
import { dataset, enqueueOrders, loaderEnv, openTestQueues, ordersOf, startK3Sim } from '../test/harness.ts';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const count = Number(process.argv[2] ?? 20_000);

function peakRssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
}

async function runOnce(batchSize: number): Promise<void> {
  const redis = await startRedisServer({ appendOnly: false });
  const data = dataset(77, count);
  const k3 = await startK3Sim([data]);
  const env = loaderEnv(redis.url, k3, {
    LOADER_BATCH_SIZE: String(batchSize),
    LOADER_BATCH_WAIT_MS: '20',
    LOG_LEVEL: 'warn',
  });
  const { queues, redis: client } = openTestQueues(env);
  await enqueueOrders(queues, ordersOf(data));
  const loader = startProcess(process.execPath, [MAIN], { name: 'loader', env, maxLines: 100 });
  const started = performance.now();
  await waitFor(async () => ((await queues.orders.getJobCounts('completed')).completed ?? 0) === count, {
    timeoutMs: 1_800_000,
    intervalMs: 200,
    description: 'every order saved',
  });
  const seconds = (performance.now() - started) / 1000;
  const rss = peakRssMiB(loader.pid);
  const bills = (await k3.bills()).length;
  console.log(
    `loader: batchSize ${String(batchSize).padStart(2)}: ${count.toLocaleString('en-US')} orders in ${seconds.toFixed(1)} s = ` +
      `${Math.round(count / seconds).toLocaleString('en-US')} orders/s; bills in K3 ${bills.toLocaleString('en-US')}; loader peak RSS ${rss.toFixed(0)} MiB`,
  );
  await loader.stop();
  await Promise.allSettled(Object.values(queues).map((queue) => queue.close()));
  client.disconnect();
  await k3.close();
  await redis.dispose();
}

console.log(
  `loader bench: ${count.toLocaleString('en-US')} orders, one loader process (concurrency 100), zero-latency k3cloud-sim in this process`,
);
for (const batchSize of [1, 50]) await runOnce(batchSize);
