/**
 * Every data-quality problem the mapping can report. The loader dead-letters an order with these
 * codes and the admin API shows them, so they are stable: never rename or reuse one. The package
 * README says what a person does about each; `errors.test.ts` keeps the two in sync.
 *
 * Mapping issues are data, not thrown errors (CONVENTIONS.md: mapping returns
 * `{ ok: false, issues }`). Whether an order is retried is the loader's call; only
 * `MAP_LINK_SOURCE_MISSING` can heal by itself (the sales order may not be in K3 yet).
 */
export const MAP_ISSUE_CODES = {
  INVALID_FIELD: 'MAP_INVALID_FIELD',
  MISSING_STOCKOUT_ID: 'MAP_MISSING_STOCKOUT_ID',
  MISSING_ORDER_NO: 'MAP_MISSING_ORDER_NO',
  INVALID_CONSIGN_TIME: 'MAP_INVALID_CONSIGN_TIME',
  EMPTY_DETAILS: 'MAP_EMPTY_DETAILS',
  MISSING_REC_ID: 'MAP_MISSING_REC_ID',
  DUPLICATE_REC_ID: 'MAP_DUPLICATE_REC_ID',
  INVALID_QUANTITY: 'MAP_INVALID_QUANTITY',
  INVALID_PRICE: 'MAP_INVALID_PRICE',
  /** No longer raised: unread money fields pass through as received. Kept, as codes are never reused. */
  INVALID_NUMBER: 'MAP_INVALID_NUMBER',
  MISSING_SALE_ORG: 'MAP_MISSING_SALE_ORG',
  UNMAPPED_SALE_ORG: 'MAP_UNMAPPED_SALE_ORG',
  MISSING_CUSTOMER: 'MAP_MISSING_CUSTOMER',
  UNMAPPED_CUSTOMER: 'MAP_UNMAPPED_CUSTOMER',
  MISSING_WAREHOUSE: 'MAP_MISSING_WAREHOUSE',
  UNMAPPED_WAREHOUSE: 'MAP_UNMAPPED_WAREHOUSE',
  EMPTY_MATERIAL_KEY: 'MAP_EMPTY_MATERIAL_KEY',
  LINK_SOURCE_MISSING: 'MAP_LINK_SOURCE_MISSING',
  LINK_SOURCE_MISMATCH: 'MAP_LINK_SOURCE_MISMATCH',
  LINK_ROW_MISSING: 'MAP_LINK_ROW_MISSING',
} as const;

export type MapIssueCode = (typeof MAP_ISSUE_CODES)[keyof typeof MAP_ISSUE_CODES];

/**
 * One problem with one order. `path` names the WDT field (`details_list.2.goods_count`, dots as in
 * runtime's `describeIssues`) or the lookup (`lookups.salesOrder`) so a person can find it.
 */
export interface MappingIssue {
  readonly code: MapIssueCode;
  readonly path: string;
  readonly message: string;
}

const KNOWN_CODES: ReadonlySet<string> = new Set(Object.values(MAP_ISSUE_CODES));

export function isMapIssueCode(value: unknown): value is MapIssueCode {
  return typeof value === 'string' && KNOWN_CODES.has(value);
}
