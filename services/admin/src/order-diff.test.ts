import { describe, expect, it } from 'vitest';
import { MAX_CHANGES, orderChanges } from './order-diff.ts';

describe('orderChanges', () => {
  it('lists each changed leaf by path, added and removed keys and rows included', () => {
    const before = {
      stockout_no: 'CK1',
      remark: 'a',
      details_list: [
        { spec_no: 'A', num: '1.0000' },
        { spec_no: 'B', num: '2.0000' },
      ],
    };
    const after = {
      stockout_no: 'CK1',
      remark: 'b',
      details_list: [{ spec_no: 'A', num: '0.0000' }],
      nick_name: 'tb_x',
    };
    expect(orderChanges(before, after)).toEqual({
      changes: [
        { path: 'remark', before: 'a', after: 'b' },
        { path: 'details_list.0.num', before: '1.0000', after: '0.0000' },
        { path: 'details_list.1', before: '{"spec_no":"B","num":"2.0000"}', after: null },
        { path: 'nick_name', before: null, after: 'tb_x' },
      ],
      more: 0,
    });
    expect(orderChanges(before, before)).toEqual({ changes: [], more: 0 });
  });

  it('keeps an audit entry small: at most MAX_CHANGES changes, long values cut', () => {
    const before = Object.fromEntries(Array.from({ length: 80 }, (_, i) => [`k${i}`, i]));
    const after = Object.fromEntries(Array.from({ length: 80 }, (_, i) => [`k${i}`, i + 1]));
    const { changes, more } = orderChanges(before, after);
    expect([changes.length, more]).toEqual([MAX_CHANGES, 80 - MAX_CHANGES]);
    const long = orderChanges({ remark: '' }, { remark: 'x'.repeat(1000) }).changes[0];
    expect(String(long?.after).length).toBe(201);
  });
});
