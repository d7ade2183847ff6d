import { describe, expect, it } from 'vitest';
import { corrupt, generateOrder, random } from '../test/generated-orders.ts';
import { readFixture } from '../test/orders.ts';
import { Decimal } from './decimal.ts';
import { isMapIssueCode } from './errors.ts';
import { mapStockoutToSalOutstock, withoutLookups } from './map-stockout.ts';
import { parseWdtStockoutOrder } from './order-schema.ts';
import { DEFAULT_MAPPING_PROFILE } from './profile-schema.ts';

// Products of two 4-decimal values summed over 50 rows need ~20 digits; decimal.js's default
// precision is exactly 20, so the reference arithmetic gets head-room.
const Exact = Decimal.clone({ precision: 60 });
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

describe('the bill without lookups (500 generated orders, seed 20240318)', () => {
  it('derived from the mapped bill equals the bill mapped with no lookups', () => {
    const next = random(20240318);
    let linked = 0;
    for (let caseNo = 1; caseNo <= 500; caseNo++) {
      const { raw, salesOrder } = generateOrder(next, caseNo);
      const order = parseWdtStockoutOrder(raw);
      if (!order.ok) throw new Error(`generated order rejected: ${JSON.stringify(order.issues)}`);
      const full = mapStockoutToSalOutstock(order.value, DEFAULT_MAPPING_PROFILE, {
        salesmanNumber: caseNo % 3 === 0 ? null : `SM${caseNo % 7}`,
        salesOrder,
      });
      const bare = mapStockoutToSalOutstock(
        order.value,
        DEFAULT_MAPPING_PROFILE,
        { salesmanNumber: null, salesOrder: null },
        { linkMode: 'optional' },
      );
      if (!full.ok || !bare.ok) throw new Error(`generated order ${caseNo} not mapped`);
      if (full.value.FEntity.some((entry) => entry.FEntity_Link !== undefined)) linked += 1;
      // Same keys in the same order, not only equal values: the ledger hashes the JSON.
      expect(JSON.stringify(withoutLookups(full.value))).toBe(JSON.stringify(bare.value));
    }
    expect(linked).toBeGreaterThan(100);
  });
});

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
