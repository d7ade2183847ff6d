import { z } from 'zod';
import { isMapIssueCode, MAP_ISSUE_CODES, type MappingIssue } from './errors.ts';
import { compileFastPath } from './order-fast-path.ts';
import {
  addMapIssue,
  readConsignTime,
  readId,
  readInt,
  readModelDecimal,
  readRequiredKey,
  readText,
  wireShape,
} from './wire-fields.ts';

/**
 * A WDT sales stock-out order as `wdt.stockout.order.query.trade` returns it (wdt-qimen.md §3).
 * Declared: the fields the mapping reads and the ids and codes other packages key on. Everything
 * else WDT sends is kept untouched (`looseObject`), so nothing the feed adds later is lost between
 * the extractor and a dead letter. That includes the money fields the bill never carries (`paid`,
 * `total_amount`, …): a corrupt value in a field K3 never sees must not dead-letter an order, and
 * reading ~25 of them as decimals was most of the parse time.
 *
 * Profile-independent data-quality rules live here, one field each, so one parse reports all of
 * them; rules that depend on the profile or on K3 lookups are in `mapStockoutToSalOutstock`.
 * Each field is declared once, as a reader; the zod schemas and the fast path of
 * `parseWdtStockoutOrder` are both built from these tables.
 */
const DETAIL_FIELDS = {
  rec_id: readRequiredKey(MAP_ISSUE_CODES.MISSING_REC_ID, 'rec_id'),
  stockout_id: readId,
  goods_id: readId,
  spec_id: readId,
  goods_no: readText,
  spec_no: readText,
  goods_name: readText,
  spec_name: readText,
  spec_code: readText,
  barcode: readText,
  goods_count: readModelDecimal(MAP_ISSUE_CODES.INVALID_QUANTITY, 'goods_count', 'positive'),
  sell_price: readModelDecimal(MAP_ISSUE_CODES.INVALID_PRICE, 'sell_price', 'non-negative'),
  gift_type: readInt,
  src_oid: readText,
  src_tid: readText,
};

export const wdtStockoutDetailSchema = z.looseObject(wireShape(DETAIL_FIELDS));

export type WdtStockoutDetail = z.output<typeof wdtStockoutDetailSchema>;

/** rec_id of a row that may have failed its own parse: normalised like `readRequiredKey` does. */
function recIdOf(row: unknown): string | null {
  if (typeof row !== 'object' || row === null) return null;
  const id = (row as { rec_id?: unknown }).rec_id;
  if (typeof id === 'number') return String(id);
  return typeof id === 'string' && id.trim() !== '' ? id.trim() : null;
}

const detailsListSchema = z
  .array(wdtStockoutDetailSchema)
  .nullish()
  .superRefine((rows, ctx) => {
    if (rows === null || rows === undefined || rows.length === 0) {
      addMapIssue(ctx, MAP_ISSUE_CODES.EMPTY_DETAILS, 'details_list has no rows');
    }
  })
  // Runs even when single rows failed, so a duplicate is reported together with their problems.
  .superRefine(
    (rows, ctx) => {
      const firstIndex = new Map<string, number>();
      (rows ?? []).forEach((row: unknown, index) => {
        const id = recIdOf(row);
        if (id === null) return;
        const first = firstIndex.get(id);
        if (first === undefined) {
          firstIndex.set(id, index);
          return;
        }
        ctx.addIssue({
          code: 'custom',
          path: [index, 'rec_id'],
          message: `rec_id ${id} appears again (first at row ${first}); WDT sent a detail row twice`,
          params: { mapCode: MAP_ISSUE_CODES.DUPLICATE_REC_ID },
        });
      });
    },
    { when: (payload) => Array.isArray(payload.value) },
  )
  .transform((rows) => rows ?? []);

/** The declared header fields of an order and how each is read (`details_list` aside). */
const ORDER_FIELDS = {
  stockout_id: readRequiredKey(MAP_ISSUE_CODES.MISSING_STOCKOUT_ID, 'stockout_id'),
  order_no: readRequiredKey(MAP_ISSUE_CODES.MISSING_ORDER_NO, 'order_no'),
  stockout_no: readText,
  src_order_no: readText,
  src_trade_no: readText,
  src_tids: readText,
  trade_no: readText,
  status: readInt,
  trade_status: readInt,
  order_type: readInt,
  trade_type: readInt,
  platform_id: readInt,
  shop_no: readText,
  shop_name: readText,
  warehouse_no: readText,
  warehouse_name: readText,
  nick_name: readText,
  customer_id: readId,
  customer_name: readText,
  fenxiao_nick: readText,
  remark: readText,
  logistics_no: readText,
  logistics_code: readText,
  consign_time: readConsignTime,
};

export const wdtStockoutOrderSchema = z.looseObject({
  ...wireShape(ORDER_FIELDS),
  details_list: detailsListSchema,
});

export type WdtStockoutOrder = z.output<typeof wdtStockoutOrderSchema>;

/**
 * Order fields a profile may name as the source of a K3 number or a custom text field. Limited
 * to declared text fields so a typo in a profile fails at start-up instead of mapping nothing.
 */
export const ORDER_TEXT_FIELDS = [
  'nick_name',
  'customer_id',
  'customer_name',
  'fenxiao_nick',
  'shop_no',
  'shop_name',
  'warehouse_no',
  'warehouse_name',
  'logistics_no',
  'logistics_code',
  'src_trade_no',
  'src_order_no',
  'trade_no',
  'stockout_no',
  'remark',
] as const satisfies readonly (keyof WdtStockoutOrder)[];

export type OrderTextField = (typeof ORDER_TEXT_FIELDS)[number];

function toMappingIssue(issue: z.core.$ZodIssue): MappingIssue {
  const mapCode = issue.code === 'custom' ? issue.params?.mapCode : undefined;
  const path = issue.path.map(String).join('.');
  if (isMapIssueCode(mapCode)) return { code: mapCode, path, message: issue.message };
  const message = path === '' ? `the order is not a JSON object: ${issue.message}` : issue.message;
  return { code: MAP_ISSUE_CODES.INVALID_FIELD, path, message };
}

export const readCleanOrder = compileFastPath(ORDER_FIELDS, 'details_list', DETAIL_FIELDS, 'rec_id');

/**
 * Validates and normalises one order from the wire. Never throws; lists every problem. A clean
 * order takes the fast path, which yields what `wdtStockoutOrderSchema` would; anything else goes
 * through the schema for its issues.
 */
export function parseWdtStockoutOrder(
  raw: unknown,
): { ok: true; value: WdtStockoutOrder } | { ok: false; issues: MappingIssue[] } {
  const clean = readCleanOrder(raw);
  if (clean !== null) return { ok: true, value: clean as WdtStockoutOrder };
  const result = wdtStockoutOrderSchema.safeParse(raw);
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, issues: result.error.issues.map(toMappingIssue) };
}
