import { fileURLToPath } from 'node:url';
import { createSyncState, type InflightRun } from '@wdt-k3/jobs';
import { createDataset } from '@wdt-k3/sim-data';
import { type ManagedProcess, startProcess, useRedisServer, waitFor } from '@wdt-k3/testkit';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { DAY_MS, extractorEnv, startWdtSim, type WdtSim } from './harness.ts';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));

describe('extractor processes under kill -9', () => {
  const redis = useRedisServer();
  const processes: ManagedProcess[] = [];
  let sim: WdtSim | undefined;
  afterAll(async () => {
    await Promise.all(processes.map((proc) => proc.stop(5_000)));
    await sim?.close();
  });

  it('enqueues every order exactly once and lands the watermark after one of two replicas is killed mid-window', async () => {
    const fromMs = Math.floor((Date.now() - 2 * DAY_MS) / 1000) * 1000;
    const dataset = createDataset({ seed: 17, count: 3000, fromMs, toMs: fromMs + DAY_MS });
    sim = await startWdtSim({ dataset: { seed: 17, count: 3000, fromMs, toMs: fromMs + DAY_MS } });
    // Slow pages, so the kill lands while pages of the run are still being fetched.
    await sim.faults({ latencyMs: 60 });
    const env = extractorEnv(redis().url, sim, {
      EXTRACT_START_FROM: new Date(fromMs).toISOString(),
      EXTRACT_MAX_WINDOW_MS: String(2 * 3_600_000),
      EXTRACT_MAX_WINDOWS_PER_RUN: '100',
      EXTRACT_POLL_INTERVAL_MS: '1000',
      EXTRACT_PAGE_CONCURRENCY: '2',
      EXTRACT_LOCK_DURATION_MS: '2000',
      EXTRACT_STALLED_INTERVAL_MS: '1000',
      LOG_LEVEL: 'info',
    });
    const spawn = (name: string): ManagedProcess => {
      const proc = startProcess(process.execPath, [MAIN], { name, env });
      processes.push(proc);
      return proc;
    };
    const a = spawn('extractor-a');
    const b = spawn('extractor-b');
    await Promise.all([a, b].map((proc) => proc.waitForLine(/"msg":"extractor started"/)));

    const client = new Redis(redis().url);
    const prefix = `{${env.REDIS_PREFIX}}`;
    const state = createSyncState(client, prefix);
    const orders = new Queue('orders', { connection: client, prefix });
    const firstRun = (await waitFor(() => state.getInflight(), {
      description: 'a run planned',
    })) as InflightRun;
    await waitFor(async () => (await orders.count()) >= 600, {
      timeoutMs: 60_000,
      description: 'the run half way',
    });
    expect(await state.getWatermark()).toBe(fromMs);

    a.signal('SIGKILL');
    await a.exited;
    const restarted = spawn('extractor-a2');
    await restarted.waitForLine(/"msg":"extractor started"/);

    await waitFor(async () => ((await state.getWatermark()) ?? 0) >= firstRun.toMs, {
      timeoutMs: 120_000,
      description: 'the watermark past the first run',
    });
    // The run's summary is written just after its watermark commit: wait for it, not on luck.
    const lastRun = await waitFor(() => state.getLastRun(), { description: 'the run recorded' });
    expect(lastRun.kind).toBe('incremental');
    expect(await orders.count()).toBe(3000);
    for (let index = 0; index < dataset.count; index += 250) {
      expect(await orders.getJob(`so-${dataset.orderAt(index).stockout_id}`)).toBeDefined();
    }
    // One tick at a time across replicas: no run was planned by two of them.
    const planned = [a, b, restarted].flatMap((proc) =>
      proc.lines
        .filter((line) => line.includes('"msg":"run planned"'))
        .map((line) => (JSON.parse(line) as { runId: string }).runId),
    );
    expect(new Set(planned).size).toBe(planned.length);
    expect(planned).toContain(firstRun.runId);

    const opsLine = await restarted.waitForLine(/"msg":"ops server listening"/);
    const opsPort = (JSON.parse(opsLine) as { port: number }).port;
    expect((await fetch(`http://127.0.0.1:${opsPort}/health`)).status).toBe(200);
    const metrics = await (await fetch(`http://127.0.0.1:${opsPort}/metrics`)).text();
    expect(metrics).toMatch(/extractor_watermark_lag_seconds\{service="extractor"\} \d/);
    expect(metrics).toMatch(/extractor_wdt_request_duration_seconds_bucket/);
    await orders.close();
    client.disconnect();
  });

  it('resumes after a kill -9 and restart of Redis mid-run: every order once, the watermark where it should be', async () => {
    const fromMs = Math.floor((Date.now() - 2 * DAY_MS) / 1000) * 1000;
    const dataset = createDataset({ seed: 18, count: 2000, fromMs, toMs: fromMs + DAY_MS });
    const wdt = await startWdtSim({ dataset: { seed: 18, count: 2000, fromMs, toMs: fromMs + DAY_MS } });
    await wdt.faults({ latencyMs: 60 });
    const env = extractorEnv(redis().url, wdt, {
      EXTRACT_START_FROM: new Date(fromMs).toISOString(),
      EXTRACT_MAX_WINDOW_MS: String(2 * 3_600_000),
      EXTRACT_MAX_WINDOWS_PER_RUN: '100',
      EXTRACT_POLL_INTERVAL_MS: '1000',
      EXTRACT_LOCK_DURATION_MS: '2000',
      EXTRACT_STALLED_INTERVAL_MS: '1000',
      LOG_LEVEL: 'info',
    });
    const proc = startProcess(process.execPath, [MAIN], { name: 'extractor-r', env });
    processes.push(proc);
    await proc.waitForLine(/"msg":"extractor started"/);
    const client = new Redis(redis().url, { maxRetriesPerRequest: null });
    client.on('error', () => undefined);
    const prefix = `{${env.REDIS_PREFIX}}`;
    const state = createSyncState(client, prefix);
    const orders = new Queue('orders', { connection: client, prefix });
    orders.on('error', () => undefined);
    const firstRun = (await waitFor(() => state.getInflight(), {
      description: 'a run planned',
    })) as InflightRun;
    await waitFor(async () => (await orders.count()) >= 400, {
      timeoutMs: 60_000,
      description: 'the run under way',
    });

    await redis().kill();
    await redis().start();

    await waitFor(async () => ((await state.getWatermark()) ?? 0) >= firstRun.toMs, {
      timeoutMs: 120_000,
      description: 'the watermark past the run after the Redis restart',
    });
    expect(await orders.count()).toBe(2000);
    for (let index = 0; index < dataset.count; index += 200) {
      expect(await orders.getJob(`so-${dataset.orderAt(index).stockout_id}`)).toBeDefined();
    }
    expect(proc.hasExited).toBe(false);
    await orders.close();
    client.disconnect();
    await proc.stop();
    await wdt.close();
  });
});
