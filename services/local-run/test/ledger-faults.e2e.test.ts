import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openQueues, type PipelineQueues } from '@wdt-k3/jobs';
import {
  createRedis,
  parseConfig,
  type RedisConnection,
  redisEnvSchema,
  toRedisSettings,
} from '@wdt-k3/runtime';
import { createDataset } from '@wdt-k3/sim-data';
import { findFreePort, usePostgresServer, useRedisServer, waitFor } from '@wdt-k3/testkit';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { Fleet } from '../src/fleet.ts';
import { parseOptions } from '../src/options.ts';
import { k3BillNumbers, reconcile } from '../src/reconcile.ts';
import { startServices } from '../src/services.ts';

/**
 * The ledger under faults, with the whole pipeline as real processes: 10,000 orders with K3 and
 * WDT faults, the ledger killed -9 twice, then PostgreSQL stopped while orders keep flowing
 * and started again once every order is in K3 or dead-lettered. The ledger must converge to one
 * row per order whose state matches K3 and the dead-letter queue.
 */
describe('the ledger under faults', () => {
  const redis = useRedisServer();
  const postgres = usePostgresServer();
  const runDir = mkdtempSync(join(tmpdir(), 'wdtk3-ledger-faults-'));
  const fleet = new Fleet(runDir);
  let producer: RedisConnection | undefined;
  let queues: PipelineQueues | undefined;
  afterAll(async () => {
    await Promise.allSettled(Object.values(queues ?? {}).map((queue) => queue.close()));
    producer?.disconnect();
    await fleet.stop(['extractor', 'loader', 'admin', 'ledger'], 10_000);
    rmSync(runDir, { recursive: true, force: true });
  });

  it('keeps one row per order matching K3 and the dead letters through two kill -9 and a PostgreSQL outage', async () => {
    const options = parseOptions(
      ['--orders', '10000', '--k3-fault-rate', '0.1', '--wdt-fault-rate', '0.05', '--invalid-rate', '0.01'],
      {},
    );
    const toMs = Math.floor((Date.now() - 5 * 60_000) / 60_000) * 60_000;
    const window = { fromMs: toMs - 86_400_000, toMs };
    const databaseUrl = await postgres().createDatabase('ledger_faults');
    const prefix = 'faults';
    const endpoints = await startServices(fleet, options, redis().url, prefix, runDir, window, databaseUrl);
    producer = createRedis(
      toRedisSettings(parseConfig(redisEnvSchema, { REDIS_URL: redis().url, REDIS_PREFIX: prefix })),
      'producer',
      'ledger-faults',
    );
    queues = openQueues(producer, `{${prefix}}`);
    const db = new pg.Pool({ connectionString: databaseUrl, max: 2 });
    db.on('error', () => undefined);
    const rows = async (): Promise<number> =>
      (
        await db
          .query<{ n: number }>('SELECT count(*)::int AS n FROM ledger_orders')
          .catch(() => ({ rows: [{ n: -1 }] }))
      ).rows[0]?.n ?? -1;
    const ledgerEnv = async () => ({
      REDIS_URL: redis().url,
      REDIS_PREFIX: prefix,
      DATABASE_URL: databaseUrl,
      OPS_PORT: String(await findFreePort()),
      LOG_LEVEL: 'info',
    });
    try {
      for (const [threshold, name] of [
        [2_000, 'ledger-2'],
        [5_000, 'ledger-3'],
      ] as const) {
        await waitFor(async () => (await rows()) >= threshold, {
          timeoutMs: 150_000,
          intervalMs: 250,
          description: `${threshold} rows`,
        });
        const running = fleet.members.filter(
          (member) => member.name.startsWith('ledger') && !member.proc.hasExited,
        );
        for (const member of running) {
          member.proc.signal('SIGKILL');
          await member.proc.exited;
        }
        await fleet.start(name, 'ledger', await ledgerEnv(), /"msg":"ledger consuming"/);
      }

      // PostgreSQL goes away; the pipeline does not wait for it.
      await postgres().stop();
      const dataset = createDataset({
        seed: options.seed,
        count: options.orders,
        fromMs: window.fromMs,
        toMs: window.toMs,
        shape: { unknownMaterialRate: 0.005, missingCustomerRate: 0.005 },
      });
      const summary = await waitFor(
        async () => {
          const current = await reconcile(dataset, endpoints.k3Url, queues as PipelineQueues, 0);
          return current.missing === 0 ? current : undefined;
        },
        {
          timeoutMs: 170_000,
          intervalMs: 1_000,
          description: 'every order in K3 or dead-lettered while PostgreSQL is down',
        },
      );
      expect(summary).toMatchObject({ duplicated: 0, inBoth: 0, unexplainedBills: 0 });
      expect(await producer.xlen(`{${prefix}}:events`)).toBeGreaterThan(0);
      await postgres().start();

      let lastStates: Record<string, number> = {};
      await waitFor(
        async () => {
          const states = await db.query<{ state: string; n: number }>(
            'SELECT state, count(*)::int AS n FROM ledger_orders GROUP BY state',
          );
          const by = Object.fromEntries(states.rows.map((row) => [row.state, row.n]));
          lastStates = by;
          return (
            (by.saved ?? 0) + (by.changed ?? 0) === summary.inK3 && (by.dead ?? 0) === summary.deadLettered
          );
        },
        {
          timeoutMs: 120_000,
          intervalMs: 500,
          description: 'the ledger converged after PostgreSQL came back',
        },
      ).catch((err: unknown) => {
        // Say where it stood: the ledger's states against K3, and what the ledger last logged.
        const ledgerLines = fleet.members
          .filter((member) => member.name.startsWith('ledger'))
          .flatMap((member) => member.proc.lines.slice(-8).map((line) => `${member.name}: ${line}`));
        throw new Error(
          `${(err as Error).message}; ledger ${JSON.stringify(lastStates)} vs K3 ${summary.inK3} saved, ${summary.deadLettered} dead\n${ledgerLines.join('\n')}`,
        );
      });
      const bills = await k3BillNumbers(endpoints.k3Url);
      const dead = new Set((await queues.failed.getJobs(['wait'], 0, -1)).map((job) => String(job.id)));
      const ledger = new Map(
        (
          await db.query<{ order_key: string; state: string }>('SELECT order_key, state FROM ledger_orders')
        ).rows.map((row) => [row.order_key, row.state]),
      );
      expect(ledger.size).toBe(dataset.count);
      const mismatched: string[] = [];
      for (let index = 0; index < dataset.count; index += 1) {
        const order = dataset.orderAt(index);
        const key = `so-${order.stockout_id}`;
        const expected = bills.get(order.order_no) === 1 ? 'saved' : dead.has(key) ? 'dead' : 'none';
        if (ledger.get(key) !== expected)
          mismatched.push(`${key}: ledger ${ledger.get(key)}, expected ${expected}`);
      }
      expect(mismatched).toEqual([]);
      // Every order's timeline starts with its extraction and holds its outcome.
      const timelines = await db.query<{ extracted: number; outcomes: number }>(
        `SELECT count(*) FILTER (WHERE type = 'order.extracted')::int AS extracted,
                count(DISTINCT order_key) FILTER (WHERE type IN ('order.saved', 'order.dead_lettered'))::int AS outcomes
         FROM ledger_events`,
      );
      expect(timelines.rows[0]?.extracted).toBeGreaterThanOrEqual(dataset.count);
      expect(timelines.rows[0]?.outcomes).toBe(dataset.count);
      const rejected = await db.query('SELECT count(*)::int AS n FROM ledger_rejected_events');
      expect(rejected.rows[0].n).toBe(0);
    } finally {
      await db.end();
    }
  }, 480_000); // 10,000 orders with faults: ~90 s alone, several times that beside the rest of the suite.
});
