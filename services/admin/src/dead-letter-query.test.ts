import { describe, expect, it } from 'vitest';
import { decodeCursor } from './cursor.ts';
import {
  type DeadLetterSummary,
  pageDeadLetters,
  summarizeDeadLetter,
  UNREADABLE_CODE,
} from './dead-letter-query.ts';

function letter(
  id: string,
  failedAt: number,
  code: string,
  order: Record<string, unknown> = {},
): DeadLetterSummary {
  return summarizeDeadLetter(
    id,
    {
      order: { stockout_id: id.replace('so-', ''), order_no: `CK-${id}`, ...order },
      originalJobId: id,
      source: { runId: 'r', kind: 'incremental', pageNo: 0, fetchedAt: 0 },
      error: { code, message: 'm', retryable: false, msgCode: null, fieldErrors: [] },
      attemptsMade: 1,
      firstEnqueuedAt: 0,
      failedAt,
      history: [],
    },
    0,
  );
}

const all = [
  letter('so-3', 300, 'MAP_INVALID_PRICE'),
  letter('so-1', 100, 'K3_BASEDATA_MISSING', { src_tids: 'TB-1, TB-2' }),
  letter('so-2', 100, 'K3_BASEDATA_MISSING'),
  letter('so-4', 400, 'K3_BASEDATA_MISSING', { src_trade_no: 'TB-9' }),
];

describe('summarizeDeadLetter', () => {
  it('keeps what a listing shows and the numbers a person searches by', () => {
    expect(all[1]).toMatchObject({ id: 'so-1', readable: true, orderNo: 'CK-so-1', stockoutId: '1' });
    expect(all[1]?.numbers).toEqual(expect.arrayContaining(['ck-so-1', '1', 'tb-1', 'tb-2']));
  });

  it('still lists a dead letter whose data breaks the schema, dated by its job', () => {
    expect(summarizeDeadLetter('so-9', { order: { order_no: 'CK9' } }, 42)).toMatchObject({
      readable: false,
      failedAt: 42,
      code: UNREADABLE_CODE,
      orderNo: 'CK9',
    });
    expect(summarizeDeadLetter('so-9', 'garbage', 42)).toMatchObject({ readable: false, orderNo: null });
  });
});

describe('pageDeadLetters', () => {
  it('orders by failedAt then id and pages with a cursor until the end', () => {
    const first = pageDeadLetters(all, {}, null, 2);
    expect(first.items.map((item) => item.id)).toEqual(['so-1', 'so-2']);
    expect(first.total).toBe(4);
    const second = pageDeadLetters(all, {}, decodeCursor(first.nextCursor ?? ''), 2);
    expect(second.items.map((item) => item.id)).toEqual(['so-3', 'so-4']);
    expect(second.nextCursor).toBeNull();
  });

  it('keeps its place when the item under the cursor is gone meanwhile', () => {
    const first = pageDeadLetters(all, {}, null, 1);
    const withoutFirst = all.filter((item) => item.id !== 'so-1');
    expect(
      pageDeadLetters(withoutFirst, {}, decodeCursor(first.nextCursor ?? ''), 5).items.map((i) => i.id),
    ).toEqual(['so-2', 'so-3', 'so-4']);
  });

  it('filters by code, any number (case-insensitive) and a half-open time range', () => {
    expect(pageDeadLetters(all, { codes: ['MAP_INVALID_PRICE'] }, null, 10).items.map((i) => i.id)).toEqual([
      'so-3',
    ]);
    expect(pageDeadLetters(all, { number: 'tb-2' }, null, 10).items.map((i) => i.id)).toEqual(['so-1']);
    expect(pageDeadLetters(all, { number: 'TB-9' }, null, 10).items.map((i) => i.id)).toEqual(['so-4']);
    expect(pageDeadLetters(all, { fromMs: 100, toMs: 400 }, null, 10).items.map((i) => i.id)).toEqual([
      'so-1',
      'so-2',
      'so-3',
    ]);
  });

  it('totals by code over every filter but the code, so the other codes stay visible', () => {
    const page = pageDeadLetters(all, { codes: ['MAP_INVALID_PRICE'], toMs: 400 }, null, 10);
    expect(page.total).toBe(1);
    expect(page.byCode).toEqual({ K3_BASEDATA_MISSING: 2, MAP_INVALID_PRICE: 1 });
  });
});
