import { Decimal } from '@wdt-k3/mapping';
import type { ComparableBill, ComparableLine } from './comparable.ts';

/** One field that differs: `quantity:1.01.0001`, `amount:…`, `gift:…`, `customer`, `date`, `rows`. */
export interface FieldDifference {
  readonly field: string;
  readonly wdt: string | number | null;
  readonly k3: string | number | null;
}

const ZERO = new Decimal(0);
const same = (a: string | undefined, b: string | undefined): boolean =>
  new Decimal(a ?? 0).equals(new Decimal(b ?? 0));

/**
 * Field by field, for the fields the mapping sets. Decimals compare as values (`12.50` = `12.5`);
 * a material on one side only differs in its quantity (and amount, gift) against nothing.
 */
export function compareBills(wdt: ComparableBill, k3: ComparableBill): FieldDifference[] {
  const differences: FieldDifference[] = [];
  if (wdt.customer !== k3.customer)
    differences.push({ field: 'customer', wdt: wdt.customer, k3: k3.customer });
  if (wdt.date !== k3.date) differences.push({ field: 'date', wdt: wdt.date, k3: k3.date });
  if (wdt.rows !== k3.rows) differences.push({ field: 'rows', wdt: wdt.rows, k3: k3.rows });
  const wdtLines = new Map(wdt.lines.map((line) => [line.material, line]));
  const k3Lines = new Map(k3.lines.map((line) => [line.material, line]));
  const materials = [...new Set([...wdtLines.keys(), ...k3Lines.keys()])].sort();
  for (const material of materials) {
    const a = wdtLines.get(material);
    const b = k3Lines.get(material);
    for (const [name, key] of [
      ['quantity', 'quantity'],
      ['amount', 'amount'],
      ['gift', 'giftQuantity'],
    ] as const) {
      if (!same(a?.[key], b?.[key]))
        differences.push({ field: `${name}:${material}`, wdt: a?.[key] ?? null, k3: b?.[key] ?? null });
    }
  }
  return differences;
}

/** Orders, rows, quantity and amount of one side. */
export interface SideTotals {
  readonly orders: number;
  readonly rows: number;
  readonly quantity: string;
  readonly amount: string;
}

export function createTotals(): {
  add(bill: Pick<ComparableBill, 'rows' | 'lines'>): void;
  value(): SideTotals;
} {
  let orders = 0;
  let rows = 0;
  let quantity = ZERO;
  let amount = ZERO;
  return {
    add(bill) {
      orders += 1;
      rows += bill.rows;
      for (const line of bill.lines as readonly ComparableLine[]) {
        quantity = quantity.plus(line.quantity);
        amount = amount.plus(line.amount);
      }
    },
    value: () => ({ orders, rows, quantity: quantity.toString(), amount: amount.toString() }),
  };
}

/** Quantity and amount of one bill, for report rows. */
export function billSums(bill: Pick<ComparableBill, 'lines'>): { quantity: string; amount: string } {
  let quantity = ZERO;
  let amount = ZERO;
  for (const line of bill.lines) {
    quantity = quantity.plus(line.quantity);
    amount = amount.plus(line.amount);
  }
  return { quantity: quantity.toString(), amount: amount.toString() };
}
