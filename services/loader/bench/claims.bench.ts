/**
 * What the bill claims cost in Redis: N orders (default 20,000) through one loader process
 * (concurrency 100, batches of 50) against a zero-latency k3cloud-sim that allows duplicate
 * bill numbers, once with LOADER_BILL_CLAIMS=false and once with claims. Prints, per run, the
 * Redis commands the loader sent per batch (counted with MONITOR: commands from the loader's
 * connections, not those its scripts run inside Redis, which INFO commandstats and
 * total_commands_processed count too), the claim round trips per batch (the loader's own
 * counter) and the throughput, then the difference and the on/off throughput ratio measured in
 * the same run. Checks its own result: every order is in K3 exactly once.
 * Run: node services/loader/bench/claims.bench.ts [orders]
 */
import { startProcess, startRedisServer, waitFor } from '@wdt-k3/testkit';
import type { Redis } from 'ioredis';
import { dataset, enqueueOrders, loaderEnv, openTestQueues, ordersOf, startK3Sim } from '../test/harness.ts';

const count = Number(process.argv[2] ?? 20_000);
const fmt = (value: number, digits = 0): string =>
  value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

/**
 * Counts the commands clients other than `exclude` send, from a MONITOR connection. MONITOR
 * names the source of each command: `lua` for those a script runs, else the client's address.
 */
async function countCommands(redis: Redis, exclude: ReadonlySet<string>) {
  const monitor = await redis.monitor();
  let sent = 0;
  monitor.on('monitor', (_time: string, _args: string[], source: string) => {
    if (source !== 'lua' && !exclude.has(source)) sent += 1;
  });
  return {
    sent: () => sent,
    stop: () => monitor.disconnect(),
  };
}

function metric(text: string, name: string): number {
  return [...text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\d+(?:\\.\\d+)?)`, 'gm'))].reduce(
    (sum, match) => sum + Number(match[1]),
    0,
  );
}

interface Run {
  readonly batches: number;
  readonly seconds: number;
  readonly commands: number;
  readonly claimTrips: number;
  readonly byReason: string;
}

async function runOnce(claims: boolean): Promise<Run> {
  const redis = await startRedisServer({ appendOnly: false });
  const data = dataset(78, count);
  const k3 = await startK3Sim([data], { uniqueBillNo: false });
  const env = loaderEnv(redis.url, k3, {
    LOADER_BATCH_SIZE: '50',
    LOADER_BATCH_WAIT_MS: '20',
    LOADER_BILL_CLAIMS: String(claims),
    LOG_LEVEL: 'info',
  });
  const { queues, redis: client } = openTestQueues(env);
  const orders = ordersOf(data);
  await enqueueOrders(queues, orders);
  // This bench's own connection (enqueueing, polling) is not the loader's.
  await client.ping();
  const own = (client as Redis).stream;
  const monitor = await countCommands(client as Redis, new Set([`${own.localAddress}:${own.localPort}`]));
  const loader = startProcess(process.execPath, [new URL('../src/main.ts', import.meta.url).pathname], {
    name: 'loader',
    env,
    maxLines: 100,
  });
  const opsPort = (
    JSON.parse(await loader.waitForLine(/"msg":"ops server listening"/, 60_000)) as { port: number }
  ).port;
  const started = performance.now();
  await waitFor(async () => ((await queues.orders.getJobCounts('completed')).completed ?? 0) === count, {
    timeoutMs: 1_800_000,
    intervalMs: 500,
    description: 'every order saved',
  });
  const seconds = (performance.now() - started) / 1000;
  const commands = monitor.sent();
  monitor.stop();
  const metrics = await (await fetch(`http://127.0.0.1:${opsPort}/metrics`)).text();
  const batches = metric(metrics, 'loader_batch_size_count');
  const claimTrips = metric(metrics, 'loader_claim_round_trips_total');
  const byReason = [...metrics.matchAll(/^loader_claim_round_trips_total\{reason="(\w+)"[^}]*\} (\d+)/gm)]
    .map((match) => `${match[1]} ${match[2]}`)
    .join(', ');

  const counts = await k3.billCounts();
  const wrong = orders.filter((order) => counts.get(String(order.order_no)) !== 1).length;
  if (wrong > 0 || counts.size !== count) {
    throw new Error(`claims ${claims ? 'on' : 'off'}: ${wrong} orders not in K3 exactly once`);
  }
  console.log(
    `  claims ${claims ? 'on ' : 'off'}: ${fmt(count)} orders in ${fmt(seconds, 1)} s = ${fmt(count / seconds)} orders/s; ` +
      `${fmt(batches)} batches; loader's Redis commands ${fmt(commands)} = ${fmt(commands / batches, 1)}/batch ` +
      `(${fmt(commands / count, 2)}/order)` +
      (claims
        ? `; claim round trips ${fmt(claimTrips)} = ${fmt(claimTrips / batches, 3)}/batch (${byReason})`
        : '') +
      `; every order in K3 once`,
  );
  await loader.stop();
  await Promise.allSettled(Object.values(queues).map((queue) => queue.close()));
  client.disconnect();
  await k3.close();
  await redis.dispose();
  return { batches, seconds, commands, claimTrips, byReason };
}

console.log(
  `claims bench: ${fmt(count)} orders, one loader process (concurrency 100, batches of 50), zero-latency k3cloud-sim allowing duplicate numbers`,
);
const off = await runOnce(false);
const on = await runOnce(true);
// Same orders both times: the difference in commands is what the claims added.
console.log(
  `  claims cost: ${fmt((on.commands - off.commands) / on.batches, 2)} more Redis commands per batch ` +
    `(${fmt(on.claimTrips / on.batches, 3)} claim round trips per batch); throughput with/without claims ${fmt(off.seconds / on.seconds, 2)}`,
);
