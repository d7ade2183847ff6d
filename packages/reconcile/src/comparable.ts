import {
  Decimal,
  type MappingProfile,
  mapStockoutToSalOutstock,
  parseWdtStockoutOrder,
  type SalOutstockModel,
} from '@wdt-k3/mapping';

/**
 * The comparable bill: what reconciliation compares, and only what the mapping sets from the WDT
 * order — customer, date, row count, and per material the quantity, the amount and the quantity
 * shipped as a gift. Quantities and amounts are exact decimals in text (decimal.js, no trailing
 * zeros), so `12.5000` from WDT and `12.5` from K3 are the same value and sums never drift.
 */
export interface ComparableLine {
  readonly material: string;
  readonly quantity: string;
  /** Σ quantity × price incl. tax (FRealQty × FTaxPrice). */
  readonly amount: string;
  /** Quantity on rows flagged as gifts (FIsFree). */
  readonly giftQuantity: string;
}

export interface ComparableBill {
  readonly billNo: string;
  readonly customer: string;
  /** `yyyy-MM-dd`, Beijing: FDate's day. */
  readonly date: string;
  readonly rows: number;
  /** One per material, sorted by material number. */
  readonly lines: readonly ComparableLine[];
}

/** The WDT side: the bill the mapping builds from the order, and the order's numbers. */
export interface WdtBill extends ComparableBill {
  readonly stockoutId: string;
  readonly stockoutNo: string | null;
  readonly consignTime: string | null;
  /** The first MAP_* issue when the order does not map (it cannot be a bill; the loader dead-letters it). */
  readonly issue: string | null;
}

/** The K3 side: a SAL_OUTSTOCK bill as ExecuteBillQuery answers it. */
export interface K3Bill extends ComparableBill {
  readonly fid: number;
}

export interface RawRow {
  readonly material: string;
  readonly quantity: Decimal;
  readonly price: Decimal;
  readonly gift: boolean;
}

/** Rows → the per-material lines (sorted, so two equal bills give equal lines). */
export function linesOf(rows: readonly RawRow[]): ComparableLine[] {
  const byMaterial = new Map<string, { quantity: Decimal; amount: Decimal; gift: Decimal }>();
  for (const row of rows) {
    const line = byMaterial.get(row.material) ?? {
      quantity: new Decimal(0),
      amount: new Decimal(0),
      gift: new Decimal(0),
    };
    line.quantity = line.quantity.plus(row.quantity);
    line.amount = line.amount.plus(row.quantity.times(row.price));
    if (row.gift) line.gift = line.gift.plus(row.quantity);
    byMaterial.set(row.material, line);
  }
  return [...byMaterial.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([material, line]) => ({
      material,
      quantity: line.quantity.toString(),
      amount: line.amount.toString(),
      giftQuantity: line.gift.toString(),
    }));
}

const text = (value: unknown): string | null =>
  typeof value === 'string' && value.trim() !== ''
    ? value.trim()
    : typeof value === 'number'
      ? String(value)
      : null;

const numberOf = (ref: unknown): string =>
  typeof ref === 'object' && ref !== null
    ? (text((ref as Record<string, unknown>).FNumber ?? (ref as Record<string, unknown>).FNUMBER) ?? '')
    : '';

/** The comparable form of a bill model as the loader would send it. */
export function comparableOfModel(model: SalOutstockModel): ComparableBill {
  const rows = model.FEntity.map((entry) => ({
    material: numberOf(entry.FMaterialID),
    quantity: new Decimal(String(entry.FRealQty)),
    price: new Decimal(String(entry.FTaxPrice)),
    gift: entry.FIsFree === true,
  }));
  return {
    billNo: model.FBillNo,
    customer: numberOf(model.FCustomerID),
    date: String(model.FDate).slice(0, 10),
    rows: rows.length,
    lines: linesOf(rows),
  };
}

/**
 * A WDT order as received → its comparable bill, through the same mapping (and profile) as the
 * loader. K3 lookups (salesman, sales-order links) change no compared field, so none is made. An
 * order that does not map still counts on the WDT side, keyed by its order number (or its
 * stock-out key), with its first issue: it can never be a bill, and the report says why.
 */
export function wdtBillOf(raw: Record<string, unknown>, profile: MappingProfile): WdtBill {
  const stockoutId = text(raw.stockout_id) ?? '';
  const numbers = {
    stockoutId,
    stockoutNo: text(raw.stockout_no),
    consignTime: text(raw.consign_time),
  };
  const parsed = parseWdtStockoutOrder(raw);
  const mapped = parsed.ok
    ? mapStockoutToSalOutstock(
        parsed.value,
        profile,
        { salesmanNumber: null, salesOrder: null },
        { linkMode: 'off' },
      )
    : parsed;
  if (mapped.ok) return { ...comparableOfModel(mapped.value), ...numbers, issue: null };
  const details = Array.isArray(raw.details_list) ? raw.details_list : [];
  return {
    billNo: text(raw.order_no) ?? `so-${stockoutId}`,
    customer: text(raw.nick_name) ?? '',
    date: (numbers.consignTime ?? '').slice(0, 10),
    rows: details.length,
    lines: [],
    ...numbers,
    issue: mapped.issues[0]?.code ?? 'MAP_INVALID_FIELD',
  };
}
