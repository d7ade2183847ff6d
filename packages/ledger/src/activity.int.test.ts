import { type OrderEvent, parseEvent } from '@wdt-k3/jobs';
import { testLogger, usePostgresServer } from '@wdt-k3/testkit';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activity } from './activity.ts';
import { createPool } from './database.ts';
import { migrate } from './migrate.ts';
import { projectBatch } from './store.ts';

const HOUR = 3_600_000;
/** 2026-11-30 00:00 Beijing = 2026-11-29 16:00 UTC. */
const DAY_START = Date.UTC(2026, 10, 29, 16);

const extracted = (n: number, at: number): OrderEvent =>
  parseEvent('order.extracted', {
    orderKey: `so-${n}`,
    at,
    stockoutId: String(n),
    orderNo: `CK${n}`,
    stockoutNo: `CK${n}`,
    srcTradeNo: `T${n}`,
    logisticsNo: null,
    shopNo: 'tmall01',
    warehouseNo: 'WH01',
    consignTime: '2026-11-30 10:00:00',
    wdtStatus: 95,
    contentHash: `c${n}`,
    runId: 'inc-1',
    runKind: 'incremental',
  });
const saved = (n: number, at: number, already: boolean): OrderEvent =>
  parseEvent('order.saved', {
    orderKey: `so-${n}`,
    at,
    jobId: `so-${n}`,
    billNo: `CK${n}`,
    fid: String(n),
    already,
    billHash: null,
    bill: null,
  });
const dead = (n: number, at: number): OrderEvent =>
  parseEvent('order.dead_lettered', {
    orderKey: `so-${n}`,
    at,
    jobId: `so-${n}`,
    deadLetterId: `so-${n}`,
    code: 'K3_BASEDATA_MISSING',
    message: 'material missing',
    attempts: 1,
  });

describe('activity per Beijing day and hour, from the timeline', () => {
  const server = usePostgresServer();
  let pool: pg.Pool;
  beforeAll(async () => {
    pool = createPool(
      {
        url: await server().createDatabase('ledger_activity'),
        maxConnections: 2,
        statementTimeoutMs: 10_000,
        applicationName: 'test',
      },
      testLogger(),
    );
    await migrate(pool);
    const events = [
      // Day 1 (Beijing), 00:30 and 09:10: two orders read, one saved, one dead-lettered.
      extracted(1, DAY_START + HOUR / 2),
      saved(1, DAY_START + HOUR / 2 + 1000, false),
      extracted(2, DAY_START + 9 * HOUR + 600_000),
      dead(2, DAY_START + 9 * HOUR + 601_000),
      // A retried save of order 1 in the same day is the same order, counted once.
      saved(1, DAY_START + 10 * HOUR, false),
      // Day 2, 23:59:59 Beijing (15:59:59 UTC): found already in K3.
      extracted(3, DAY_START + 48 * HOUR - 1000),
      saved(3, DAY_START + 48 * HOUR - 500, true),
    ];
    await projectBatch(
      pool,
      events.map((event, index) => ({
        id: `${event.data.at}-${index}`,
        fields: { type: event.type, data: JSON.stringify(event.data) },
      })),
      DAY_START,
    );
  });
  afterAll(async () => pool.end());

  it('counts each order once per day and kind, lists empty days, and cuts days at Beijing midnight', async () => {
    const days = await activity(pool, DAY_START - 24 * HOUR, DAY_START + 48 * HOUR, 'day');
    expect(days).toEqual([
      { bucket: '2026-11-29', read: 0, saved: 0, alreadySaved: 0, deadLettered: 0 },
      { bucket: '2026-11-30', read: 2, saved: 1, alreadySaved: 0, deadLettered: 1 },
      { bucket: '2026-12-01', read: 1, saved: 0, alreadySaved: 1, deadLettered: 0 },
    ]);
  });

  it('buckets by the Beijing hour, and excludes what lies outside the range', async () => {
    const hours = await activity(pool, DAY_START, DAY_START + 10 * HOUR, 'hour');
    expect(hours).toHaveLength(10);
    expect(hours[0]).toEqual({
      bucket: '2026-11-30 00:00',
      read: 1,
      saved: 1,
      alreadySaved: 0,
      deadLettered: 0,
    });
    expect(hours[9]).toEqual({
      bucket: '2026-11-30 09:00',
      read: 1,
      saved: 0,
      alreadySaved: 0,
      deadLettered: 1,
    });
    expect(hours.slice(1, 9).every((hour) => hour.read + hour.saved + hour.deadLettered === 0)).toBe(true);
  });
});
