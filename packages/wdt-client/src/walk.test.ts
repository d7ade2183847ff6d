import { formatBeijingTime } from '@wdt-k3/runtime';
import { describe, expect, it } from 'vitest';
import {
  keysetOutcome,
  type SegmentAnswer,
  sliceOutcome,
  splitEvenly,
  uncovered,
  verifyRankWalk,
} from './walk.ts';

const T0 = Date.UTC(2026, 10, 1, 0, 0, 0);
const S = 1000;
const segment = { fromMs: T0, toMs: T0 + 100 * S };
const row = (offsetSec: number, id = offsetSec): Record<string, unknown> => ({
  stockout_id: id,
  consign_time: formatBeijingTime(T0 + offsetSec * S),
});
const answer = (
  rows: Record<string, unknown>[],
  totalCount: number | undefined,
  pageSize = 4,
): SegmentAnswer => ({
  segment,
  rows,
  totalCount,
  requestedPageSize: pageSize,
  timeField: 'consign_time',
});

describe('keysetOutcome', () => {
  it('is complete when the answer holds the whole range', () => {
    expect(keysetOutcome(answer([row(1), row(2)], 2))).toEqual({ kind: 'complete', covered: segment });
    expect(keysetOutcome(answer([], 0))).toEqual({ kind: 'complete', covered: segment });
    // Without total_count, a page that is not full ends the range.
    expect(keysetOutcome(answer([row(1)], undefined))).toEqual({ kind: 'complete', covered: segment });
  });

  it('proves everything before the last row’s second and continues at that second', () => {
    expect(keysetOutcome(answer([row(1), row(3), row(3), row(7)], 9))).toEqual({
      kind: 'advance',
      covered: { fromMs: T0, toMs: T0 + 7 * S },
      next: { fromMs: T0 + 7 * S, toMs: segment.toMs },
    });
  });

  it('keeps going when WDT honours a smaller page than asked', () => {
    const outcome = keysetOutcome(answer([row(1), row(2)], 9, 100));
    expect(outcome).toMatchObject({ kind: 'advance', next: { fromMs: T0 + 2 * S } });
  });

  it('reads a second that fills the page by rank, then continues after it', () => {
    expect(keysetOutcome(answer([row(0, 1), row(0, 2), row(0, 3), row(0, 4)], 9))).toEqual({
      kind: 'dense',
      second: { fromMs: T0, toMs: T0 + S },
      next: { fromMs: T0 + S, toMs: segment.toMs },
    });
  });

  it.each([
    ['unsorted rows', [row(5), row(2), row(9), row(10)]],
    ['a row before the range', [row(-1), row(2), row(3), row(4)]],
    ['a row after the range', [row(1), row(2), row(3), row(100)]],
    ['a row without its time', [row(1), { stockout_id: 9 }, row(3), row(4)]],
  ])('falls back to slices on %s', (_name, rows) => {
    const outcome = keysetOutcome(answer(rows, 40));
    expect(outcome.kind).toBe('split');
    if (outcome.kind !== 'split') return;
    expect(outcome.reason).toBe('unsorted');
    expect(uncovered(segment, outcome.parts)).toEqual([]);
  });
});

describe('sliceOutcome', () => {
  it('proves a slice only from a whole answer, cuts it otherwise, and reads one second by rank', () => {
    expect(sliceOutcome(answer([row(1)], 1))).toEqual({ kind: 'complete', covered: segment });
    const cut = sliceOutcome(answer([row(1), row(2), row(3), row(4)], 30));
    expect(cut).toMatchObject({ kind: 'split', reason: 'overflow' });
    const one = { fromMs: T0, toMs: T0 + S };
    expect(sliceOutcome({ ...answer([row(0), row(0), row(0), row(0)], 8), segment: one })).toEqual({
      kind: 'dense',
      second: one,
      next: null,
    });
  });
});

describe('splitEvenly', () => {
  it('covers the range exactly with slices on whole seconds sized below a page', () => {
    const parts = splitEvenly(segment, {
      totalCount: 50,
      rows: [row(1), row(2), row(3), row(4)],
      requestedPageSize: 4,
    });
    expect(parts.length).toBeGreaterThanOrEqual(17);
    expect(uncovered(segment, parts)).toEqual([]);
    expect(parts.every((part) => part.fromMs % S === 0 && part.toMs > part.fromMs)).toBe(true);
    expect(
      splitEvenly({ fromMs: T0, toMs: T0 + 3 * S }, { totalCount: 500, rows: [], requestedPageSize: 4 }),
    ).toHaveLength(3);
  });
});

describe('uncovered', () => {
  it('names every gap between the proofs', () => {
    const at = (from: number, to: number) => ({ fromMs: T0 + from * S, toMs: T0 + to * S });
    expect(uncovered(at(0, 100), [at(0, 10), at(10, 40), at(35, 100)])).toEqual([]);
    expect(uncovered(at(0, 100), [at(50, 100), at(0, 20)])).toEqual([at(20, 50)]);
    expect(uncovered(at(0, 100), [])).toEqual([at(0, 100)]);
    expect(uncovered(at(0, 100), [at(0, 60)])).toEqual([at(60, 100)]);
  });
});

describe('verifyRankWalk', () => {
  it('accepts a walk that saw nothing change and names what changed otherwise', () => {
    expect(verifyRankWalk({ firstTotal: 250, lastTotal: 250, distinct: 250, returned: 250 })).toEqual({
      ok: true,
    });
    expect(verifyRankWalk({ firstTotal: 250, lastTotal: 249, distinct: 250, returned: 250 })).toMatchObject({
      ok: false,
    });
    expect(verifyRankWalk({ firstTotal: 250, lastTotal: 250, distinct: 249, returned: 250 })).toMatchObject({
      ok: false,
    });
    expect(verifyRankWalk({ firstTotal: 250, lastTotal: 250, distinct: 250, returned: 251 })).toMatchObject({
      ok: false,
    });
  });
});
