import { describe, expect, it } from 'vitest';
import { FIRST_ENTRY_ID, FIXTURE_NAMES, type RawRow, readFixture, salesOrderFor } from '../test/orders.ts';
import { Decimal } from './decimal.ts';
import { mapStockoutToSalOutstock } from './map-stockout.ts';
import { parseWdtStockoutOrder } from './order-schema.ts';
import { DEFAULT_MAPPING_PROFILE, parseMappingProfile } from './profile-schema.ts';

/**
 * Realistic orders (synthesised from the field list of wdt-qimen.md §3, formatted like its
 * sample: Chinese text, gifts at "0.0000", numbers as strings and as numbers, nulls) mapped
 * under the default profile. Expectations are read off the raw JSON, not off the parsed order.
 */
function mapFixture(name: string) {
  const raw = readFixture(name);
  const parsedOrder = parseWdtStockoutOrder(raw);
  if (!parsedOrder.ok) throw new Error(`${name} does not parse: ${JSON.stringify(parsedOrder.issues)}`);
  const lookups = { salesmanNumber: 'EMP001', salesOrder: salesOrderFor(parsedOrder.value) };
  const result = mapStockoutToSalOutstock(parsedOrder.value, DEFAULT_MAPPING_PROFILE, lookups);
  if (!result.ok) throw new Error(`${name} does not map: ${JSON.stringify(result.issues)}`);
  return { raw, rows: raw.details_list as RawRow[], model: result.value };
}

describe.each(FIXTURE_NAMES)('fixture %s', (name) => {
  const { raw, rows, model } = mapFixture(name);

  it('becomes one bill numbered by order_no with one entry per detail row', () => {
    expect(model.FBillNo).toBe(raw.order_no);
    expect(model.FEntity).toHaveLength(rows.length);
  });

  it('carries each row’s material, quantity, price and gift flag', () => {
    expect(
      model.FEntity.map((entry) => [
        entry.FMaterialID.FNumber,
        entry.FRealQty,
        entry.FTaxPrice,
        entry.FIsFree,
      ]),
    ).toEqual(
      rows.map((row) => [
        row.goods_no,
        Number(row.goods_count),
        Number(row.sell_price),
        !(Number(row.sell_price) > 0),
      ]),
    );
  });

  it('adds up to the order’s own goods_count total, exactly', () => {
    const shipped = model.FEntity.reduce((sum, entry) => sum.plus(entry.FRealQty), new Decimal(0));
    expect(shipped.eq(new Decimal(String(raw.goods_count)))).toBe(true);
  });

  it('puts the original trade number on the header and on every row, and links every row', () => {
    expect(model.F_USQR_TEXT).toBe(raw.src_trade_no);
    for (const [index, entry] of model.FEntity.entries()) {
      expect([entry.FSrcBillNo, entry.FSoorDerno]).toEqual([raw.src_trade_no, raw.src_trade_no]);
      expect(entry.FEntity_Link?.[0]?.FEntity_Link_FSId).toBe(FIRST_ENTRY_ID + index);
    }
  });

  it('keeps Chinese text intact through JSON', () => {
    expect(JSON.parse(JSON.stringify(model))).toEqual(model);
    expect(model.FNote).toBe(raw.remark ?? '');
    expect(model.FCustomerID.FNumber).toBe(raw.nick_name);
  });
});

describe('recorded bills', () => {
  it('stockout-3-rows-gift maps to the bill written out by hand from mapping-spec.md', () => {
    const expected = JSON.parse(JSON.stringify(readFixture('stockout-3-rows-gift.k3')));
    expect(mapFixture('stockout-3-rows-gift').model).toEqual(expected);
  });

  it('stockout-numbers-as-numbers takes its sales org from the distributor', () => {
    const { raw, model } = mapFixture('stockout-numbers-as-numbers');
    expect(model.FSaleOrgId).toEqual({ FNumber: raw.fenxiao_nick });
    expect(model.FEntity.map((entry) => entry.FTaxPrice)).toEqual([3.5, 199.99, 0]);
  });

  it('stockout-1-row-nulls leaves empty text where WDT sent null', () => {
    const { model } = mapFixture('stockout-1-row-nulls');
    expect([model.FNote, model.FCarriageNO, model.F_ora_Text2, model.FSaleOrgId]).toEqual([
      '',
      '',
      '',
      { FNumber: '100' },
    ]);
  });

  it('stockout-same-material-rows links three rows of one SPU to three SO entries under goods_no, and to SKUs under spec_no', () => {
    const raw = readFixture('stockout-same-material-rows');
    const order = parseWdtStockoutOrder(raw);
    if (!order.ok) throw new Error('fixture does not parse');
    const rows = raw.details_list as RawRow[];
    for (const profile of [DEFAULT_MAPPING_PROFILE, parseMappingProfile({ materialKey: 'spec_no' })]) {
      const salesOrder = salesOrderFor(order.value, profile);
      const result = mapStockoutToSalOutstock(order.value, profile, { salesmanNumber: null, salesOrder });
      if (!result.ok) throw new Error(JSON.stringify(result.issues));
      expect(result.value.FEntity.map((entry) => [entry.FMaterialID.FNumber, entry.FSOEntryId])).toEqual(
        rows.map((row, index) => [row[profile.materialKey], FIRST_ENTRY_ID + index]),
      );
    }
  });
});
