import { MAP_ISSUE_CODES, type MapIssueCode, type MappingIssue } from './errors.ts';
import type { WdtStockoutDetail, WdtStockoutOrder } from './order-schema.ts';
import type { MappingProfile, NumberRule } from './profile-schema.ts';

/**
 * Turns order values into K3 base-data numbers under the profile's rules. Shared by the mapping
 * and by `resolveLookupKeys`, so the loader looks up exactly the numbers the bill will carry.
 */
export type Resolved = { ok: true; number: string } | { ok: false; issue: MappingIssue };

interface RuleCodes {
  readonly label: string;
  readonly missing: MapIssueCode;
  readonly unmapped: MapIssueCode;
}

const SALE_ORG: RuleCodes = {
  label: 'sales org',
  missing: MAP_ISSUE_CODES.MISSING_SALE_ORG,
  unmapped: MAP_ISSUE_CODES.UNMAPPED_SALE_ORG,
};
const CUSTOMER: RuleCodes = {
  label: 'customer',
  missing: MAP_ISSUE_CODES.MISSING_CUSTOMER,
  unmapped: MAP_ISSUE_CODES.UNMAPPED_CUSTOMER,
};
const WAREHOUSE: RuleCodes = {
  label: 'warehouse',
  missing: MAP_ISSUE_CODES.MISSING_WAREHOUSE,
  unmapped: MAP_ISSUE_CODES.UNMAPPED_WAREHOUSE,
};

/** Trimmed text, or null when there is none: surrounding spaces never make a K3 number match. */
export function keyText(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const text = value.trim();
  return text === '' ? null : text;
}

function applyRule(rule: NumberRule, order: WdtStockoutOrder, codes: RuleCodes): Resolved {
  if (rule.mode === 'constant') return { ok: true, number: rule.value };
  const value = keyText(order[rule.source]);
  if (value === null) {
    if (rule.default !== undefined) return { ok: true, number: rule.default };
    const message = `${rule.source} is empty and the profile has no default ${codes.label}`;
    return { ok: false, issue: { code: codes.missing, path: rule.source, message } };
  }
  if (rule.mode === 'as-is') return { ok: true, number: value };
  const mapped = rule.table[value];
  if (mapped !== undefined && Object.hasOwn(rule.table, value)) return { ok: true, number: mapped };
  if (rule.default !== undefined) return { ok: true, number: rule.default };
  const message = `${rule.source} "${value}" is not in the profile's ${codes.label} table and there is no default`;
  return { ok: false, issue: { code: codes.unmapped, path: rule.source, message } };
}

export function resolveSaleOrg(order: WdtStockoutOrder, profile: MappingProfile): Resolved {
  return applyRule(profile.saleOrg, order, SALE_ORG);
}

export function resolveCustomer(order: WdtStockoutOrder, profile: MappingProfile): Resolved {
  return applyRule(profile.customer, order, CUSTOMER);
}

export function resolveWarehouse(order: WdtStockoutOrder, profile: MappingProfile): Resolved {
  return applyRule(profile.warehouse, order, WAREHOUSE);
}

/** The K3 material number of a detail row under the profile's material key, or null if empty. */
export function materialNumberOf(row: WdtStockoutDetail, profile: MappingProfile): string | null {
  return keyText(row[profile.materialKey]);
}

/**
 * What the loader must look up in K3 before mapping this order: the customer (for its seller,
 * `FSalesManID`), the sales order with `FBillNo = src_trade_no` (for the links), and the
 * materials (distinct, in row order). Null where the order gives nothing to look up; the mapping
 * reports why.
 */
export function resolveLookupKeys(
  order: WdtStockoutOrder,
  profile: MappingProfile,
): { customerNumber: string | null; salesOrderNo: string | null; materialNumbers: string[] } {
  const customer = resolveCustomer(order, profile);
  const materials = new Set<string>();
  for (const row of order.details_list) {
    const material = materialNumberOf(row, profile);
    if (material !== null) materials.add(material);
  }
  return {
    customerNumber: customer.ok ? customer.number : null,
    salesOrderNo: keyText(order.src_trade_no),
    materialNumbers: [...materials],
  };
}
