import { fileURLToPath } from 'node:url';
import { createSyncState } from '@wdt-k3/jobs';
import { type ManagedProcess, startProcess, useRedisServer, waitFor } from '@wdt-k3/testkit';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { DAY_MS, extractorEnv, startWdtSim, type WdtSim } from './harness.ts';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));

const metric = async (port: number, name: string): Promise<number> => {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const line = text.split('\n').find((entry) => entry.startsWith(`${name}{`) || entry.startsWith(`${name} `));
  return line === undefined ? 0 : Number(line.split(' ').at(-1));
};

/**
 * Found from outside: at Redis's memory limit the extractor kept fetching pages it could not
 * enqueue (~360 WDT calls in 90 s) and wrote ~10,000 error lines in 100 s.
 */
describe('an extractor process at Redis’s memory limit', () => {
  const redis = useRedisServer();
  let proc: ManagedProcess | undefined;
  let sim: WdtSim | undefined;
  afterAll(async () => {
    await proc?.stop(5_000);
    await sim?.close();
  });

  it('stops calling WDT and says so once, then carries on where it stopped when Redis has room again', async () => {
    const fromMs = Math.floor((Date.now() - 3 * DAY_MS) / 1000) * 1000;
    sim = await startWdtSim({ dataset: { seed: 33, count: 3000, fromMs, toMs: fromMs + DAY_MS } });
    await sim.faults({ latencyMs: 25 });
    const env = extractorEnv(redis().url, sim, {
      EXTRACT_START_FROM: new Date(fromMs).toISOString(),
      EXTRACT_MAX_WINDOW_MS: String(3_600_000),
      EXTRACT_MAX_WINDOWS_PER_RUN: '100',
      EXTRACT_POLL_INTERVAL_MS: '1000',
      LOG_LEVEL: 'info',
    });
    proc = startProcess(process.execPath, [MAIN], { name: 'extractor-full', env });
    const opsLine = await proc.waitForLine(/"msg":"ops server listening"/);
    const port = (JSON.parse(opsLine) as { port: number }).port;
    const client = new Redis(redis().url);
    const prefix = `{${env.REDIS_PREFIX}}`;
    const orders = new Queue('orders', { connection: client, prefix });
    await waitFor(async () => (await orders.count()) >= 500, {
      timeoutMs: 60_000,
      description: 'the run under way',
    });

    const used = /used_memory:(\d+)/.exec(await client.info('memory'))?.[1] ?? '0';
    await client.config('SET', 'maxmemory', String(Math.max(1, Number(used) - 64 * 1024)));
    await proc.waitForLine(/redis refuses writes/, 30_000);
    const callsAtFull = (await sim.stats()).calls;
    const linesAtFull = proc.lines.length;
    // Four refused probes back to back span 0.5 + 1 + 2 + 4 s of waiting.
    await waitFor(async () => (await metric(port, 'extractor_redis_write_refusals_total')) >= 4, {
      timeoutMs: 60_000,
      description: 'the guard waiting on Redis',
    });
    const health = await fetch(`http://127.0.0.1:${port}/health`);
    expect(health.status).toBe(503);
    expect(JSON.stringify(await health.json())).toMatch(/refuses writes/);
    // A call already under way when Redis filled up may finish; no new one starts.
    expect((await sim.stats()).calls - callsAtFull).toBeLessThanOrEqual(2);
    expect(proc.lines.length - linesAtFull).toBeLessThan(20);

    await client.config('SET', 'maxmemory', '0');
    const state = createSyncState(client, prefix);
    await waitFor(async () => ((await state.getWatermark()) ?? 0) >= fromMs + DAY_MS, {
      timeoutMs: 120_000,
      description: 'the run committed after Redis had room again',
    });
    expect(await orders.count()).toBe(3000);
    expect(proc.lines.some((line) => line.includes('redis accepts writes again'))).toBe(true);
    await orders.close();
    client.disconnect();
  });
});
