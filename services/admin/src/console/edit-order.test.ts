import { describe, expect, it } from 'vitest';
import { applyForm, applyJson, editableJson, formFieldOf } from './edit-order.ts';

const stored = {
  stockout_id: 7001,
  order_no: 'CK7001',
  nick_name: '',
  warehouse_no: 'WH01',
  details_list: [
    { rec_id: 1, goods_no: 'M1', goods_count: '0.0000', sell_price: '9.5000' },
    { rec_id: 2, goods_no: 'M2', goods_count: '1.0000', sell_price: '3.0000' },
  ],
};

describe('building an edited order', () => {
  it('applies the form fields that changed, keeps the rest, and never touches the stored order', () => {
    const edited = applyForm(stored, {
      'h.nick_name': 'tb_buyer',
      'h.warehouse_no': 'WH01',
      'r.0.goods_count': '2',
      'r.1.goods_no': 'M2',
      // Not an editable field: ignored.
      'h.order_no': 'CK9999',
    });
    expect(edited).toMatchObject({ order_no: 'CK7001', stockout_id: 7001, nick_name: 'tb_buyer' });
    expect(edited.details_list).toEqual([
      { rec_id: 1, goods_no: 'M1', goods_count: '2', sell_price: '9.5000' },
      { rec_id: 2, goods_no: 'M2', goods_count: '1.0000', sell_price: '3.0000' },
    ]);
    expect(stored.details_list[0]?.goods_count).toBe('0.0000');
  });

  it('takes JSON without the locked fields and puts them back as stored', () => {
    const text = editableJson(stored);
    expect(text).not.toContain('CK7001');
    const result = applyJson(stored, text.replace('"tb_', '"tb_'));
    expect(result).toEqual({ ok: true, order: { ...stored } });
  });

  it('refuses JSON that changes a locked field, that is not an object, or that nests absurdly deep', () => {
    expect(applyJson(stored, JSON.stringify({ ...stored, order_no: 'CK1' }))).toEqual({
      ok: false,
      problem: { kind: 'locked', fields: ['order_no'] },
    });
    expect(applyJson(stored, '[1]')).toMatchObject({ ok: false, problem: { kind: 'json' } });
    expect(applyJson(stored, '{"a":')).toMatchObject({ ok: false, problem: { kind: 'json' } });
    const deep = `${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}`;
    expect(applyJson(stored, deep)).toEqual({
      ok: false,
      problem: { kind: 'json', message: 'nested deeper than 20 levels' },
    });
    // Brackets inside strings are text, not nesting.
    expect(
      applyJson(stored, JSON.stringify({ ...stored, remark: '{{{{{{{{{{{{{{{{{{{{{{{{' })),
    ).toMatchObject({ ok: true });
  });

  it('maps an issue path to the form field it is about', () => {
    expect(
      formFieldOf({ code: 'MAP_INVALID_QUANTITY', path: 'details_list.0.goods_count', message: '' }),
    ).toBe('r.0.goods_count');
    expect(formFieldOf({ code: 'MAP_MISSING_CUSTOMER', path: 'nick_name', message: '' })).toBe('h.nick_name');
    expect(formFieldOf({ code: 'MAP_LINK_ROW_MISSING', path: 'lookups.salesOrder', message: '' })).toBeNull();
  });
});
