import { describe, expect, it } from 'vitest';
import { MAX_WINDOW_MS, toBusinessParams } from './query.ts';

const T0 = Date.UTC(2023, 11, 31, 16, 0, 0); // 2024-01-01 00:00:00 Beijing
const DAY = 86_400_000;

describe('toBusinessParams', () => {
  it('sends a half-open window as WDT inclusive seconds: end_time = end − 1 s', () => {
    expect(
      toBusinessParams({ startTime: T0, endTime: T0 + DAY, pageNo: 0, pageSize: 100 }, 'shop-a'),
    ).toEqual({
      sid: 'shop-a',
      start_time: '2024-01-01 00:00:00',
      end_time: '2024-01-01 23:59:59',
      page_no: '0',
      page_size: '100',
    });
  });

  it('rounds a window that is not on whole seconds outwards, never leaving a gap', () => {
    const params = toBusinessParams(
      { startTime: T0 + 400, endTime: T0 + 10_600, pageNo: 0, pageSize: 1 },
      's',
    );
    expect([params.start_time, params.end_time]).toEqual(['2024-01-01 00:00:00', '2024-01-01 00:00:10']);
  });

  it('maps every filter to its WDT name', () => {
    const params = toBusinessParams(
      {
        startTime: T0,
        endTime: T0 + DAY,
        pageNo: 3,
        pageSize: 40,
        status: [95, 105, 110],
        shopNo: '天猫店',
        warehouseNo: 'WH01',
        byModified: true,
        srcOrderNo: 'JY1',
        srcTid: '123',
        stockoutNo: 'CK1',
      },
      's',
    );
    expect(params).toMatchObject({
      status: '95,105,110',
      shop_no: '天猫店',
      warehouse_no: 'WH01',
      is_by_modified: '1',
      src_order_no: 'JY1',
      src_tid: '123',
      stockout_no: 'CK1',
      page_no: '3',
      page_size: '40',
    });
  });

  it('accepts a number filter without a window', () => {
    expect(toBusinessParams({ stockoutNo: 'CK1', pageNo: 0, pageSize: 1 }, 's')).toEqual({
      sid: 's',
      stockout_no: 'CK1',
      page_no: '0',
      page_size: '1',
    });
  });

  it('accepts exactly 30 days and refuses one second more with WDT_WINDOW_TOO_LARGE', () => {
    const ok = toBusinessParams({ startTime: T0, endTime: T0 + MAX_WINDOW_MS, pageNo: 0, pageSize: 1 }, 's');
    expect(ok.end_time).toBe('2024-01-30 23:59:59');
    expect(() =>
      toBusinessParams({ startTime: T0, endTime: T0 + MAX_WINDOW_MS + 1000, pageNo: 0, pageSize: 1 }, 's'),
    ).toThrow(expect.objectContaining({ code: 'WDT_WINDOW_TOO_LARGE', retryable: false }));
  });

  it.each([
    [{ pageNo: 0, pageSize: 10 }, /window .* or one of srcOrderNo/],
    [{ startTime: T0, pageNo: 0, pageSize: 10 }, /give both or neither/],
    [{ startTime: T0, endTime: T0, pageNo: 0, pageSize: 10 }, /empty/],
    [{ stockoutNo: 'x', pageNo: -1, pageSize: 10 }, /pageNo/],
    [{ stockoutNo: 'x', pageNo: 0, pageSize: 101 }, /pageSize/],
    [{ stockoutNo: 'x', pageNo: 0, pageSize: 0 }, /pageSize/],
    [{ stockoutNo: 'x', pageNo: 0, pageSize: 10, status: [95.5] }, /status/],
  ])('refuses %o with WDT_QUERY_INVALID', (query, message) => {
    expect(() => toBusinessParams(query, 's')).toThrow(
      expect.objectContaining({ code: 'WDT_QUERY_INVALID', message: expect.stringMatching(message) }),
    );
  });
});
