import { describe, expect, it } from 'vitest';
import { parseStockoutQuery, SHIPPED_STATUSES } from './stockout-query.ts';

const SETTINGS = { sid: 's1', pageSizeDefault: 40, pageSizeMax: 100 };
const WINDOW = { start_time: '2024-01-01 00:00:00', end_time: '2024-01-01 23:59:59' };
const START = Date.UTC(2023, 11, 31, 16) / 1000;

describe('parseStockoutQuery', () => {
  it('reads a window inclusively, defaults paging and filters shipped rows by consign time', () => {
    expect(parseStockoutQuery({ sid: 's1', ...WINDOW }, SETTINGS)).toEqual({
      filter: {
        window: { startSec: START, endSec: START + 86_399 },
        timeField: 'consign',
        statuses: SHIPPED_STATUSES,
      },
      pageNo: 0,
      pageSize: 40,
    });
  });

  it.each([
    [{ status: '95,110' }, 'consign', [95, 110]],
    [{ status: '55' }, 'modified', [55]],
    [{ status: '5,95' }, 'modified', [5, 95]],
    [{ status: '95', is_by_modified: '1' }, 'modified', [95]],
    [{ is_by_modified: '0' }, 'consign', SHIPPED_STATUSES],
  ])('%o filters on the %s time', (extra, timeField, statuses) => {
    const query = parseStockoutQuery({ sid: 's1', ...WINDOW, ...extra }, SETTINGS);
    expect(query).toMatchObject({ filter: { timeField, statuses } });
  });

  it('caps page_size at the maximum and keeps the other filters', () => {
    const query = parseStockoutQuery(
      { sid: 's1', stockout_no: 'CK1', shop_no: 'tm01', warehouse_no: 'WH1', page_no: '2', page_size: '500' },
      SETTINGS,
    );
    expect(query).toEqual({
      filter: {
        timeField: 'consign',
        statuses: SHIPPED_STATUSES,
        stockoutNo: 'CK1',
        shopNo: 'tm01',
        warehouseNo: 'WH1',
      },
      pageNo: 2,
      pageSize: 100,
    });
  });

  it('allows exactly WDT’s example span (30 days minus a second) and no more', () => {
    const ok = { sid: 's1', start_time: '2018-11-01 00:00:00', end_time: '2018-11-30 23:59:59' };
    expect(parseStockoutQuery(ok, SETTINGS)).not.toHaveProperty('failure');
    expect(parseStockoutQuery({ ...ok, end_time: '2018-12-01 00:00:00' }, SETTINGS)).toEqual({
      failure: { errorcode: 2901, message: '开始时间和结束时间跨度不能超过30天' },
    });
  });

  it.each([
    [{ sid: 's1' }, 2900],
    [{ sid: 's2', ...WINDOW }, 2907],
    [{ ...WINDOW }, 2907],
    [{ sid: 's1', start_time: WINDOW.start_time }, 2902],
    [{ sid: 's1', ...WINDOW, end_time: '2024-01-01' }, 2902],
    [{ sid: 's1', start_time: WINDOW.end_time, end_time: WINDOW.start_time }, 2905],
    [{ sid: 's1', ...WINDOW, page_size: '0' }, 2903],
    [{ sid: 's1', ...WINDOW, page_size: 'ten' }, 2903],
    [{ sid: 's1', ...WINDOW, page_no: '-1' }, 2904],
    [{ sid: 's1', ...WINDOW, status: '95;110' }, 2906],
    [{ sid: 's1', ...WINDOW, is_by_modified: 'yes' }, 2908],
  ])('refuses %o with WDT code %d and a Chinese message', (params, code) => {
    const result = parseStockoutQuery(params, SETTINGS);
    expect(result).toMatchObject({ failure: { errorcode: code } });
    expect('failure' in result && /[\u4e00-\u9fff]/.test(result.failure.message)).toBe(true);
  });
});
