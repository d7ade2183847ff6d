import { describe, expect, it } from 'vitest';
import { type MapInput, mapped } from '../test/map-cases.ts';
import type { SalOutstockModel } from './k3-model.ts';

describe('header (Model), one case per row of mapping-spec.md', () => {
  it.each<[string, MapInput, (model: SalOutstockModel) => unknown, unknown]>([
    [
      'FBillTypeID is the fixed bill type, keyed FNUMBER',
      {},
      (m) => m.FBillTypeID,
      { FNUMBER: 'XSCKD01_SYS' },
    ],
    [
      'FBillTypeID follows the profile',
      { profile: { billType: 'XSCKD07_SYS' } },
      (m) => m.FBillTypeID,
      { FNUMBER: 'XSCKD07_SYS' },
    ],
    ['FBillNo is order_no', { order: { order_no: 'CK2024031800099' } }, (m) => m.FBillNo, 'CK2024031800099'],
    [
      'FDate is the date of consign_time',
      { order: { consign_time: '2024-03-18 23:59:59' } },
      (m) => m.FDate,
      '2024-03-18',
    ],
    [
      'FDate keeps Beijing wall time, never shifted through UTC',
      { order: { consign_time: '2024-03-19 00:30:00' } },
      (m) => m.FDate,
      '2024-03-19',
    ],
    [
      'FDate carries the time when the profile asks for it',
      { order: { consign_time: '2024-03-18 10:12:05' }, profile: { dateFormat: 'yyyy-MM-dd HH:mm:ss' } },
      (m) => m.FDate,
      '2024-03-18 10:12:05',
    ],
    ['FStockOrgId is the fixed stock org', {}, (m) => m.FStockOrgId, { FNumber: '100' }],
    [
      'FStockOrgId follows the profile',
      { profile: { stockOrg: '200' } },
      (m) => m.FStockOrgId,
      { FNumber: '200' },
    ],
    [
      'FSaleOrgId is fenxiao_nick as-is',
      { order: { fenxiao_nick: 'FX-SZ-001' } },
      (m) => m.FSaleOrgId,
      { FNumber: 'FX-SZ-001' },
    ],
    [
      'FSaleOrgId falls back to 100 for direct sales',
      { order: { fenxiao_nick: '' } },
      (m) => m.FSaleOrgId,
      { FNumber: '100' },
    ],
    [
      'FSaleOrgId falls back when fenxiao_nick is null',
      { order: { fenxiao_nick: null } },
      (m) => m.FSaleOrgId,
      { FNumber: '100' },
    ],
    [
      'FSaleOrgId through a table',
      {
        order: { fenxiao_nick: '深圳分销' },
        profile: { saleOrg: { mode: 'table', table: { 深圳分销: '102' } } },
      },
      (m) => m.FSaleOrgId,
      { FNumber: '102' },
    ],
    [
      'FSaleOrgId as a constant',
      { order: { fenxiao_nick: '深圳分销' }, profile: { saleOrg: { mode: 'constant', value: '101' } } },
      (m) => m.FSaleOrgId,
      { FNumber: '101' },
    ],
    [
      'FCustomerID is nick_name as-is',
      { order: { nick_name: 'tb_小林' } },
      (m) => m.FCustomerID,
      { FNumber: 'tb_小林' },
    ],
    [
      'FCustomerID is trimmed',
      { order: { nick_name: ' tb_小林 ' } },
      (m) => m.FCustomerID,
      { FNumber: 'tb_小林' },
    ],
    [
      'FCustomerID through a table keyed by shop',
      {
        order: { shop_no: 'tmall01' },
        profile: { customer: { mode: 'table', source: 'shop_no', table: { tmall01: 'C001' } } },
      },
      (m) => m.FCustomerID,
      { FNumber: 'C001' },
    ],
    [
      'FCustomerID takes the table default for an unknown key',
      {
        order: { nick_name: '散客' },
        profile: { customer: { mode: 'table', table: { VIP: 'C1' }, default: 'C999' } },
      },
      (m) => m.FCustomerID,
      { FNumber: 'C999' },
    ],
    [
      "FSalesManID is the customer's seller",
      { salesman: 'EMP042' },
      (m) => m.FSalesManID,
      { FNumber: 'EMP042' },
    ],
    [
      'FSalesManID is left out when the customer has no seller',
      { salesman: null },
      (m) => 'FSalesManID' in m,
      false,
    ],
    ['FSalesManID is left out when the seller is blank', { salesman: ' ' }, (m) => 'FSalesManID' in m, false],
    ['FNote is remark', { order: { remark: '顾客备注:请周末送达' } }, (m) => m.FNote, '顾客备注:请周末送达'],
    ['FNote is empty when remark is null', { order: { remark: null } }, (m) => m.FNote, ''],
    ['F_ora_Text2 is logistics_no', { order: { logistics_no: 'SF001' } }, (m) => m.F_ora_Text2, 'SF001'],
    ['FCarriageNO is logistics_no', { order: { logistics_no: 'SF001' } }, (m) => m.FCarriageNO, 'SF001'],
    [
      'FCarriageNO is empty without logistics_no',
      { order: { logistics_no: null } },
      (m) => m.FCarriageNO,
      '',
    ],
    [
      'F_USQR_TEXT is src_trade_no',
      { order: { src_trade_no: '3849201847562019384' } },
      (m) => m.F_USQR_TEXT,
      '3849201847562019384',
    ],
    [
      'custom fields follow the profile',
      { order: { shop_name: '天猫旗舰店' }, profile: { customHeaderFields: { F_abc_Shop: 'shop_name' } } },
      (m) => [m.F_abc_Shop, 'F_ora_Text2' in m],
      ['天猫旗舰店', false],
    ],
    [
      'extra constants are written',
      { profile: { extraFields: { FBussinessType: 'NORMAL', F_abc_Src: 'WDT' } } },
      (m) => [m.FBussinessType, m.F_abc_Src],
      ['NORMAL', 'WDT'],
    ],
    [
      'SubHeadEntity carries the sub-header constants',
      { profile: { subHeadFields: { FSettleCurrID: { FNumber: 'PRE001' } } } },
      (m) => m.SubHeadEntity,
      { FSettleCurrID: { FNumber: 'PRE001' } },
    ],
    ['SubHeadEntity is left out without constants', {}, (m) => 'SubHeadEntity' in m, false],
    [
      'FEntity is the last key, after every header field',
      { profile: { extraFields: { F_x: 1 } } },
      (m) => Object.keys(m).at(-1),
      'FEntity',
    ],
  ])('%s', (_, input, pick, expected) => {
    expect(pick(mapped(input))).toEqual(expected);
  });
});

describe('the bill is plain JSON', () => {
  it('survives JSON.stringify / JSON.parse unchanged', () => {
    const model = mapped({ profile: { extraFields: { F_x: { a: [1, 'b', null] } } } });
    expect(JSON.parse(JSON.stringify(model))).toEqual(model);
  });

  it('is owned by the caller: changing it leaves the profile and the next bill alone', () => {
    const profile = {
      extraFields: { F_x: { FNumber: 'A' } },
      extraEntryFields: { FUnitID: { FNumber: 'Pcs' } },
      subHeadFields: { FSettleCurrID: { FNumber: 'PRE001' } },
    };
    const first = mapped({ profile });
    (first.F_x as { FNumber: string }).FNumber = 'changed';
    (first.FEntity[0]?.FUnitID as { FNumber: string }).FNumber = 'changed';
    (first.SubHeadEntity?.FSettleCurrID as { FNumber: string }).FNumber = 'changed';
    const second = mapped({ profile });
    expect([second.F_x, second.FEntity[0]?.FUnitID, second.SubHeadEntity?.FSettleCurrID]).toEqual([
      { FNumber: 'A' },
      { FNumber: 'Pcs' },
      { FNumber: 'PRE001' },
    ]);
  });
});
