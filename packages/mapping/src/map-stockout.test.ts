import { describe, expect, it } from 'vitest';
import {
  FIRST_ENTRY_ID,
  parsed,
  type RawOrder,
  type RawRow,
  rawOrder,
  rawRow,
  SALES_ORDER_FID,
  salesOrderFor,
} from '../test/orders.ts';
import type { SalOutstockModel } from './k3-model.ts';
import { type MappingLookups, mapStockoutToSalOutstock } from './map-stockout.ts';
import { DEFAULT_MAPPING_PROFILE, parseMappingProfile } from './profile-schema.ts';
import { resolveLookupKeys } from './resolve.ts';

interface MapInput {
  order?: RawOrder;
  rows?: RawRow[];
  profile?: Record<string, unknown>;
  salesman?: string | null;
}

/** Maps under the default profile (or one merged over it) with a sales order matching every row. */
function mapped({ order = {}, rows, profile = {}, salesman = 'EMP001' }: MapInput): SalOutstockModel {
  const wdt = parsed(rawOrder(order, rows));
  const effective = parseMappingProfile(profile);
  const lookups: MappingLookups = { salesmanNumber: salesman, salesOrder: salesOrderFor(wdt, effective) };
  const result = mapStockoutToSalOutstock(wdt, effective, lookups);
  if (!result.ok) throw new Error(`expected a bill, got ${JSON.stringify(result.issues)}`);
  return result.value;
}

const entry = (model: SalOutstockModel, index = 0) => model.FEntity[index];

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

describe('entry rows (FEntity), one case per row of mapping-spec.md', () => {
  it.each<[string, MapInput, (model: SalOutstockModel) => unknown, unknown]>([
    [
      'one entry per detail row, in order',
      { rows: [rawRow({ rec_id: 1, goods_no: 'A' }), rawRow({ rec_id: 2, goods_no: 'B' })] },
      (m) => m.FEntity.map((e) => e.FMaterialID),
      [{ FNumber: 'A' }, { FNumber: 'B' }],
    ],
    [
      'FMaterialID is goods_no',
      { rows: [rawRow({ goods_no: 'SPU-2002' })] },
      (m) => entry(m)?.FMaterialID,
      { FNumber: 'SPU-2002' },
    ],
    [
      'FMaterialID is spec_no when the profile says so',
      { rows: [rawRow({ spec_no: 'SKU-9' })], profile: { materialKey: 'spec_no' } },
      (m) => entry(m)?.FMaterialID,
      { FNumber: 'SKU-9' },
    ],
    [
      'FRealQty is goods_count from a 4-decimal string',
      { rows: [rawRow({ goods_count: '12.5000' })] },
      (m) => entry(m)?.FRealQty,
      12.5,
    ],
    [
      'FRealQty is goods_count from a JSON number',
      { rows: [rawRow({ goods_count: 3 })] },
      (m) => entry(m)?.FRealQty,
      3,
    ],
    [
      'FRealQty keeps the smallest WDT step',
      { rows: [rawRow({ goods_count: '0.0001' })] },
      (m) => entry(m)?.FRealQty,
      0.0001,
    ],
    [
      'FTaxPrice is sell_price',
      { rows: [rawRow({ sell_price: '59.9000' })] },
      (m) => entry(m)?.FTaxPrice,
      59.9,
    ],
    [
      'FTaxPrice is 0 for a gift',
      { rows: [rawRow({ sell_price: '0.0000' })] },
      (m) => entry(m)?.FTaxPrice,
      0,
    ],
    [
      'FStockID is warehouse_no as-is',
      { order: { warehouse_no: 'WH-HN02' } },
      (m) => entry(m)?.FStockID,
      { FNumber: 'WH-HN02' },
    ],
    [
      'FStockID through the warehouse table',
      {
        order: { warehouse_no: '华南仓' },
        profile: { warehouse: { mode: 'table', table: { 华南仓: 'CK002' } } },
      },
      (m) => entry(m)?.FStockID,
      { FNumber: 'CK002' },
    ],
    [
      'FStockID takes the table default',
      {
        order: { warehouse_no: '临时仓' },
        profile: { warehouse: { mode: 'table', table: { 华南仓: 'CK002' }, default: 'CK999' } },
      },
      (m) => entry(m)?.FStockID,
      { FNumber: 'CK999' },
    ],
    [
      'FStockStatusID is the profile constant',
      {},
      (m) => entry(m)?.FStockStatusID,
      { FNumber: 'KCZT01_SYS' },
    ],
    [
      'FStockStatusID follows the profile',
      { profile: { stockStatus: 'KCZT02_SYS' } },
      (m) => entry(m)?.FStockStatusID,
      { FNumber: 'KCZT02_SYS' },
    ],
    [
      'owner is the profile constant',
      {},
      (m) => [entry(m)?.FOwnerTypeID, entry(m)?.FOwnerID],
      ['BD_OwnerOrg', { FNumber: '100' }],
    ],
    [
      'keeper is left out by default',
      {},
      (m) => entry(m) !== undefined && 'FKeeperID' in (entry(m) ?? {}),
      false,
    ],
    [
      'keeper follows the profile',
      { profile: { keeper: { type: 'BD_KeeperOrg', number: '100' } } },
      (m) => [entry(m)?.FKeeperTypeID, entry(m)?.FKeeperID],
      ['BD_KeeperOrg', { FNumber: '100' }],
    ],
    ['FSrcType is SAL_SaleOrder', {}, (m) => entry(m)?.FSrcType, 'SAL_SaleOrder'],
    [
      'FSrcBillNo and FSoorDerno are src_trade_no on every row',
      {
        order: { src_trade_no: 'T-77' },
        rows: [rawRow({ rec_id: 1 }), rawRow({ rec_id: 2 }), rawRow({ rec_id: 3 })],
      },
      (m) => m.FEntity.map((e) => [e.FSrcBillNo, e.FSoorDerno]),
      [
        ['T-77', 'T-77'],
        ['T-77', 'T-77'],
        ['T-77', 'T-77'],
      ],
    ],
    [
      'entry constants are written on every row',
      {
        profile: { extraEntryFields: { FEntryTaxRate: 13, FUnitID: { FNumber: 'Pcs' } } },
        rows: [rawRow({ rec_id: 1 }), rawRow({ rec_id: 2 })],
      },
      (m) => m.FEntity.map((e) => [e.FEntryTaxRate, e.FUnitID]),
      [
        [13, { FNumber: 'Pcs' }],
        [13, { FNumber: 'Pcs' }],
      ],
    ],
  ])('%s', (_, input, pick, expected) => {
    expect(pick(mapped(input))).toEqual(expected);
  });

  it.each([
    ['59.9000', false],
    ['0.0001', false],
    [12, false],
    ['0.0000', true],
    ['0', true],
    [0, true],
  ])('FIsFree for sell_price %o is %s (gift exactly when the price is not above 0)', (price, free) => {
    expect(entry(mapped({ rows: [rawRow({ sell_price: price })] }))?.FIsFree).toBe(free);
  });
});

