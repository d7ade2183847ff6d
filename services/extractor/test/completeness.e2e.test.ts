import { fileURLToPath } from 'node:url';
import { createSyncState, type SyncState } from '@wdt-k3/jobs';
import {
  type AuditedRow,
  type Completeness,
  classifyCompleteness,
  describeCompleteness,
  jsonControl,
  type ManagedProcess,
  startProcess,
  useRedisServer,
  waitFor,
} from '@wdt-k3/testkit';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { DAY_MS, extractorEnv, HOUR_MS, startWdtSim, type WdtSim } from './harness.ts';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const ORDERS = 10_000;
const PAGE_SIZE = 100;
const WINDOW_MS = 2 * HOUR_MS;
/** About 10 % of calls fail: HTTP 5xx, a held connection (timeout), 1012, an HTML page. */
const WDT_ERRORS = {
  errorRate: 0.03,
  timeoutRate: 0.02,
  timeoutHoldMs: 2_000,
  rateLimitedRate: 0.03,
  garbageRate: 0.02,
};

interface Scenario {
  readonly sim: WdtSim;
  readonly fromMs: number;
  readonly toMs: number;
  readonly env: Record<string, string>;
  readonly state: SyncState;
  readonly orders: Queue;
  readonly redis: Redis;
}

/**
 * Every order the extractor must find, found: real extractor processes against the simulator
 * with WDT errors and rows leaving and entering while windows are read, then every stock-out
 * the window ever held accounted for (`classifyCompleteness`), and WDT's calls set against those
 * of a plain walk of the same windows (Σ ⌈rows / 100⌉ per window).
 */
