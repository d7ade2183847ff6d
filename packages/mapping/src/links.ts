import { MAP_ISSUE_CODES, type MappingIssue } from './errors.ts';
import type { WdtStockoutOrder } from './order-schema.ts';
import type { MappingProfile } from './profile-schema.ts';
import { keyText } from './resolve.ts';

/**
 * The K3 sales order a stock-out fulfils (FBillNo = `src_trade_no`, docs/architecture.md), as the
 * loader found it with ExecuteBillQuery: its FID and its entries with their material numbers,
 * in entry order.
 */
export interface SalesOrderLookup {
  fid: number;
  billNo: string;
  entries: { entryId: number; materialNumber: string }[];
}

/**
 * `required`: no sales order → `MAP_LINK_SOURCE_MISSING`. `optional`: no sales order → the bill
 * without links, flagged `unlinked`. `off`: never link. A sales order that lacks a row's material
 * is `MAP_LINK_ROW_MISSING` in both `required` and `optional`.
 */
export type LinkMode = 'required' | 'optional' | 'off';

export interface LinkTarget {
  readonly fid: number;
  readonly entryId: number;
}

/** One target per detail row (null: row not linked), or no targets at all. */
export interface LinkPlan {
  readonly targets: readonly (LinkTarget | null)[] | null;
  readonly unlinked: boolean;
}

const NO_LINKS: LinkPlan = { targets: null, unlinked: false };
const UNLINKED: LinkPlan = { targets: null, unlinked: true };

function missingSource(order: WdtStockoutOrder): MappingIssue {
  const salesOrderNo = keyText(order.src_trade_no);
  if (salesOrderNo === null) {
    return {
      code: MAP_ISSUE_CODES.LINK_SOURCE_MISSING,
      path: 'src_trade_no',
      message: 'src_trade_no is empty, so there is no sales order to link the stock-out to',
    };
  }
  return {
    code: MAP_ISSUE_CODES.LINK_SOURCE_MISSING,
    path: 'lookups.salesOrder',
    message: `sales order ${salesOrderNo} was not found in K3`,
  };
}

/**
 * Matches each stock-out row to a sales-order entry by material. Rows of the same material take
 * that material's entries in row order, so two rows of one SKU link to two SO lines, never both
 * to the first. Rows whose material is null already carry an issue and are skipped.
 */
export function planLinks(
  order: WdtStockoutOrder,
  materials: readonly (string | null)[],
  salesOrder: SalesOrderLookup | null,
  mode: LinkMode,
  profile: MappingProfile,
  issues: MappingIssue[],
): LinkPlan {
  if (mode === 'off') return NO_LINKS;
  if (salesOrder === null) {
    if (mode === 'optional') return UNLINKED;
    issues.push(missingSource(order));
    return NO_LINKS;
  }
  const salesOrderNo = keyText(order.src_trade_no);
  if (salesOrderNo !== keyText(salesOrder.billNo)) {
    issues.push({
      code: MAP_ISSUE_CODES.LINK_SOURCE_MISMATCH,
      path: 'lookups.salesOrder.billNo',
      message: `the sales order looked up is ${salesOrder.billNo}, but src_trade_no is ${salesOrderNo ?? 'empty'}`,
    });
    return NO_LINKS;
  }
  const open = new Map<string, number[]>();
  for (const entry of salesOrder.entries) {
    const material = entry.materialNumber.trim();
    const queue = open.get(material);
    if (queue === undefined) open.set(material, [entry.entryId]);
    else queue.push(entry.entryId);
  }
  const targets = materials.map((material, index): LinkTarget | null => {
    if (material === null) return null;
    const entryId = open.get(material)?.shift();
    if (entryId !== undefined) return { fid: salesOrder.fid, entryId };
    issues.push({
      code: MAP_ISSUE_CODES.LINK_ROW_MISSING,
      path: `details_list.${index}.${profile.materialKey}`,
      message: `sales order ${salesOrderNo} has no ${open.has(material) ? 'more entries' : 'entry'} for material ${material}`,
    });
    return null;
  });
  return { targets, unlinked: false };
}
