import { createEventEmitter, eventStreamKey, type OrderEvent, parseEvent } from '@wdt-k3/jobs';
import { testLogger, usePostgresServer, useRedisServer, waitFor } from '@wdt-k3/testkit';
import { Redis } from 'ioredis';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLedgerConsumer } from './consumer.ts';
import { createPool } from './database.ts';
import { migrate } from './migrate.ts';
import { MIGRATIONS } from './migrations.ts';
import { counts, findOrders, timelineOf } from './queries.ts';
import { projectBatch, type StreamEntry } from './store.ts';

const PREFIX = '{ledgertest}';
const AT = Date.UTC(2026, 10, 30, 2);

function orderEvents(n: number): OrderEvent[] {
  const key = `so-${n}`;
  return [
    parseEvent('order.extracted', {
      orderKey: key,
      at: AT + n,
      stockoutId: String(n),
      orderNo: `CK${n}`,
      stockoutNo: `CK${n}`,
      srcTradeNo: `T${n}`,
      logisticsNo: `SF${n}`,
      shopNo: 'tmall01',
      warehouseNo: 'WH01',
      consignTime: '2026-11-30 10:00:00',
      wdtStatus: 95,
      contentHash: `c${n}`,
      runId: 'inc-1',
      runKind: 'incremental',
    }),
    parseEvent('order.saved', {
      orderKey: key,
      at: AT + n + 1,
      jobId: key,
      billNo: `CK${n}`,
      fid: String(100_000 + n),
      already: false,
      billHash: `h${n}`,
      bill: { FBillNo: `CK${n}` },
      contentHash: `c${n}`,
    }),
  ];
}

describe('the ledger consumer, on a real Redis stream and a real PostgreSQL', () => {
  const redisServer = useRedisServer();
  const pgServer = usePostgresServer();
  let redis: Redis;
  let blocking: Redis;
  let pool: pg.Pool;
  beforeAll(async () => {
    redis = new Redis(redisServer().url);
    blocking = new Redis(redisServer().url, { maxRetriesPerRequest: null });
    pool = createPool(
      {
        url: await pgServer().createDatabase('ledger_consumer'),
        maxConnections: 4,
        statementTimeoutMs: 10_000,
        applicationName: 'test',
      },
      testLogger(),
    );
  });
  afterAll(async () => {
    redis.disconnect();
    blocking.disconnect();
    await pool.end();
  });

  it('applies its migrations exactly once even when three starts race', async () => {
    const applied = await Promise.all([migrate(pool), migrate(pool), migrate(pool)]);
    expect(applied.flat()).toEqual(MIGRATIONS.map((migration) => migration.version).sort((a, b) => a - b));
    expect(applied.flat().length).toBeGreaterThan(1);
    expect(await migrate(pool)).toEqual([]);
  });

  it('projects idempotently: the same batch twice changes nothing the second time', async () => {
    const entries: StreamEntry[] = orderEvents(900_001).map((event, index) => ({
      id: `${AT}-${index}`,
      fields: { type: event.type, data: JSON.stringify(event.data) },
    }));
    await projectBatch(pool, entries, AT);
    const [first] = await findOrders(pool, 'CK900001');
    await projectBatch(pool, entries, AT);
    const [second] = await findOrders(pool, 'CK900001');
    expect(second).toEqual(first);
    expect(await timelineOf(pool, 'so-900001')).toHaveLength(2);
  });

  it('projects every event, keeps a malformed one aside, survives PostgreSQL going away, and trims only what it acknowledged', async () => {
    const emitter = createEventEmitter(redis, PREFIX);
    const errors: unknown[] = [];
    const consumer = startLedgerConsumer({
      redis,
      blocking,
      pool,
      prefix: PREFIX,
      settings: { consumer: 'test', batchSize: 200, blockMs: 200, claimIdleMs: 30_000 },
      logger: testLogger(),
      hooks: { onError: (err) => errors.push(err) },
    });
    try {
      for (let n = 1; n <= 1000; n += 1) await emitter.emit(orderEvents(n));
      await redis.xadd(eventStreamKey(PREFIX), '*', 'type', 'order.saved', 'data', '{"orderKey": 5}');
      await waitFor(async () => (await counts(pool)).byState.saved >= 1001, {
        description: 'the first thousand projected',
      });
      const rejected = await pool.query('SELECT reason FROM ledger_rejected_events');
      expect(rejected.rows).toHaveLength(1);
      expect(rejected.rows[0].reason).toMatch(/orderKey/);
      await waitFor(async () => (await redis.xlen(eventStreamKey(PREFIX))) <= 1, {
        description: 'the stream trimmed',
      });

      await pgServer().kill();
      for (let n = 1001; n <= 1500; n += 1) await emitter.emit(orderEvents(n));
      await waitFor(() => errors.length > 0, { description: 'a batch refused by the dead PostgreSQL' });
      // Nothing acknowledged, nothing trimmed: the stream holds every event until PostgreSQL is back.
      expect(await redis.xlen(eventStreamKey(PREFIX))).toBeGreaterThanOrEqual(1000);
      expect((await consumer.lag(Date.now())).events).toBeGreaterThanOrEqual(1000);
      await pgServer().start();
      await waitFor(async () => (await counts(pool).catch(() => undefined))?.byState.saved === 1501, {
        timeoutMs: 60_000,
        description: 'the ledger caught up after PostgreSQL came back',
      });
      await waitFor(async () => (await consumer.lag(Date.now())).events === 0, {
        description: 'no lag left',
      });
      const [order] = await findOrders(pool, 'SF1234');
      expect(order).toMatchObject({ orderKey: 'so-1234', state: 'saved', k3Fid: '101234' });
    } finally {
      await emitter.close();
      await consumer.stop();
    }
  });
});
