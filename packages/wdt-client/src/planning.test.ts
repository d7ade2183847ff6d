import { describe, expect, it } from 'vitest';
import { planPages, planWindows } from './planning.ts';
import { MAX_WINDOW_MS, toBusinessParams } from './query.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2024, 0, 1);

describe('planWindows', () => {
  it('covers [from, to) with consecutive half-open windows of at most the span', () => {
    expect(planWindows(T0, T0 + 5 * HOUR, 2 * HOUR)).toEqual([
      { fromMs: T0, toMs: T0 + 2 * HOUR },
      { fromMs: T0 + 2 * HOUR, toMs: T0 + 4 * HOUR },
      { fromMs: T0 + 4 * HOUR, toMs: T0 + 5 * HOUR },
    ]);
    expect(planWindows(T0, T0, HOUR)).toEqual([]);
  });

  it('never plans a window longer than 30 days, whatever the span asked for', () => {
    const windows = planWindows(T0, T0 + 95 * DAY, 365 * DAY);
    expect(windows).toHaveLength(4);
    for (const w of windows) expect(w.toMs - w.fromMs).toBeLessThanOrEqual(MAX_WINDOW_MS);
    expect(windows.at(-1)?.toMs).toBe(T0 + 95 * DAY);
  });

  it('plans windows the query accepts even when the bounds are not whole seconds', () => {
    for (const w of planWindows(T0 + 500, T0 + 61 * DAY + 250, 60 * DAY)) {
      expect(() =>
        toBusinessParams({ startTime: w.fromMs, endTime: w.toMs, pageNo: 0, pageSize: 100 }, 's'),
      ).not.toThrow();
    }
  });

  it('refuses a reversed range or a span under a second', () => {
    expect(() => planWindows(T0 + 1, T0, HOUR)).toThrow(
      expect.objectContaining({ code: 'WDT_QUERY_INVALID' }),
    );
    expect(() => planWindows(T0, T0 + HOUR, 0)).toThrow(
      expect.objectContaining({ code: 'WDT_QUERY_INVALID' }),
    );
  });
});

describe('planPages', () => {
  it.each([
    [250, 100, [2, 1]],
    [300, 100, [2, 1]],
    [301, 100, [3, 2, 1]],
    [100, 100, []],
    [1, 40, []],
    [0, 40, []],
    [81, 40, [2, 1]],
  ])('total %d, size %d → %o (page 0 already fetched, last page first)', (total, size, pages) => {
    expect(planPages(total, size)).toEqual(pages);
  });

  it('refuses nonsense', () => {
    expect(() => planPages(-1, 100)).toThrow();
    expect(() => planPages(10, 0)).toThrow();
  });
});