describe('no missed orders under faults (real extractor processes)', () => {
  const redisServer = useRedisServer();
  const processes: ManagedProcess[] = [];
  const cleanups: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    await Promise.all(processes.splice(0).map((proc) => proc.stop(5_000)));
    while (cleanups.length > 0) await cleanups.pop()?.();
  });

  async function setUp(seed: number, overrides: Record<string, string>): Promise<Scenario> {
    const fromMs = Math.floor((Date.now() - 3 * DAY_MS) / HOUR_MS) * HOUR_MS;
    const toMs = fromMs + DAY_MS;
    const sim = await startWdtSim({ dataset: { seed, count: ORDERS, fromMs, toMs } });
    cleanups.push(() => sim.close());
    const env = extractorEnv(redisServer().url, sim, {
      EXTRACT_START_FROM: new Date(fromMs).toISOString(),
      EXTRACT_MAX_WINDOW_MS: String(WINDOW_MS),
      EXTRACT_MAX_WINDOWS_PER_RUN: '100',
      EXTRACT_POLL_INTERVAL_MS: '1000',
      EXTRACT_PAGE_CONCURRENCY: '2',
      EXTRACT_PAGE_ATTEMPTS: '40',
      EXTRACT_PAGE_BACKOFF_MS: '20',
      EXTRACT_RATE_LIMIT_BACKOFF_MS: '100',
      WDT_REQUEST_TIMEOUT_MS: '500',
      EXTRACT_LOCK_DURATION_MS: '2000',
      EXTRACT_STALLED_INTERVAL_MS: '1000',
      LOG_LEVEL: 'info',
      ...overrides,
    });
    const redis = new Redis(redisServer().url, { maxRetriesPerRequest: null });
    cleanups.push(async () => redis.disconnect());
    const prefix = `{${env.REDIS_PREFIX}}`;
    const orders = new Queue('orders', { connection: redis, prefix });
    cleanups.push(() => orders.close());
    return { sim, fromMs, toMs, env, state: createSyncState(redis, prefix), orders, redis };
  }

  const spawn = (scenario: Scenario, name: string): ManagedProcess => {
    const proc = startProcess(process.execPath, [MAIN], { name, env: scenario.env });
    processes.push(proc);
    return proc;
  };

  const started = (proc: ManagedProcess) => proc.waitForLine(/"msg":"extractor started"/);

  const waitForWatermark = (scenario: Scenario, what: string) =>
    waitFor(async () => ((await scenario.state.getWatermark()) ?? 0) >= scenario.toMs, {
      timeoutMs: 150_000,
      intervalMs: 200,
      description: what,
    });

  /** The first run, the one that read the dataset: its windows and pages (answered calls), from its commit. */
  async function firstRun(
    scenario: Scenario,
    logs: readonly ManagedProcess[],
  ): Promise<{ pages: number; windows: Array<{ fromMs: number; toMs: number }> }> {
    const runId = logs
      .flatMap((proc) => proc.lines)
      .filter((line) => line.includes('"msg":"run planned"') && line.includes('"kind":"incremental"'))
      .map((line) => JSON.parse(line) as { runId: string; fromMs: number })
      .find((run) => run.fromMs === scenario.fromMs)?.runId;
    const sync = new Queue('wdt-sync', {
      connection: scenario.redis,
      prefix: `{${scenario.env.REDIS_PREFIX}}`,
    });
    try {
      const commit = await sync.getJob(`commit-${runId}`);
      return {
        pages: (commit?.returnvalue as { pages?: number } | undefined)?.pages ?? -1,
        windows:
          (commit?.data as { windows?: Array<{ fromMs: number; toMs: number }> } | undefined)?.windows ?? [],
      };
    } finally {
      await sync.close();
    }
  }

  async function account(
    scenario: Scenario,
    filter: { byModified: boolean },
    logs: readonly ManagedProcess[],
  ): Promise<{ result: Completeness; plainCalls: number; runPages: number }> {
    const control = jsonControl(scenario.sim.url);
    const read = new Set<number>();
    for (const job of await scenario.orders.getJobs(
      ['wait', 'active', 'completed', 'failed', 'delayed'],
      0,
      -1,
    ))
      read.add(Number(String(job.id).replace(/^so-/, '')));
    const slack = filter.byModified ? 60_000 : 0;
    const audit = await control<{ rows: AuditedRow[] }>('POST', '/_sim/audit', {
      from: scenario.fromMs,
      to: scenario.toMs + slack,
      byModified: filter.byModified,
    });
    const run = await firstRun(scenario, logs);
    // A plain walk of the same windows: page 0, then pages 1… of the rows each held at the start.
    let plainCalls = 0;
    for (const window of run.windows) {
      const held = await control<{ rows: AuditedRow[] }>('POST', '/_sim/audit', {
        from: window.fromMs,
        to: window.toMs,
        byModified: filter.byModified,
      });
      plainCalls += Math.max(1, Math.ceil(held.rows.filter((row) => row.initially).length / PAGE_SIZE));
    }
    const stats = await scenario.sim.stats();
    const result = classifyCompleteness(audit.rows, read);
    process.stdout.write(
      `[completeness] ${describeCompleteness(result)} · the run: ${run.pages} pages in ${run.windows.length} windows` +
        ` vs a plain walk's ${plainCalls} · WDT calls in all ${stats.calls} (answered ${stats.pages})\n`,
    );
    return { result, plainCalls, runPages: run.pages };
  }

  it('10,000 orders, 10 % WDT errors, 1–3 rows leaving per call at any rank, kill -9 twice mid-window: none missed', async () => {
    const scenario = await setUp(101, { EXTRACT_SWEEP: 'false' });
    await scenario.sim.faults({
      seed: 101,
      latencyMs: 15,
      ...WDT_ERRORS,
      churn: { leave: { min: 1, max: 3 } },
    });
    let proc = spawn(scenario, 'extractor-1');
    await started(proc);
    for (const [threshold, name] of [
      [2_500, 'extractor-2'],
      [6_000, 'extractor-3'],
    ] as const) {
      await waitFor(async () => (await scenario.orders.count()) >= threshold, {
        timeoutMs: 120_000,
        description: `${threshold} orders enqueued`,
      });
      expect(await scenario.state.getWatermark()).toBe(scenario.fromMs);
      proc.signal('SIGKILL');
      await proc.exited;
      proc = spawn(scenario, name);
      await started(proc);
    }
    await waitForWatermark(scenario, 'the run committed after two kills');
    const { result } = await account(scenario, { byModified: false }, processes);
    expect(result.missing).toEqual([]);
    expect(result.leftBeforeRead.length + result.read).toBe(result.rows);
    expect(result.leftBeforeRead.length).toBeGreaterThan(0);
  });

  it('the same with rows entering while paging and two replicas: none missed, every late row found by the sweep', async () => {
    const scenario = await setUp(102, {
      EXTRACT_SWEEP: 'true',
      EXTRACT_SWEEP_INTERVAL_MS: '2000',
      EXTRACT_SWEEP_DELAY_MS: '0',
    });
    await scenario.sim.faults({
      seed: 102,
      latencyMs: 5,
      ...WDT_ERRORS,
      churn: {
        leave: { min: 1, max: 3 },
        enter: { min: 1, max: 3 },
        latentShare: 0.04,
        enteredModified: 'now',
        maxRows: 300,
      },
    });
    const replicas = [spawn(scenario, 'extractor-a'), spawn(scenario, 'extractor-b')];
    await Promise.all(replicas.map(started));
    await waitForWatermark(scenario, 'the run committed');
    // The sweep's own calls change rows too, until the fault's budget is spent; then one more
    // sweep band past the last change.
    await waitFor(
      async () => {
        const changes = (
          await jsonControl(scenario.sim.url)<{ changes: Array<{ atMs: number }> }>('GET', '/_sim/changes')
        ).changes;
        const last = Math.max(...changes.map((change) => change.atMs));
        return changes.length >= 300 && ((await scenario.state.sweep.getWatermark()) ?? 0) > last + 1000;
      },
      { timeoutMs: 150_000, intervalMs: 500, description: 'the sweep past the last change' },
    );
    const { result } = await account(scenario, { byModified: false }, replicas);
    expect(result.missing).toEqual([]);
    expect(result.enteredNotRead).toEqual([]);
    expect(result.read).toBeGreaterThan(ORDERS * 0.9);
    const planned = replicas.flatMap((proc) =>
      proc.lines.filter((line) => line.includes('"msg":"run planned"')),
    );
    const runIds = planned.map((line) => (JSON.parse(line) as { runId: string }).runId);
    expect(new Set(runIds).size).toBe(runIds.length);
  });

  it('by modified time (is_by_modified), rows leaving and entering: none missed', async () => {
    const scenario = await setUp(103, { EXTRACT_BY_MODIFIED: 'true' });
    await scenario.sim.faults({
      seed: 103,
      ...WDT_ERRORS,
      churn: { leave: { min: 1, max: 3 }, enter: { min: 0, max: 2 }, latentShare: 0.03 },
    });
    const proc = spawn(scenario, 'extractor-m');
    await started(proc);
    await waitForWatermark(scenario, 'the run committed');
    const { result } = await account(scenario, { byModified: true }, [proc]);
    expect(result.missing).toEqual([]);
    // Rows that left by being modified again moved to a later modified time the same run read.
    expect(result.read).toBeGreaterThan(ORDERS * 0.9);
  });
});