describe('link rows (FEntity_Link)', () => {
  it('links each row to its sales-order entry with the rule, table, FID, entry id and quantity', () => {
    const model = mapped({
      rows: [
        rawRow({ rec_id: 1, goods_no: 'A', goods_count: '2.0000' }),
        rawRow({ rec_id: 2, goods_no: 'B', goods_count: '0.5000' }),
      ],
    });
    expect(model.FEntity.map((e) => [e.FSOEntryId, e.FEntity_Link])).toEqual(
      [2, 0.5].map((quantity, index) => [
        FIRST_ENTRY_ID + index,
        [
          {
            FEntity_Link_FRuleId: 'SaleOrder-OutStock',
            FEntity_Link_FSTableName: 'T_SAL_ORDERENTRY',
            FEntity_Link_FSBillId: SALES_ORDER_FID,
            FEntity_Link_FSId: FIRST_ENTRY_ID + index,
            FEntity_Link_FBaseUnitQtyOld: quantity,
            FEntity_Link_FBaseUnitQty: quantity,
            FEntity_Link_FSALBASEQTYOld: quantity,
            FEntity_Link_FSALBASEQTY: quantity,
          },
        ],
      ]),
    );
  });

  it('uses the rule id and source table of the profile', () => {
    const link = mapped({
      profile: { link: { ruleId: '38bf9dde-custom', sourceTable: 'T_X', srcType: 'SAL_X' } },
    }).FEntity[0];
    expect([
      link?.FSrcType,
      link?.FEntity_Link?.[0]?.FEntity_Link_FRuleId,
      link?.FEntity_Link?.[0]?.FEntity_Link_FSTableName,
    ]).toEqual(['SAL_X', '38bf9dde-custom', 'T_X']);
  });
});

describe('the bill is plain JSON', () => {
  it('survives JSON.stringify / JSON.parse unchanged', () => {
    const model = mapped({ profile: { extraFields: { F_x: { a: [1, 'b', null] } } } });
    expect(JSON.parse(JSON.stringify(model))).toEqual(model);
  });
});

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
