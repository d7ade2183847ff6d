import { createRandom } from '@wdt-k3/sim-data';
import { Decimal, type SalesOrderLookup } from '../src/index.ts';

/** A seeded PRNG, so every run checks the same cases and a failure replays. */
export const random = createRandom;

import { type RawRow, rawOrder } from './orders.ts';

/** Seeded generators of wire orders, valid and corrupted, for the property tests. */

const MATERIALS = ['SPU-1001', 'SPU-2002', 'SPU-3003', '1.01.001', '赠品-帆布袋'];

export interface Generated {
  raw: Record<string, unknown>;
  quantities: string[];
  prices: string[];
  salesOrder: SalesOrderLookup;
}

export function generateOrder(next: () => number, caseNo: number): Generated {
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

/** Replaces one random field of the order or of a row with a value of a random wrong kind. */
export function corrupt(raw: Record<string, unknown>, next: () => number): Record<string, unknown> {
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
