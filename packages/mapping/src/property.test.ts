import { describe, expect, it } from 'vitest';
import { type RawRow, rawOrder, readFixture } from '../test/orders.ts';
import { Decimal } from './decimal.ts';
import { isMapIssueCode } from './errors.ts';
import type { SalesOrderLookup } from './links.ts';
import { mapStockoutToSalOutstock } from './map-stockout.ts';
import { parseWdtStockoutOrder } from './order-schema.ts';
import { DEFAULT_MAPPING_PROFILE } from './profile-schema.ts';

/** mulberry32: a tiny seeded PRNG, so every run checks the same cases and a failure replays. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Products of two 4-decimal values summed over 50 rows need ~20 digits; decimal.js's default
// precision is exactly 20, so the reference arithmetic gets head-room.
const Exact = Decimal.clone({ precision: 60 });
const MATERIALS = ['SPU-1001', 'SPU-2002', 'SPU-3003', '1.01.001', '赠品-帆布袋'];

interface Generated {
  raw: Record<string, unknown>;
  quantities: string[];
  prices: string[];
  salesOrder: SalesOrderLookup;
}

function generateOrder(next: () => number, caseNo: number): Generated {
  const int = (below: number) => Math.floor(next() * below);
  const fourDecimals = (whole: number) => `${int(whole)}.${String(int(10_000)).padStart(4, '0')}`;
  // WDT sends 4-decimal strings; some feeds send JSON numbers. Both must come out exact.
  const onWire = (text: string) => (next() < 0.3 ? Number(text) : text);
  const quantities: string[] = [];
  const prices: string[] = [];
  const rows: RawRow[] = [];
  const entries: SalesOrderLookup['entries'] = [];
  const rowCount = 1 + int(50);
  for (let index = 0; index < rowCount; index++) {
    let quantity = next() < 0.5 ? `${1 + int(20)}.0000` : fourDecimals(100_000);
    if (new Decimal(quantity).isZero()) quantity = '0.0001';
    const price = next() < 0.2 ? '0.0000' : fourDecimals(100_000);
    const material = MATERIALS[int(MATERIALS.length)] ?? 'SPU-1001';
    quantities.push(quantity);
    prices.push(price);
    entries.push({ entryId: 5000 + index, materialNumber: material });
    rows.push({
      rec_id: next() < 0.5 ? 1000 + index : String(1000 + index),
      goods_no: material,
      goods_count: onWire(quantity),
      sell_price: onWire(price),
    });
  }
  const tradeNo = `T${caseNo}`;
  return {
    raw: rawOrder({ stockout_id: caseNo, src_trade_no: tradeNo }, rows),
    quantities,
    prices,
    salesOrder: { fid: caseNo, billNo: tradeNo, entries },
  };
}

const sum = (values: Iterable<Decimal.Value>) =>
  [...values].reduce<Decimal>((total, v) => total.plus(v), new Exact(0));

describe('generated valid orders (500 cases, seed 20240318)', () => {
  const next = random(20240318);
  const cases = Array.from({ length: 500 }, (_, caseNo) => generateOrder(next, caseNo + 1));

  it('map, and K3 quantities and amounts add up exactly to the source', () => {
    for (const { raw, quantities, prices, salesOrder } of cases) {
      const order = parseWdtStockoutOrder(raw);
      if (!order.ok) throw new Error(`generated order rejected: ${JSON.stringify(order.issues)}`);
      const result = mapStockoutToSalOutstock(order.value, DEFAULT_MAPPING_PROFILE, {
        salesmanNumber: null,
        salesOrder,
      });
      if (!result.ok) throw new Error(`generated order not mapped: ${JSON.stringify(result.issues)}`);
      const entries = result.value.FEntity;

      expect(entries).toHaveLength(quantities.length);
      expect(sum(entries.map((e) => e.FRealQty)).eq(sum(quantities))).toBe(true);
      expect(
        sum(entries.map((e) => e.FEntity_Link?.[0]?.FEntity_Link_FBaseUnitQty ?? 0)).eq(sum(quantities)),
      ).toBe(true);
      const k3Amount = sum(entries.map((e) => new Exact(e.FRealQty).times(e.FTaxPrice)));
      const sourceAmount = sum(quantities.map((q, i) => new Exact(q).times(prices[i] ?? 'NaN')));
      expect(k3Amount.eq(sourceAmount)).toBe(true);
      expect(entries.map((e) => e.FIsFree)).toEqual(prices.map((p) => new Decimal(p).isZero()));
    }
  });
});

/** Replaces one random field of the order or of a row with a value of a random wrong kind. */
function corrupt(raw: Record<string, unknown>, next: () => number): Record<string, unknown> {
  const junk = [
    null,
    '',
    '  ',
    'abc',
    -1,
    0,
    1.5,
    Number.NaN,
    true,
    {},
    [],
    '1e9',
    '2024-13-01 00:00:00',
    2 ** 60,
  ];
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const copy = structuredClone(raw);
  // An earlier corruption may have replaced the list or a row with junk: only objects are targets.
  const list: unknown[] = Array.isArray(copy.details_list) ? copy.details_list : [];
  const rows = list.filter((row): row is Record<string, unknown> => typeof row === 'object' && row !== null);
  const target = next() < 0.5 || rows.length === 0 ? copy : pick(rows);
  const key = pick(Object.keys(target));
  target[key] = pick(junk);
  return copy;
}

describe('corrupted orders (500 cases, seed 7)', () => {
  it('never throw: each is a parsed order or a list of issues with known codes', () => {
    const next = random(7);
    const base = readFixture('stockout-3-rows-gift');
    let rejected = 0;
    for (let caseNo = 0; caseNo < 500; caseNo++) {
      let raw = base;
      for (let times = 1 + Math.floor(next() * 4); times > 0; times--) raw = corrupt(raw, next);
      const result = parseWdtStockoutOrder(raw);
      if (result.ok) {
        const mapped = mapStockoutToSalOutstock(result.value, DEFAULT_MAPPING_PROFILE, {
          salesmanNumber: null,
          salesOrder: null,
        });
        if (!mapped.ok) expect(mapped.issues.every((issue) => isMapIssueCode(issue.code))).toBe(true);
        continue;
      }
      rejected++;
      expect(result.issues.length).toBeGreaterThan(0);
      expect(result.issues.every((issue) => isMapIssueCode(issue.code) && issue.message !== '')).toBe(true);
    }
    // Sanity of the generator itself: most corruptions hit a checked field.
    expect(rejected).toBeGreaterThan(100);
  });
});
