import { formatK3Date } from './beijing-time.ts';
import { toJsonNumber } from './decimal.ts';
import { MAP_ISSUE_CODES, type MappingIssue } from './errors.ts';
import type { K3NumberRef, SalOutstockEntry, SalOutstockLink, SalOutstockModel } from './k3-model.ts';
import { type LinkMode, type LinkTarget, planLinks, type SalesOrderLookup } from './links.ts';
import type { WdtStockoutDetail, WdtStockoutOrder } from './order-schema.ts';
import type { MappingProfile } from './profile-schema.ts';
import { keyText, materialNumberOf, resolveCustomer, resolveSaleOrg, resolveWarehouse } from './resolve.ts';

/** What the loader looked up in K3 for this order (keys from `resolveLookupKeys`). */
export interface MappingLookups {
  /** FSELLER of the resolved customer; null = the customer has none → no `FSalesManID`. */
  salesmanNumber: string | null;
  /** null = not looked up or not found; see `LinkMode` for what that means. */
  salesOrder: SalesOrderLookup | null;
}

export type MappingResult =
  | { ok: true; value: SalOutstockModel; unlinked: boolean }
  | { ok: false; issues: MappingIssue[] };

interface HeaderNumbers {
  readonly saleOrg: string;
  readonly customer: string;
  readonly warehouse: string;
}

function ref(number: string): K3NumberRef {
  return { FNumber: number };
}

/**
 * Maps one parsed WDT stock-out order to one SAL_OUTSTOCK bill (mapping-spec.md, every row).
 * Pure: no I/O, no clock; K3 facts come in through `lookups`. Every problem the profile or the
 * lookups reveal is reported at once; the order itself was checked by `parseWdtStockoutOrder`.
 */
export function mapStockoutToSalOutstock(
  order: WdtStockoutOrder,
  profile: MappingProfile,
  lookups: MappingLookups,
  options: { linkMode?: LinkMode | undefined } = {},
): MappingResult {
  const issues: MappingIssue[] = [];
  const saleOrg = resolveSaleOrg(order, profile);
  const customer = resolveCustomer(order, profile);
  const warehouse = resolveWarehouse(order, profile);
  for (const resolved of [saleOrg, customer, warehouse]) if (!resolved.ok) issues.push(resolved.issue);

  const materials = materialNumbers(order, profile, issues);
  const links = planLinks(
    order,
    materials,
    lookups.salesOrder,
    options.linkMode ?? 'required',
    profile,
    issues,
  );

  if (!saleOrg.ok || !customer.ok || !warehouse.ok || issues.length > 0) return { ok: false, issues };
  const numbers = { saleOrg: saleOrg.number, customer: customer.number, warehouse: warehouse.number };
  const entries = order.details_list.map((row, index) =>
    buildEntry(row, materials[index] ?? '', order, profile, numbers, links.targets?.[index] ?? null),
  );
  return {
    ok: true,
    value: buildModel(order, profile, numbers, lookups.salesmanNumber, entries),
    unlinked: links.unlinked,
  };
}

/**
 * The bill as WDT and the profile alone make it — what `mapStockoutToSalOutstock` gives with no
 * lookups and `linkMode: 'optional'` — derived from a bill mapped with its lookups: the salesman
 * and the sales-order links left out. Where both bills are wanted (the loader sends one and
 * records the other) it saves a second mapping; property.test.ts holds the two equal.
 */
export function withoutLookups(model: SalOutstockModel): SalOutstockModel {
  const { FSalesManID: _salesman, FEntity, ...header } = model;
  return {
    ...header,
    FEntity: FEntity.map(({ FSOEntryId: _entryId, FEntity_Link: _link, ...entry }) => entry),
  };
}

function materialNumbers(
  order: WdtStockoutOrder,
  profile: MappingProfile,
  issues: MappingIssue[],
): (string | null)[] {
  return order.details_list.map((row, index) => {
    const material = materialNumberOf(row, profile);
    if (material === null) {
      issues.push({
        code: MAP_ISSUE_CODES.EMPTY_MATERIAL_KEY,
        path: `details_list.${index}.${profile.materialKey}`,
        message: `row rec_id ${row.rec_id} has no ${profile.materialKey}, so it has no K3 material`,
      });
    }
    return material;
  });
}

