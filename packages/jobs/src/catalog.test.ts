import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { JOBS, type JobKey, jobKeysOf } from './catalog.ts';
import { assertHandlers, parseJobData } from './dispatch.ts';
import { JOB_ERROR_CODES } from './errors.ts';
import { orderJobId, replayJobId } from './ids.ts';
import { QUEUE_NAMES, QUEUES } from './queues.ts';

const source = { runId: 'run-1', kind: 'incremental', pageNo: 0, fetchedAt: 1_700_000_000_000 } as const;

describe('the job catalog', () => {
  it('names every job uniquely and files it under a known queue', () => {
    const names = Object.values(JOBS).map((job) => job.name);
    expect(new Set(names).size).toBe(names.length);
    for (const job of Object.values(JOBS)) expect(QUEUE_NAMES).toContain(job.queue);
    expect(jobKeysOf(QUEUES.orders)).toEqual(['orderLoad']);
    expect(jobKeysOf(QUEUES.sync).sort()).toEqual(['syncBackfill', 'syncCommit', 'syncOrders', 'syncTick']);
  });

  it('bounds retention of every job that can pile up, and keeps dead letters', () => {
    for (const key of ['orderLoad', 'pageFetch', 'syncCommit'] as const) {
      expect(JOBS[key].options.removeOnComplete).toMatchObject({ age: expect.any(Number) });
    }
    expect(JOBS.deadLetter.options.removeOnComplete).toBe(false);
    expect(JOBS.orderLoad.options.attempts).toBeGreaterThan(1);
  });

  it.each<[JobKey, unknown]>([
    ['orderLoad', { order: { stockout_id: 1 }, source }],
    ['orderLoad', { order: {}, source: { ...source, kind: 'replay', pageNo: null } }],
    ['syncBackfill', { fromMs: 1, toMs: 2 }],
    ['syncOrders', { stockoutNos: ['CK1'] }],
    [
      'pageFetch',
      {
        runId: 'r',
        kind: 'backfill',
        window: { fromMs: 0, toMs: 10 },
        numberFilter: null,
        filter: { status: [95], byModified: false },
        pageNo: 3,
        pageSize: 100,
        dryRun: false,
      },
    ],
  ])('accepts a valid %s payload', (key, data) => {
    expect(() => parseJobData(key, data)).not.toThrow();
  });

  it.each<[JobKey, unknown, RegExp]>([
    ['orderLoad', { order: 'CK1', source }, /order/],
    ['orderLoad', { order: {} }, /source/],
    ['syncOrders', { stockoutNos: [], srcTids: [] }, /at least one order/],
    ['syncBackfill', { fromMs: -1, toMs: 2 }, /fromMs/],
    [
      'pageFetch',
      {
        runId: 'r',
        kind: 'backfill',
        window: { fromMs: 10, toMs: 10 },
        numberFilter: null,
        filter: { status: [], byModified: false },
        pageNo: 0,
        pageSize: 500,
        dryRun: false,
      },
      /window.*toMs must be after fromMs.*status.*pageSize/,
    ],
  ])('refuses an invalid %s payload, naming every problem', (key, data, message) => {
    expect(() => parseJobData(key, data)).toThrow(message);
    try {
      parseJobData(key, data);
    } catch (err) {
      expect(err).toMatchObject({ code: JOB_ERROR_CODES.payloadInvalid, retryable: false });
    }
  });
});

describe('job ids', () => {
  it.each([
    [{ stockout_id: 700611 }, 'so-700611'],
    [{ stockout_id: '700611' }, 'so-700611'],
    [{ stockout_id: ' 42 ' }, 'so-42'],
  ])('orderJobId(%o) = %s', (order, id) => {
    expect(orderJobId(order)).toBe(id);
  });

  it('derives a stable content id when stockout_id is missing or unusable, independent of key order', () => {
    const a = orderJobId({ order_no: 'CK1', details_list: [{ a: 1, b: 2 }] });
    const b = orderJobId({ details_list: [{ b: 2, a: 1 }], order_no: 'CK1' });
    expect(a).toMatch(/^so-x-[0-9a-f]{32}$/);
    expect(a).toBe(b);
    expect(orderJobId({ stockout_id: 'a:b' })).toMatch(/^so-x-/);
    expect(orderJobId({ stockout_id: 1.5 })).toMatch(/^so-x-/);
    expect(orderJobId({ order_no: 'CK2' })).not.toBe(a);
  });

  it('gives replays fresh ids that never contain a colon', () => {
    expect(replayJobId('so-7', 1)).toBe('so-7-r1');
    expect(replayJobId('so-7-r1', 2)).toBe('so-7-r2');
  });
});

describe('assertHandlers', () => {
  it('passes when every job of the queue has exactly one handler', () => {
    expect(() => assertHandlers(QUEUES.orders, { orderLoad: async () => undefined })).not.toThrow();
  });

  it('names missing handlers and handlers of other queues', () => {
    expect(() =>
      assertHandlers(QUEUES.sync, { syncTick: async () => undefined, orderLoad: async () => undefined }),
    ).toThrow(/missing handlers \[syncBackfill, syncOrders, syncCommit\].*other queues \[orderLoad\]/);
  });
});

describe('README', () => {
  it('documents every error code', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    for (const code of Object.values(JOB_ERROR_CODES)) expect(readme).toContain(code);
  });
});
