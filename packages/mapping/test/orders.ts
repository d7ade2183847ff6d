import { readFileSync } from 'node:fs';
import {
  DEFAULT_MAPPING_PROFILE,
  type MappingProfile,
  parseWdtStockoutOrder,
  type SalesOrderLookup,
  type WdtStockoutOrder,
} from '../src/index.ts';

/** Test-only builders for WDT orders in their wire form. */
export type RawOrder = Record<string, unknown>;
export type RawRow = Record<string, unknown>;

export function rawRow(overrides: RawRow = {}): RawRow {
  return {
    rec_id: 12670612,
    stockout_id: 700611,
    goods_no: 'SPU-1001',
    spec_no: 'SPU-1001-RED-M',
    goods_name: '纯棉T恤',
    spec_name: '红色 M',
    goods_count: '2.0000',
    sell_price: '59.9000',
    total_amount: '119.8000',
    gift_type: 0,
    ...overrides,
  };
}

export function rawOrder(overrides: RawOrder = {}, rows: RawRow[] = [rawRow()]): RawOrder {
  return {
    stockout_id: 700611,
    order_no: 'CK2024031800017',
    src_trade_no: '3849201847562019384',
    status: 95,
    shop_no: 'tmall01',
    shop_name: '天猫旗舰店',
    warehouse_no: 'WH-HD01',
    consign_time: '2024-03-18 10:12:05',
    goods_count: '2.0000',
    logistics_no: 'SF1428830217730',
    nick_name: 'tb_小林的杂货铺',
    fenxiao_nick: '',
    remark: '请周末送达',
    details_list: rows,
    ...overrides,
  };
}

/** Parses an order the test means to be valid; a failure here is a broken test, not a finding. */
export function parsed(raw: unknown): WdtStockoutOrder {
  const result = parseWdtStockoutOrder(raw);
  if (!result.ok) throw new Error(`test order does not parse: ${JSON.stringify(result.issues)}`);
  return result.value;
}

export const SALES_ORDER_FID = 100120;
export const FIRST_ENTRY_ID = 9001;

/** The K3 sales order the default data set would hold for this order: one entry per row. */
export function salesOrderFor(
  order: WdtStockoutOrder,
  profile: MappingProfile = DEFAULT_MAPPING_PROFILE,
): SalesOrderLookup {
  return {
    fid: SALES_ORDER_FID,
    billNo: order.src_trade_no ?? '',
    entries: order.details_list.map((row, index) => ({
      entryId: FIRST_ENTRY_ID + index,
      materialNumber: row[profile.materialKey] ?? '',
    })),
  };
}

export const FIXTURE_NAMES = [
  'stockout-1-row-nulls',
  'stockout-3-rows-gift',
  'stockout-numbers-as-numbers',
  'stockout-same-material-rows',
  'stockout-50-rows',
] as const;

export function readFixture(name: string): RawOrder {
  return JSON.parse(readFileSync(new URL(`fixtures/${name}.json`, import.meta.url), 'utf8')) as RawOrder;
}
