import { fileURLToPath } from 'node:url';
import { type ManagedProcess, startProcess, useRedisServer, waitFor } from '@wdt-k3/testkit';
import { QueueEvents } from 'bullmq';
import { afterAll, describe, expect, it } from 'vitest';
import {
  dataset,
  enqueueOrders,
  type K3Sim,
  loaderEnv,
  openTestQueues,
  ordersOf,
  startK3Sim,
} from './harness.ts';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));

describe('a fleet of three loader processes', () => {
  const redis = useRedisServer();
  const processes: ManagedProcess[] = [];
  let k3: K3Sim | undefined;
  afterAll(async () => {
    await Promise.all(processes.map((proc) => proc.stop(5_000)));
    await k3?.close();
  });

  it('lands 2,000 orders exactly once although one loader is killed -9 mid-batch and one is stopped with SIGTERM', async () => {
    const data = dataset(31, 2000);
    k3 = await startK3Sim([data]);
    // Slow enough that batches are in flight when the kill lands.
    await k3.faults({ latency: { perCallMs: 30, perBillMs: 2 } });
    const env = loaderEnv(redis().url, k3, {
      LOADER_CONCURRENCY: '60',
      LOADER_BATCH_SIZE: '25',
      // Short locks so the killed loader's jobs are taken over within seconds, not 30 s, and
      // short claims (they must outlive a check plus a save) so its bills follow within seconds
      // too, not the default 150 s.
      LOADER_LOCK_DURATION_MS: '3000',
      LOADER_STALLED_INTERVAL_MS: '1000',
      K3_REQUEST_TIMEOUT_MS: '5000',
      LOADER_CLAIM_TTL_MS: '12000',
      LOG_LEVEL: 'info',
    });
    const { queues, redis: testRedis } = openTestQueues(env);
    const spawnLoader = (name: string): ManagedProcess => {
      const proc = startProcess(process.execPath, [MAIN], { name, env: { ...env, OPS_PORT: '0' } });
      processes.push(proc);
      return proc;
    };
    const fleet = ['loader-a', 'loader-b', 'loader-c'].map(spawnLoader);
    await Promise.all(fleet.map((proc) => proc.waitForLine(/"msg":"loader started"/)));

    // Stalled jobs prove the kill hit a loader holding jobs (the takeover this test is about).
    const events = new QueueEvents('orders', {
      connection: { url: redis().url },
      prefix: `{${env.REDIS_PREFIX}}`,
    });
    await events.waitUntilReady();
    let stalled = 0;
    events.on('stalled', () => {
      stalled += 1;
    });
    const orders = ordersOf(data);
    await enqueueOrders(queues, orders);
    const completed = async (): Promise<number> =>
      (await queues.orders.getJobCounts('completed')).completed ?? 0;

    await waitFor(async () => (await completed()) >= 300 && (await k3?.stats())?.inFlight !== 0, {
      timeoutMs: 60_000,
      description: 'the fleet saving, with a BatchSave in flight',
    });
    const [victim, drained] = fleet as [ManagedProcess, ManagedProcess, ManagedProcess];
    victim.signal('SIGKILL');
    expect((await victim.exited).signal).toBe('SIGKILL');

    await waitFor(async () => (await completed()) >= 1000, {
      timeoutMs: 120_000,
      description: 'half the orders',
    });
    drained.signal('SIGTERM');
    const exit = await drained.exited;
    expect(exit.code).toBe(0);
    expect(drained.lines.some((line) => line.includes('"msg":"shutdown complete"'))).toBe(true);

    await waitFor(async () => (await completed()) === orders.length, {
      timeoutMs: 180_000,
      description: 'every order completed by the surviving loader',
    });
    // The survivor's ops port: health proves consumption, metrics count what it did.
    const survivor = fleet[2] as ManagedProcess;
    const opsLine = await survivor.waitForLine(/"msg":"ops server listening"/);
    const opsPort = (JSON.parse(opsLine) as { port: number }).port;
    const health = await fetch(`http://127.0.0.1:${opsPort}/health`);
    expect(health.status).toBe(200);
    const metrics = await (await fetch(`http://127.0.0.1:${opsPort}/metrics`)).text();
    expect(metrics).toMatch(/loader_bills_(already_)?saved_total\{service="loader"\} [1-9]/);
    expect(metrics).toMatch(/loader_batch_size_count/);

    const bills = await k3.bills();
    expect(bills).toHaveLength(orders.length);
    expect(new Set(bills.map((bill) => bill.FBillNo)).size).toBe(orders.length);
    expect(await queues.failed.count()).toBe(0);
    expect(stalled).toBeGreaterThan(0);
    await events.close();
    await Promise.allSettled(Object.values(queues).map((queue) => queue.close()));
    testRedis.disconnect();
  });

  it('lands every order exactly once through a kill -9 and restart of Redis in the middle of the run', async () => {
    const data = dataset(32, 1500);
    const sim = await startK3Sim([data]);
    await sim.faults({ latency: { perCallMs: 20, perBillMs: 1 } });
    const env = loaderEnv(redis().url, sim, {
      LOADER_CONCURRENCY: '60',
      LOADER_BATCH_SIZE: '25',
      LOADER_LOCK_DURATION_MS: '3000',
      LOADER_STALLED_INTERVAL_MS: '1000',
      LOG_LEVEL: 'info',
    });
    const fleet = ['loader-r1', 'loader-r2'].map((name) => {
      const proc = startProcess(process.execPath, [MAIN], { name, env: { ...env, OPS_PORT: '0' } });
      processes.push(proc);
      return proc;
    });
    await Promise.all(fleet.map((proc) => proc.waitForLine(/"msg":"loader started"/)));
    const { queues, redis: testRedis } = openTestQueues(env);
    const orders = ordersOf(data);
    await enqueueOrders(queues, orders);
    const completed = async (): Promise<number> =>
      (await queues.orders.getJobCounts('completed')).completed ?? 0;
    await waitFor(async () => (await completed()) >= 300, {
      timeoutMs: 60_000,
      description: 'the run under way',
    });

    // A crash of Redis itself: AOF (appendfsync always here) keeps every acknowledged write.
    await redis().kill();
    await redis().start();

    await waitFor(async () => (await completed().catch(() => 0)) === orders.length, {
      timeoutMs: 180_000,
      description: 'every order completed after the Redis restart',
    });
    const bills = await sim.bills();
    expect(bills).toHaveLength(orders.length);
    expect(new Set(bills.map((bill) => bill.FBillNo)).size).toBe(orders.length);
    expect(await queues.failed.count()).toBe(0);
    expect(fleet.every((proc) => !proc.hasExited)).toBe(true);
    await Promise.allSettled(Object.values(queues).map((queue) => queue.close()));
    testRedis.disconnect();
    await sim.close();
  });
});