/**
 * Profile constants are frozen and shared by every bill; each bill gets its own copy so callers
 * own the model outright (and may amend it, e.g. set FID) without touching the profile.
 */
function ownCopy<T extends object>(constants: T): T {
  return Object.keys(constants).length === 0 ? constants : structuredClone(constants);
}

function customHeaderValues(order: WdtStockoutOrder, profile: MappingProfile): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [field, source] of Object.entries(profile.customHeaderFields))
    values[field] = order[source] ?? '';
  return values;
}

function buildModel(
  order: WdtStockoutOrder,
  profile: MappingProfile,
  numbers: HeaderNumbers,
  salesmanNumber: string | null,
  entries: SalOutstockEntry[],
): SalOutstockModel {
  const salesman = keyText(salesmanNumber);
  const hasSubHead = Object.keys(profile.subHeadFields).length > 0;
  // Header fields first and the entries last, as in K3's own templates: K3 may apply fields in
  // key order ("字段值被覆盖或丢失…把字段顺序向后调整", k3cloud.md §7).
  return {
    FBillTypeID: { FNUMBER: profile.billType },
    FBillNo: order.order_no,
    FDate: formatK3Date(order.consign_time, profile.dateFormat),
    FStockOrgId: ref(profile.stockOrg),
    FSaleOrgId: ref(numbers.saleOrg),
    FCustomerID: ref(numbers.customer),
    ...(salesman === null ? {} : { FSalesManID: ref(salesman) }),
    FNote: order.remark ?? '',
    FCarriageNO: order.logistics_no ?? '',
    ...customHeaderValues(order, profile),
    ...ownCopy(profile.extraFields),
    ...(hasSubHead ? { SubHeadEntity: ownCopy(profile.subHeadFields) } : {}),
    FEntity: entries,
  };
}

function buildEntry(
  row: WdtStockoutDetail,
  material: string,
  order: WdtStockoutOrder,
  profile: MappingProfile,
  numbers: HeaderNumbers,
  target: LinkTarget | null,
): SalOutstockEntry {
  const quantity = toJsonNumber(row.goods_count);
  const salesOrderNo = keyText(order.src_trade_no) ?? '';
  const entry: SalOutstockEntry = {
    FMaterialID: ref(material),
    FRealQty: quantity,
    FTaxPrice: toJsonNumber(row.sell_price),
    // A row is a gift exactly when it ships at no price (mapping-spec.md: false when > 0).
    FIsFree: !row.sell_price.gt(0),
    FStockID: ref(numbers.warehouse),
    FStockStatusID: ref(profile.stockStatus),
    FOwnerTypeID: profile.owner.type,
    FOwnerID: ref(profile.owner.number),
    FSrcType: profile.link.srcType,
    FSrcBillNo: salesOrderNo,
    FSoorDerno: salesOrderNo,
  };
  if (profile.keeper !== null) {
    entry.FKeeperTypeID = profile.keeper.type;
    entry.FKeeperID = ref(profile.keeper.number);
  }
  Object.assign(entry, ownCopy(profile.extraEntryFields));
  if (target !== null) {
    entry.FSOEntryId = target.entryId;
    entry.FEntity_Link = [linkRow(target, quantity, profile)];
  }
  return entry;
}

function linkRow(target: LinkTarget, quantity: number, profile: MappingProfile): SalOutstockLink {
  return {
    FEntity_Link_FRuleId: profile.link.ruleId,
    FEntity_Link_FSTableName: profile.link.sourceTable,
    FEntity_Link_FSBillId: target.fid,
    FEntity_Link_FSId: target.entryId,
    FEntity_Link_FBaseUnitQtyOld: quantity,
    FEntity_Link_FBaseUnitQty: quantity,
    FEntity_Link_FSALBASEQTYOld: quantity,
    FEntity_Link_FSALBASEQTY: quantity,
  };
}
