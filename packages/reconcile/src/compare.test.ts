import { readFileSync } from 'node:fs';
import { DEFAULT_MAPPING_PROFILE, parseMappingProfile } from '@wdt-k3/mapping';
import { describe, expect, it } from 'vitest';
import { wdtBillOf } from './comparable.ts';
import { billSums, compareBills, createTotals } from './compare.ts';
import { RECONCILE_ERROR_CODES } from './errors.ts';
import { billsOfRows } from './k3-bills.ts';
import { checkPeriod, periodRange, previousBeijingDay } from './period.ts';
import type { RunRecord } from './report.ts';
import { summaryLine } from './texts.ts';

const order = (overrides: Record<string, unknown> = {}) => ({
  stockout_id: 700611,
  order_no: 'CK2024031800017',
  status: 95,
  nick_name: 'C001',
  warehouse_no: 'WH01',
  consign_time: '2024-03-18 07:12:05',
  details_list: [
    { rec_id: 1, goods_no: 'M2', goods_count: '2.0000', sell_price: '59.9000' },
    { rec_id: 2, goods_no: 'M1', goods_count: '1.0000', sell_price: '0.0000' },
    { rec_id: 3, goods_no: 'M2', goods_count: '1.5000', sell_price: '10.0100' },
  ],
  ...overrides,
});

/** K3's answer for the same bill: one row per entry, numbers as JSON numbers, dates with a time. */
const k3Rows = (qty = 2, price = 59.9) => [
  [100001, 'CK2024031800017', '2024-03-18T00:00:00', 'C001', 1, 'M2', qty, price, false],
  [100001, 'CK2024031800017', '2024-03-18T00:00:00', 'C001', 2, 'M1', 1, 0, true],
  [100001, 'CK2024031800017', '2024-03-18T00:00:00', 'C001', 3, 'M2', 1.5, 10.01, false],
];

describe('the comparable bill', () => {
  it('is the same from WDT (through the mapping) and from K3, exactly, with gifts per material', () => {
    const wdt = wdtBillOf(order(), DEFAULT_MAPPING_PROFILE);
    const [k3] = billsOfRows(k3Rows());
    expect(wdt).toMatchObject({
      billNo: 'CK2024031800017',
      customer: 'C001',
      // consign time 07:12 Beijing is still the 18th (never converted through UTC)
      date: '2024-03-18',
      rows: 3,
      issue: null,
      lines: [
        { material: 'M1', quantity: '1', amount: '0', giftQuantity: '1' },
        { material: 'M2', quantity: '3.5', amount: '134.815', giftQuantity: '0' },
      ],
    });
    expect(k3).toBeDefined();
    expect(compareBills(wdt, k3 as NonNullable<typeof k3>)).toEqual([]);
    expect(billSums(wdt)).toEqual({ quantity: '4.5', amount: '134.815' });
  });

  it('names each field that differs: quantity and amount of a material, customer, date, rows, gift', () => {
    const wdt = wdtBillOf(order(), DEFAULT_MAPPING_PROFILE);
    const [k3] = billsOfRows(k3Rows(3, 59.9));
    expect(compareBills(wdt, k3 as NonNullable<typeof k3>)).toEqual([
      { field: 'quantity:M2', wdt: '3.5', k3: '4.5' },
      { field: 'amount:M2', wdt: '134.815', k3: '194.715' },
    ]);
    const other = billsOfRows([
      [7, 'CK2024031800017', '2024-03-19T00:00:00', 'C009', 1, 'M2', 3.5, 38.52, false],
    ])[0];
    const fields = compareBills(wdt, other as NonNullable<typeof other>).map((d) => d.field);
    expect(fields).toEqual(['customer', 'date', 'rows', 'quantity:M1', 'gift:M1', 'amount:M2']);
  });

  it('keeps an order the mapping refuses, with its first issue, and follows the profile', () => {
    const refused = wdtBillOf(order({ nick_name: '' }), DEFAULT_MAPPING_PROFILE);
    expect(refused).toMatchObject({ billNo: 'CK2024031800017', issue: 'MAP_MISSING_CUSTOMER', lines: [] });
    const profile = parseMappingProfile({ customer: { mode: 'table', table: { C001: 'K3-CUST-9' } } });
    expect(wdtBillOf(order(), profile).customer).toBe('K3-CUST-9');
  });

  it('totals both sides in exact decimals', () => {
    const totals = createTotals();
    for (let i = 0; i < 10; i += 1)
      totals.add({ rows: 1, lines: [{ material: 'M', quantity: '0.1', amount: '0.1', giftQuantity: '0' }] });
    expect(totals.value()).toEqual({ orders: 10, rows: 10, quantity: '1', amount: '1' });
  });
});

describe('periods', () => {
  it('are whole Beijing days, at most 31, not in the future', () => {
    expect(periodRange({ from: '2026-11-30', to: '2026-11-30' })).toEqual({
      fromMs: Date.parse('2026-11-30T00:00:00+08:00'),
      toMs: Date.parse('2026-12-01T00:00:00+08:00'),
    });
    const now = Date.parse('2026-12-01T01:00:00+08:00');
    expect(previousBeijingDay(now)).toBe('2026-11-30');
    for (const period of [
      { from: '2026-12-02', to: '2026-12-02' },
      { from: '2026-10-01', to: '2026-11-30' },
      { from: '2026-02-30', to: '2026-03-01' },
      { from: '2026-11-30', to: '2026-11-29' },
    ])
      expect(() => checkPeriod(period, now)).toThrow(
        expect.objectContaining({ code: RECONCILE_ERROR_CODES.periodInvalid }),
      );
  });
});

describe('the summary line', () => {
  it('reads like the issue asks, in Chinese first and English by a setting', () => {
    const side = (orders: number) => ({ orders, rows: 0, quantity: '0', amount: '0' });
    const run = {
      period: { from: '2026-11-30', to: '2026-11-30' },
      state: 'done',
      error: null,
      summary: {
        missing: 2,
        extra: 0,
        duplicated: 0,
        mismatched: 1,
        extraChecked: true,
        wdt: side(12431),
        k3: side(12429),
        missingByReason: {},
      },
    } satisfies Pick<RunRecord, 'period' | 'summary' | 'state' | 'error'>;
    expect(summaryLine(run)).toBe(
      '对账 2026-11-30: WDT 12,431 · K3 12,429 · 漏单 2 · 多单 0 · 重复 0 · 不一致 1',
    );
    expect(summaryLine(run, 'en')).toBe(
      'Reconciliation 2026-11-30: WDT 12,431 · K3 12,429 · missing 2 · extra 0 · duplicated 0 · mismatched 1',
    );
  });
});

describe('error codes', () => {
  it('are unique and each documented in the README', () => {
    const codes = Object.values(RECONCILE_ERROR_CODES);
    expect(new Set(codes).size).toBe(codes.length);
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    for (const code of codes) expect(readme).toMatch(new RegExp(`\\| \`${code}\` \\|`));
  });
});
