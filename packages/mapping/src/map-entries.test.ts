import { describe, expect, it } from 'vitest';
import { type MapInput, mapped } from '../test/map-cases.ts';
import { FIRST_ENTRY_ID, rawRow, SALES_ORDER_FID } from '../test/orders.ts';
import type { SalOutstockModel } from './k3-model.ts';

const entry = (model: SalOutstockModel, index = 0) => model.FEntity[index];
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
