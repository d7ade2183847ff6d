import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeQueues, openQueues, type PipelineQueues } from '@wdt-k3/jobs';
import {
  createRedis,
  parseConfig,
  type RedisConnection,
  redisEnvSchema,
  toRedisSettings,
} from '@wdt-k3/runtime';
import { createDataset, type Dataset } from '@wdt-k3/sim-data';
import { type FailoverResult, waitFor } from '@wdt-k3/testkit';
import pg from 'pg';
import { Fleet } from '../src/fleet.ts';
import { parseOptions } from '../src/options.ts';
import { reconcile, type Summary } from '../src/reconcile.ts';
import { type Endpoints, startServices } from '../src/services.ts';

/**
 * A dead letter whose copy to `orders-failed` failed during the outage is copied by the loader's
 * next sweep (LOADER_RECONCILE_INTERVAL_MS, 60 s by default); shortened here so a run that hits
 * one does not wait a minute for it. The report says so.
 */
const RECONCILE_INTERVAL_MS = 5_000;

/** The services whose logs the report quotes, in the order they are started. */
const SERVICES = ['ledger', 'loader-1', 'loader-2', 'admin', 'extractor'] as const;

export interface FailoverRunOptions {
  readonly label: string;
  /** The documented REDIS_* settings of the topology under test. */
  readonly redisEnv: Readonly<Record<string, string>>;
  readonly prefix: string;
  /** The order ledger's database: the ledger runs on the same topology as everything else. */
  readonly databaseUrl: string;
  readonly orders: number;
  /** Bills in K3 before the failover is triggered (mid-run). */
  readonly failAfterBills: number;
  readonly failover: () => Promise<FailoverResult>;
  /** After the promotion, e.g. to restart the killed node. */
  readonly afterFailover?: (result: FailoverResult) => Promise<void>;
}

export interface FailoverRun {
  readonly summary: Summary;
  readonly dataset: Dataset;
  readonly endpoints: Endpoints;
  readonly failover: FailoverResult;
  /** Dead letters (id → code) present just before the kill. */
  readonly deadBefore: ReadonlyMap<string, string>;
  /** Dead letters (id → code) once every order is accounted for. */
  readonly deadAfter: ReadonlyMap<string, string>;
  /** Fleet members that exited during the run (must be none: they reconnect by themselves). */
  readonly exited: readonly string[];
  readonly timings: FailoverTimings;
  /** Per service, the warn/error lines it logged from the kill until orders flowed again. */
  readonly logs: Readonly<Record<string, readonly string[]>>;
  /** Per service, lines in that stretch that were not JSON log entries (must be none). */
  readonly rawLines: Readonly<Record<string, readonly string[]>>;
  readonly producer: RedisConnection;
  readonly queues: PipelineQueues;
}

interface FailoverTimings {
  /** kill → the fixture saw the promotion (every sentinel, or every Cluster node, agrees on the new master). */
  readonly promotionMs: number;
  /** kill → the orders queue's completed count beyond its value at the kill (first order finished after it). */
  readonly firstCompletionMs: number | null;
  /** The longest stretch with no new bill in K3 that began between the kill and the first completion after it. */
  readonly longestK3GapMs: number;
  /** Bills K3 received between the kill and the end of that gap (saves already in flight). */
  readonly billsLandedDuringOutage: number;
}

const deadLetters = async (queues: PipelineQueues): Promise<Map<string, string>> => {
  const jobs = await queues.failed.getJobs(['wait'], 0, -1);
  return new Map(
    jobs.map((job) => [
      String(job.id),
      String((job.data as { error?: { code?: unknown } }).error?.code ?? 'UNKNOWN'),
    ]),
  );
};

const k3Bills = async (k3Url: string): Promise<number> =>
  ((await (await fetch(`${k3Url}/_sim/stats`)).json()) as { bills: number }).bills;

