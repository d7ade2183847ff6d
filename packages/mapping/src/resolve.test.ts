import { describe, expect, it } from 'vitest';
import { parsed, rawOrder, rawRow } from '../test/orders.ts';
import { DEFAULT_MAPPING_PROFILE, parseMappingProfile } from './profile-schema.ts';
import { resolveLookupKeys } from './resolve.ts';

describe('resolveLookupKeys', () => {
  it('names the customer, the sales order and the distinct materials the bill will carry', () => {
    const order = parsed(
      rawOrder({ nick_name: ' tb_小林 ', src_trade_no: 'T-1' }, [
        rawRow({ rec_id: 1, goods_no: 'B' }),
        rawRow({ rec_id: 2, goods_no: 'A' }),
        rawRow({ rec_id: 3, goods_no: 'B' }),
        rawRow({ rec_id: 4, goods_no: '' }),
      ]),
    );
    expect(resolveLookupKeys(order, DEFAULT_MAPPING_PROFILE)).toEqual({
      customerNumber: 'tb_小林',
      salesOrderNo: 'T-1',
      materialNumbers: ['B', 'A'],
    });
  });

  it('resolves through the profile: the customer table and the spec_no material key', () => {
    const profile = parseMappingProfile({
      customer: { mode: 'table', source: 'shop_no', table: { tmall01: 'C001' } },
      materialKey: 'spec_no',
    });
    const order = parsed(rawOrder({ shop_no: 'tmall01' }, [rawRow({ spec_no: 'SKU-1' })]));
    expect(resolveLookupKeys(order, profile)).toMatchObject({
      customerNumber: 'C001',
      materialNumbers: ['SKU-1'],
    });
  });

  it('gives null where there is nothing to look up', () => {
    const order = parsed(rawOrder({ nick_name: '', src_trade_no: null }));
    expect(resolveLookupKeys(order, DEFAULT_MAPPING_PROFILE)).toMatchObject({
      customerNumber: null,
      salesOrderNo: null,
    });
  });
});
