import { describe, expect, it } from 'vitest';
import { blockingNumbers } from './blocking.ts';

describe('blockingNumbers', () => {
  it('names the base data K3 misses and the WDT values the profile cannot map', () => {
    const order = { nick_name: '', warehouse_no: 'WH9', details_list: [{ goods_no: 'G9' }] };
    expect(
      blockingNumbers(order, [
        { field: 'FMaterialID', message: '第1行字段“物料编码”的基础资料“G9”不存在、未审核或已禁用' },
        { field: 'FMaterialID', message: '第2行字段“物料编码”的基础资料“G9”不存在、未审核或已禁用' },
        { field: 'warehouse_no', message: 'MAP_UNMAPPED_WAREHOUSE: no K3 stock for WH9' },
        { field: 'nick_name', message: 'MAP_MISSING_CUSTOMER: nick_name is empty' },
        { field: null, message: 'something else' },
      ]),
    ).toEqual([
      { kind: 'material', number: 'G9' },
      { kind: 'warehouse', number: 'WH9' },
      { kind: 'customer', number: '(empty nick_name)' },
    ]);
  });
});
