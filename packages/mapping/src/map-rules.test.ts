import { describe, expect, it } from 'vitest';
import {
  FIRST_ENTRY_ID,
  parsed,
  type RawOrder,
  type RawRow,
  rawOrder,
  rawRow,
  salesOrderFor,
} from '../test/orders.ts';
import { MAP_ISSUE_CODES } from './errors.ts';
import type { LinkMode, SalesOrderLookup } from './links.ts';
import { type MappingResult, mapStockoutToSalOutstock } from './map-stockout.ts';
import { parseMappingProfile } from './profile-schema.ts';

interface Input {
  order?: RawOrder;
  rows?: RawRow[];
  profile?: Record<string, unknown>;
  /** 'matching' = one entry per row (what K3 holds for a well-formed order). */
  salesOrder?: 'matching' | SalesOrderLookup | null;
  linkMode?: LinkMode;
}

function run({ order = {}, rows, profile = {}, salesOrder = 'matching', linkMode }: Input): MappingResult {
  const wdt = parsed(rawOrder(order, rows));
  const effective = parseMappingProfile(profile);
  const lookup = salesOrder === 'matching' ? salesOrderFor(wdt, effective) : salesOrder;
  const options = linkMode === undefined ? {} : { linkMode };
  return mapStockoutToSalOutstock(wdt, effective, { salesmanNumber: null, salesOrder: lookup }, options);
}

function issuesOf(input: Input): string[] {
  const result = run(input);
  if (result.ok) throw new Error('expected issues, got a bill');
  return result.issues.map((issue) => `${issue.code} ${issue.path}`);
}

const so = (billNo: string, ...materials: string[]): SalesOrderLookup => ({
  fid: 100120,
  billNo,
  entries: materials.map((materialNumber, index) => ({ entryId: FIRST_ENTRY_ID + index, materialNumber })),
});

const TABLE = { mode: 'table', table: { known: 'K1' } };

/** Rules that need the profile or the K3 lookups: one per row of the issue, each with its code. */
describe('data-quality rules that depend on the profile or on K3', () => {
  it.each<[string, Input, string]>([
    [
      'customer missing (empty nick, no fallback)',
      { order: { nick_name: '' } },
      'MAP_MISSING_CUSTOMER nick_name',
    ],
    ['customer missing (nick null)', { order: { nick_name: null } }, 'MAP_MISSING_CUSTOMER nick_name'],
    ['customer missing (nick blank)', { order: { nick_name: '   ' } }, 'MAP_MISSING_CUSTOMER nick_name'],
    [
      'customer not in the table',
      { order: { nick_name: 'x' }, profile: { customer: TABLE } },
      'MAP_UNMAPPED_CUSTOMER nick_name',
    ],
    [
      'sale org missing without fallback',
      { order: { fenxiao_nick: '' }, profile: { saleOrg: { mode: 'as-is' } } },
      'MAP_MISSING_SALE_ORG fenxiao_nick',
    ],
    [
      'sale org not in the table',
      { order: { fenxiao_nick: 'x' }, profile: { saleOrg: TABLE } },
      'MAP_UNMAPPED_SALE_ORG fenxiao_nick',
    ],
    ['warehouse missing', { order: { warehouse_no: null } }, 'MAP_MISSING_WAREHOUSE warehouse_no'],
    [
      'warehouse not in the table, no default',
      { order: { warehouse_no: '临时仓' }, profile: { warehouse: TABLE } },
      'MAP_UNMAPPED_WAREHOUSE warehouse_no',
    ],
    [
      'warehouse table key is not a prototype property',
      { order: { warehouse_no: 'constructor' }, profile: { warehouse: TABLE } },
      'MAP_UNMAPPED_WAREHOUSE warehouse_no',
    ],
    [
      'empty goods_no',
      { rows: [rawRow({ goods_no: '' })], linkMode: 'off' },
      'MAP_EMPTY_MATERIAL_KEY details_list.0.goods_no',
    ],
    [
      'null spec_no under the spec_no key',
      { rows: [rawRow({ spec_no: null })], profile: { materialKey: 'spec_no' }, linkMode: 'off' },
      'MAP_EMPTY_MATERIAL_KEY details_list.0.spec_no',
    ],
    ['sales order not found (required)', { salesOrder: null }, 'MAP_LINK_SOURCE_MISSING lookups.salesOrder'],
    [
      'no src_trade_no to link by (required)',
      { order: { src_trade_no: '' }, salesOrder: null },
      'MAP_LINK_SOURCE_MISSING src_trade_no',
    ],
    [
      'the sales order looked up is another one',
      { order: { src_trade_no: 'T-1' }, salesOrder: so('T-2', 'SPU-1001') },
      'MAP_LINK_SOURCE_MISMATCH lookups.salesOrder.billNo',
    ],
    [
      'link lookup missing a row (required)',
      { order: { src_trade_no: 'T-1' }, salesOrder: so('T-1', 'OTHER') },
      'MAP_LINK_ROW_MISSING details_list.0.goods_no',
    ],
    [
      'link lookup missing a row (optional)',
      { order: { src_trade_no: 'T-1' }, salesOrder: so('T-1'), linkMode: 'optional' },
      'MAP_LINK_ROW_MISSING details_list.0.goods_no',
    ],
    [
      'more rows of a material than entries for it',
      {
        order: { src_trade_no: 'T-1' },
        rows: [rawRow({ rec_id: 1 }), rawRow({ rec_id: 2 })],
        salesOrder: so('T-1', 'SPU-1001'),
      },
      'MAP_LINK_ROW_MISSING details_list.1.goods_no',
    ],
  ])('%s', (_, input, expected) => {
    expect(issuesOf(input)).toEqual([expected]);
  });

  it('reports every problem at once and writes no bill', () => {
    const result = run({
      order: { nick_name: '', warehouse_no: '', src_trade_no: 'T-1' },
      rows: [rawRow({ rec_id: 1, goods_no: '' }), rawRow({ rec_id: 2, goods_no: 'B' })],
      salesOrder: so('T-1', 'A'),
    });
    expect(result).toEqual({
      ok: false,
      issues: [
        { code: MAP_ISSUE_CODES.MISSING_CUSTOMER, path: 'nick_name', message: expect.any(String) },
        { code: MAP_ISSUE_CODES.MISSING_WAREHOUSE, path: 'warehouse_no', message: expect.any(String) },
        {
          code: MAP_ISSUE_CODES.EMPTY_MATERIAL_KEY,
          path: 'details_list.0.goods_no',
          message: expect.any(String),
        },
        {
          code: MAP_ISSUE_CODES.LINK_ROW_MISSING,
          path: 'details_list.1.goods_no',
          message: expect.any(String),
        },
      ],
    });
  });

  it('says in the message what to fix', () => {
    const [issue] = (
      run({ order: { warehouse_no: '临时仓' }, profile: { warehouse: TABLE } }) as {
        issues: { message: string }[];
      }
    ).issues;
    expect(issue?.message).toContain('临时仓');
  });
});