interface ServiceLogs {
  /** Per service: distinct warn-or-above and redis lines, with counts. */
  readonly summary: Record<string, string[]>;
  /** Lines that are not JSON log entries (a raw `console.error` stack), per service. */
  readonly raw: Record<string, string[]>;
}

/**
 * What each service logged from `offsets` on: warn and above, and every line about Redis, each
 * distinct line once with its count and when it first appeared relative to the kill.
 */
function logsSince(runDir: string, offsets: ReadonlyMap<string, number>, killedAt: number): ServiceLogs {
  const out: Record<string, string[]> = {};
  const raw: Record<string, string[]> = {};
  for (const name of SERVICES) {
    const text = readFileSync(join(runDir, `${name}.log`))
      .subarray(offsets.get(name) ?? 0)
      .toString('utf8');
    const counted = new Map<string, { count: number; firstAt: number }>();
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      let entry: {
        level?: string;
        time?: string;
        msg?: string;
        err?: { message?: string };
        connection?: string;
      };
      try {
        entry = JSON.parse(line);
      } catch {
        raw[name] = [...(raw[name] ?? []), line];
        continue;
      }
      if (!['warn', 'error', 'fatal'].includes(entry.level ?? '') && !/redis/i.test(entry.msg ?? ''))
        continue;
      const text = [entry.msg, entry.connection, entry.err?.message]
        .filter((part) => part !== undefined)
        .join(' · ');
      const seen = counted.get(text);
      if (seen === undefined)
        counted.set(text, { count: 1, firstAt: Date.parse(entry.time ?? '') - killedAt });
      else seen.count += 1;
    }
    out[name] = [...counted]
      .slice(0, 14)
      .map(
        ([line, { count, firstAt }]) =>
          `+${(firstAt / 1000).toFixed(2)} s  ${line}${count > 1 ? ` (×${count})` : ''}`,
      );
  }
  return { summary: out, raw };
}

/** A test file's processes and connections; `stop()` in afterAll ends them whatever happened. */
export interface RunContext {
  readonly runDir: string;
  readonly fleet: Fleet;
  /** Connections the run opened (closed by stop). */
  readonly connections: RedisConnection[];
  stop(): Promise<void>;
}

export function createRunContext(label: string): RunContext {
  const runDir = mkdtempSync(join(tmpdir(), `wdtk3-${label}-`));
  const fleet = new Fleet(runDir);
  const connections: RedisConnection[] = [];
  return {
    runDir,
    fleet,
    connections,
    stop: async () => {
      await fleet.stop(['extractor', 'loader', 'admin'], 10_000);
      for (const connection of connections.splice(0)) connection.disconnect();
      // KEEP_RUN_DIR=1 keeps every service's log of the run for a look after a failure.
      if (process.env.KEEP_RUN_DIR === undefined) rmSync(runDir, { recursive: true, force: true });
      else process.stdout.write(`run dir kept: ${runDir}\n`);
    },
  };
}

/**
 * The whole pipeline as real processes against one Redis topology; one failover mid-run; every
 * order then counted into exactly one bucket (in K3 once, dead-lettered with a code, missing,
 * duplicated). Measures the pause as figures for the report; asserts nothing about time.
 */
