/**
 * The ledger's figures (issue 13), printed, not asserted:
 *  1. projection speed: N orders' events (extracted + saved, the bill as the loader builds it)
 *     written to the stream, then projected by one consumer: events/s; and PostgreSQL bytes per
 *     order once they are in;
 *  2. the pipeline with the ledger on vs off, side by side in the same run: extractor, two
 *     loaders and both simulators at zero latency, M orders, from start to the last bill.
 * Run: node services/ledger/bench/ledger.bench.ts [orders=100000] [pipelineOrders=20000]
 * Each part checks its own result (every order projected once; every order in K3 once).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { contentHashOf, eventStreamKey, orderJobId, stableHash } from '@wdt-k3/jobs';
import { counts, createPool, migrate, startLedgerConsumer } from '@wdt-k3/ledger';
import { DEFAULT_MAPPING_PROFILE, mapStockoutToSalOutstock, parseWdtStockoutOrder } from '@wdt-k3/mapping';
import { createDataset } from '@wdt-k3/sim-data';
import { startPostgresServer, startRedisServer, testLogger, waitFor } from '@wdt-k3/testkit';
import { Redis } from 'ioredis';
import { Fleet } from '../../local-run/src/fleet.ts';
import { parseOptions } from '../../local-run/src/options.ts';
import { k3BillNumbers } from '../../local-run/src/reconcile.ts';
import { startServices } from '../../local-run/src/services.ts';

const orders = Number(process.argv[2] ?? 100_000);
const pipelineOrders = Number(process.argv[3] ?? 20_000);
const PREFIX = '{bench}';

async function projection(): Promise<void> {
  const redisServer = await startRedisServer({ appendOnly: false });
  const pgServer = await startPostgresServer();
  const redis = new Redis(redisServer.url);
  const blocking = new Redis(redisServer.url, { maxRetriesPerRequest: null });
  const pool = createPool({
    url: await pgServer.createDatabase('ledger_bench'),
    maxConnections: 4,
    statementTimeoutMs: 60_000,
    applicationName: 'bench',
  });
  try {
    await migrate(pool);
    const dataset = createDataset({
      seed: 3,
      count: orders,
      fromMs: Date.UTC(2026, 10, 1),
      toMs: Date.UTC(2026, 10, 30),
    });
    const key = eventStreamKey(PREFIX);
    const at = Date.now();
    for (let start = 0; start < orders; start += 1_000) {
      const pipeline = redis.pipeline();
      for (let index = start; index < Math.min(orders, start + 1_000); index += 1) {
        const order = dataset.orderAt(index);
        const orderKey = orderJobId(order);
        const parsed = parseWdtStockoutOrder(order);
        const mapped = parsed.ok
          ? mapStockoutToSalOutstock(
              parsed.value,
              DEFAULT_MAPPING_PROFILE,
              { salesmanNumber: null, salesOrder: null },
              { linkMode: 'optional' },
            )
          : null;
        const bill = mapped?.ok === true ? (mapped.value as unknown as Record<string, unknown>) : null;
        const contentHash = contentHashOf(order);
        pipeline.xadd(
          key,
          '*',
          'type',
          'order.extracted',
          'data',
          JSON.stringify({
            orderKey,
            at,
            stockoutId: String(order.stockout_id),
            orderNo: order.order_no,
            stockoutNo: order.order_no,
            srcTradeNo: order.src_trade_no,
            logisticsNo: String(order.logistics_no),
            shopNo: order.shop_no,
            warehouseNo: order.warehouse_no,
            consignTime: order.consign_time,
            wdtStatus: order.status,
            contentHash,
            runId: 'inc-bench',
            runKind: 'incremental',
          }),
        );
        pipeline.xadd(
          key,
          '*',
          'type',
          'order.saved',
          'data',
          JSON.stringify({
            orderKey,
            at: at + 1,
            jobId: orderKey,
            billNo: order.order_no,
            fid: String(100_000 + index),
            already: false,
            billHash: bill === null ? null : stableHash(bill),
            bill,
            contentHash,
          }),
        );
      }
      await pipeline.exec();
    }
    const events = await redis.xlen(key);
    const started = performance.now();
    const consumer = startLedgerConsumer({
      redis,
      blocking,
      pool,
      prefix: PREFIX,
      settings: { consumer: 'bench', batchSize: 1_000, blockMs: 200, claimIdleMs: 60_000 },
      logger: testLogger(),
    });
    await waitFor(async () => (await counts(pool)).byState.saved === orders, {
      timeoutMs: 1_800_000,
      intervalMs: 250,
      description: 'every order projected',
    });
    const seconds = (performance.now() - started) / 1000;
    await consumer.stop();
    const size = await pool.query<{ orders: string; events: string }>(
      "SELECT pg_total_relation_size('ledger_orders')::text AS orders, pg_total_relation_size('ledger_events')::text AS events",
    );
    const bytes = Number(size.rows[0]?.orders) + Number(size.rows[0]?.events);
    console.log(
      `ledger projection: ${events.toLocaleString('en-US')} events of ${orders.toLocaleString('en-US')} orders in ${seconds.toFixed(1)} s = ` +
        `${Math.round(events / seconds).toLocaleString('en-US')} events/s (goal ≥ 5,000); PostgreSQL ${Math.round(bytes / orders).toLocaleString('en-US')} bytes per order ` +
        `(orders ${Math.round(Number(size.rows[0]?.orders) / orders)}, timeline ${Math.round(Number(size.rows[0]?.events) / orders)})`,
    );
  } finally {
    redis.disconnect();
    blocking.disconnect();
    await pool.end();
    await pgServer.dispose();
    await redisServer.dispose();
  }
}

async function pipeline(ledger: boolean): Promise<number> {
  const redis = await startRedisServer({ appendOnly: false });
  const pg = ledger ? await startPostgresServer() : undefined;
  const runDir = mkdtempSync(join(tmpdir(), 'wdtk3-bench-'));
  const fleet = new Fleet(runDir);
  try {
    const options = parseOptions(['--orders', String(pipelineOrders), '--wdt-rate-limit', '100000'], {});
    const toMs = Math.floor((Date.now() - 5 * 60_000) / 60_000) * 60_000;
    const window = { fromMs: toMs - 86_400_000, toMs };
    const endpoints = await startServices(
      fleet,
      options,
      redis.url,
      'bench',
      runDir,
      window,
      pg === undefined ? null : await pg.createDatabase('pipeline_bench'),
    );
    // From the moment every process is up (the extractor starts last and reads at once).
    const started = performance.now();
    await waitFor(async () => (await k3BillNumbers(endpoints.k3Url)).size === pipelineOrders, {
      timeoutMs: 1_800_000,
      intervalMs: 500,
      description: 'every order in K3',
    });
    const seconds = (performance.now() - started) / 1000;
    const bills = await k3BillNumbers(endpoints.k3Url);
    if ([...bills.values()].some((n) => n !== 1)) throw new Error('a bill was saved twice');
    return pipelineOrders / seconds;
  } finally {
    await fleet.stop(['extractor', 'loader', 'admin', 'ledger'], 10_000);
    await pg?.dispose();
    await redis.dispose();
    rmSync(runDir, { recursive: true, force: true });
  }
}

await projection();
const off = await pipeline(false);
const on = await pipeline(true);
console.log(
  `pipeline (${pipelineOrders.toLocaleString('en-US')} orders, start to last bill, zero latency): ledger off ${Math.round(off).toLocaleString('en-US')} orders/s, ` +
    `on ${Math.round(on).toLocaleString('en-US')} orders/s: on/off ${(on / off).toFixed(2)} (goal ≥ 0.9)`,
);