describe('link modes', () => {
  const linkOf = (result: MappingResult) =>
    result.ok ? result.value.FEntity.map((e) => e.FEntity_Link) : 'failed';

  it.each<[LinkMode, 'matching' | null, { ok: boolean; unlinked?: boolean; linked?: boolean }]>([
    ['required', 'matching', { ok: true, unlinked: false, linked: true }],
    ['required', null, { ok: false }],
    ['optional', 'matching', { ok: true, unlinked: false, linked: true }],
    ['optional', null, { ok: true, unlinked: true, linked: false }],
    ['off', 'matching', { ok: true, unlinked: false, linked: false }],
    ['off', null, { ok: true, unlinked: false, linked: false }],
  ])('%s with sales order %s', (linkMode, salesOrder, expected) => {
    const result = run({ linkMode, salesOrder });
    expect(result.ok).toBe(expected.ok);
    if (!result.ok) return;
    expect(result.unlinked).toBe(expected.unlinked);
    const entry = result.value.FEntity[0];
    expect(entry !== undefined && 'FEntity_Link' in entry).toBe(expected.linked);
    expect(entry !== undefined && 'FSOEntryId' in entry).toBe(expected.linked);
  });

  it('defaults to required', () => {
    expect(issuesOf({ salesOrder: null })).toEqual(['MAP_LINK_SOURCE_MISSING lookups.salesOrder']);
  });

  it('off ignores a sales order that does not match at all', () => {
    expect(run({ linkMode: 'off', salesOrder: so('other', 'X') }).ok).toBe(true);
  });

  it('rows of the same material take that material’s entries in row order', () => {
    const rows = [
      rawRow({ rec_id: 1, goods_no: 'A' }),
      rawRow({ rec_id: 2, goods_no: 'B' }),
      rawRow({ rec_id: 3, goods_no: 'A' }),
      rawRow({ rec_id: 4, goods_no: 'A' }),
    ];
    const salesOrder: SalesOrderLookup = {
      fid: 7,
      billNo: 'T-1',
      entries: [
        { entryId: 31, materialNumber: 'A' },
        { entryId: 32, materialNumber: 'A' },
        { entryId: 33, materialNumber: 'B' },
        { entryId: 34, materialNumber: 'A' },
      ],
    };
    const links = linkOf(run({ order: { src_trade_no: 'T-1' }, rows, salesOrder }));
    expect(links === 'failed' ? links : links.map((link) => link?.[0]?.FEntity_Link_FSId)).toEqual([
      31, 33, 32, 34,
    ]);
  });

  it('matches materials and bill numbers regardless of surrounding spaces', () => {
    const salesOrder: SalesOrderLookup = {
      fid: 7,
      billNo: ' T-1 ',
      entries: [{ entryId: 5, materialNumber: 'SPU-1001 ' }],
    };
    expect(linkOf(run({ order: { src_trade_no: 'T-1' }, salesOrder }))).not.toBe('failed');
  });
});