export async function runWithFailover(
  context: RunContext,
  options: FailoverRunOptions,
): Promise<FailoverRun> {
  const { runDir, fleet } = context;
  const runOptions = parseOptions(
    ['--orders', String(options.orders), '--invalid-rate', '0.02', '--loaders', '2'],
    {},
  );
  const toMs = Math.floor((Date.now() - 5 * 60_000) / 60_000) * 60_000;
  const window = { fromMs: toMs - 86_400_000, toMs };
  const dataset = createDataset({
    seed: runOptions.seed,
    count: runOptions.orders,
    fromMs: window.fromMs,
    toMs: window.toMs,
    shape: { unknownMaterialRate: 0.01, missingCustomerRate: 0.01 },
  });
  const settings = toRedisSettings(
    parseConfig(redisEnvSchema, { ...options.redisEnv, REDIS_PREFIX: options.prefix }),
  );
  const producer = createRedis(settings, 'producer', `${options.label}-test`);
  context.connections.push(producer);
  const queues = openQueues(producer, settings.queuePrefix);
  try {
    const endpoints = await startServices(
      fleet,
      runOptions,
      options.redisEnv,
      options.prefix,
      runDir,
      window,
      options.databaseUrl,
      {
        loader: { LOADER_RECONCILE_INTERVAL_MS: String(RECONCILE_INTERVAL_MS) },
      },
    );
    await waitFor(async () => (await k3Bills(endpoints.k3Url)) >= options.failAfterBills, {
      timeoutMs: 120_000,
      intervalMs: 50,
      description: `${options.failAfterBills} bills in K3 before the failover`,
    });
    const deadBefore = await deadLetters(queues);
    const completedBefore = await queues.orders.getCompletedCount();
    const offsets = new Map(SERVICES.map((name) => [name, statSync(join(runDir, `${name}.log`)).size]));

    // Both samplers run until orders flow again; they read K3 over HTTP and Redis through the
    // product's own factory (which reconnects by itself like the services do).
    const samples: Array<{ at: number; bills: number }> = [];
    const completions: Array<{ at: number; completed: number }> = [];
    let sampling = true;
    const k3Sampler = (async () => {
      while (sampling) {
        // Stamped when asked, not when answered: an answer to a question asked before the kill
        // says nothing about after it.
        const at = Date.now();
        samples.push({ at, bills: await k3Bills(endpoints.k3Url) });
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    })();
    const redisSampler = (async () => {
      while (sampling) {
        const at = Date.now();
        const completed = await queues.orders.getCompletedCount().catch(() => null);
        if (completed !== null) completions.push({ at, completed });
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    })();
    /** The first reading after the kill above the last one before it: an order finished after the kill. */
    const firstCompletionAt = (killedAt: number): number | null => {
      const before = completions.filter((item) => item.at <= killedAt).at(-1)?.completed ?? completedBefore;
      return completions.find((item) => item.at > killedAt && item.completed > before)?.at ?? null;
    };

    const failover = await options.failover();
    const promotedAt = Date.now();
    await options.afterFailover?.(failover);
    await waitFor(() => firstCompletionAt(failover.killedAt) !== null, {
      timeoutMs: 120_000,
      intervalMs: 50,
      description: 'an order job to complete after the failover',
    });
    const billsAtResume = await k3Bills(endpoints.k3Url);
    await waitFor(async () => (await k3Bills(endpoints.k3Url)) > billsAtResume + 200, {
      timeoutMs: 120_000,
      intervalMs: 50,
      description: 'bills to flow into K3 again after the failover',
    });
    sampling = false;
    await Promise.all([k3Sampler, redisSampler]);
    const logs = logsSince(runDir, offsets, failover.killedAt);

    const summary = await waitFor(
      async () => {
        const current = await reconcile(dataset, endpoints.k3Url, queues, 0);
        return current.missing === 0 && current.inK3 + current.deadLettered === dataset.count
          ? current
          : undefined;
      },
      { timeoutMs: 150_000, intervalMs: 1_000, description: 'every order in K3 once or dead-lettered' },
    ).catch(async (err: unknown) => {
      // The counts say more than "timed out": report them.
      const current = await reconcile(dataset, endpoints.k3Url, queues, 0);
      throw new Error(`${(err as Error).message}: ${JSON.stringify(current)}`);
    });

    // The ledger rode out the failover too: one row per order, each settled (saved or dead).
    const ledger = new pg.Client({ connectionString: options.databaseUrl });
    await ledger.connect();
    try {
      await waitFor(
        async () => {
          const { rows } = await ledger.query<{ n: string }>(
            "SELECT count(*) AS n FROM ledger_orders WHERE state IN ('saved', 'dead')",
          );
          return Number(rows[0]?.n) === dataset.count;
        },
        { timeoutMs: 120_000, intervalMs: 1_000, description: 'the ledger holds every order, settled' },
      );
    } finally {
      await ledger.end();
    }

    const timings = measure(samples, failover.killedAt, promotedAt, firstCompletionAt(failover.killedAt));
    return {
      summary,
      dataset,
      endpoints,
      failover,
      deadBefore,
      deadAfter: await deadLetters(queues),
      exited: fleet.members.filter((member) => member.proc.hasExited).map((member) => member.name),
      timings,
      logs: logs.summary,
      rawLines: logs.raw,
      producer,
      queues,
    };
  } catch (err) {
    await closeQueues(queues);
    throw err;
  }
}

function measure(
  samples: ReadonlyArray<{ at: number; bills: number }>,
  killedAt: number,
  promotedAt: number,
  firstCompletionAt: number | null,
): FailoverTimings {
  let longestGap = 0;
  let gapEnd = killedAt;
  let lastChange = killedAt;
  let previous: number | undefined;
  const atKill = samples.filter((sample) => sample.at <= killedAt).at(-1)?.bills ?? 0;
  // Only stretches that begin before the first order completed on the new master: the outage.
  // A later lull (the extractor between runs, the last orders trickling in) is not the failover's.
  const outageBefore = firstCompletionAt ?? Number.POSITIVE_INFINITY;
  for (const sample of samples.filter((item) => item.at > killedAt)) {
    if (previous !== undefined && sample.bills !== previous) {
      if (lastChange <= outageBefore && sample.at - lastChange > longestGap) {
        longestGap = sample.at - lastChange;
        gapEnd = sample.at;
      }
      lastChange = sample.at;
    }
    previous = sample.bills;
  }
  const beforeGapEnd = samples.filter((sample) => sample.at < gapEnd).at(-1)?.bills ?? atKill;
  return {
    promotionMs: promotedAt - killedAt,
    firstCompletionMs: firstCompletionAt === null ? null : firstCompletionAt - killedAt,
    longestK3GapMs: longestGap,
    billsLandedDuringOutage: beforeGapEnd - atKill,
  };
}

/** The report the issue asks for: printed, not asserted. */
export function formatFailoverReport(label: string, run: FailoverRun): string {
  const { timings, summary } = run;
  const seconds = (ms: number | null): string => (ms === null ? 'n/a' : `${(ms / 1000).toFixed(2)} s`);
  return [
    `[${label}] failover: killed ${run.failover.killed.name} (:${run.failover.killed.port}), promoted ${run.failover.promoted.name} (:${run.failover.promoted.port})`,
    `  kill → every node agrees on the new master  ${seconds(timings.promotionMs)}`,
    `  kill → first order completed after it       ${seconds(timings.firstCompletionMs)}`,
    `  longest stretch with no new bill in K3      ${seconds(timings.longestK3GapMs)} (${timings.billsLandedDuringOutage} in-flight bills landed right after the kill)`,
    `  orders ${summary.orders}: in K3 once ${summary.inK3}, dead-lettered ${summary.deadLettered} ${JSON.stringify(summary.deadLetteredByCode)}, missing ${summary.missing}, duplicated ${summary.duplicated}, in both ${summary.inBoth}, unexplained bills ${summary.unexplainedBills}`,
    `  (loaders run with LOADER_RECONCILE_INTERVAL_MS=${RECONCILE_INTERVAL_MS}: a dead letter whose copy failed in the outage is copied at the next sweep, 60 s by default)`,
    '  logged from the kill until orders flowed again (warn and above, and every redis line):',
    ...Object.entries(run.logs).flatMap(([name, lines]) => [
      `    ${name}:`,
      ...(lines.length === 0 ? ['      (nothing)'] : lines.map((line) => `      ${line}`)),
    ]),
  ].join('\n');
}
