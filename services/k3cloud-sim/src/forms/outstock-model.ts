/**
 * SAL_OUTSTOCK field keys (reference §6). Integrations mix casings (`FStockID`/`FStockId`,
 * `FNumber`/`FNUMBER`), so keys are matched case-insensitively and stored in one canonical
 * casing; keys not listed (custom `F_*` fields and anything else) are kept as sent.
 */
const HEADER_KEYS = [
  'FID',
  'FBillTypeID',
  'FBillNo',
  'FDate',
  'FSaleOrgId',
  'FStockOrgId',
  'FCustomerID',
  'FSaleDeptID',
  'FSalesGroupID',
  'FSalesManID',
  'FDeliveryDeptID',
  'FStockerGroupID',
  'FStockerID',
  'FCarrierID',
  'FCarriageNO',
  'FReceiverID',
  'FSettleID',
  'FPayerID',
  'FReceiverContactID',
  'FOwnerTypeIdHead',
  'FOwnerIdHead',
  'FReceiveAddress',
  'FLinkMan',
  'FLinkPhone',
  'FNote',
  'FBussinessType',
  'SubHeadEntity',
  'FEntity',
] as const;

const ENTRY_KEYS = [
  'FENTRYID',
  'FRowType',
  'FMaterialID',
  'FUnitID',
  'FRealQty',
  'FMustQty',
  'FBaseMustQty',
  'FPrice',
  'FTaxPrice',
  'FEntryTaxRate',
  'FIsFree',
  'FStockID',
  'FStockLocID',
  'FStockStatusID',
  'FLot',
  'FOwnerTypeID',
  'FOwnerID',
  'FKeeperTypeID',
  'FKeeperID',
  'FSalUnitID',
  'FSALUNITQTY',
  'FSALBASEQTY',
  'FPRICEBASEQTY',
  'FARNOTJOINQTY',
  'FSrcType',
  'FSrcBillNo',
  'FSoorDerno',
  'FSOEntryId',
  'FEntrynote',
  'FMtoNo',
  'FProduceDate',
  'FExpiryDate',
  'FDiscountRate',
  'FEntity_Link',
] as const;

const LINK_KEYS = [
  'FLinkId',
  'FEntity_Link_FFlowId',
  'FEntity_Link_FFlowLineId',
  'FEntity_Link_FRuleId',
  'FEntity_Link_FSTableId',
  'FEntity_Link_FSTableName',
  'FEntity_Link_FSBillId',
  'FEntity_Link_FSId',
  'FEntity_Link_FBaseUnitQtyOld',
  'FEntity_Link_FBaseUnitQty',
  'FEntity_Link_FSALBASEQTYOld',
  'FEntity_Link_FSALBASEQTY',
  'FEntity_Link_FAuxUnitQtyOld',
  'FEntity_Link_FAuxUnitQty',
] as const;

type Model = Record<string, unknown>;

const byLowerCase = (keys: readonly string[]): Map<string, string> =>
  new Map(keys.map((key) => [key.toLowerCase(), key]));
const HEADER = byLowerCase(HEADER_KEYS);
const ENTRY = byLowerCase(ENTRY_KEYS);
const LINK = byLowerCase(LINK_KEYS);

function canonicalKeys(object: Model, table: Map<string, string>): Model {
  const out: Model = {};
  for (const [key, value] of Object.entries(object)) out[table.get(key.toLowerCase()) ?? key] = value;
  return out;
}

const isObject = (value: unknown): value is Model =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** The model with canonical key casing at every level the simulator reads. */
export function canonicalModel(model: Model): Model {
  const header = canonicalKeys(model, HEADER);
  const entries = Array.isArray(header.FEntity) ? header.FEntity : undefined;
  if (entries !== undefined) {
    header.FEntity = entries.map((entry) => {
      if (!isObject(entry)) return entry;
      const canonical = canonicalKeys(entry, ENTRY);
      if (Array.isArray(canonical.FEntity_Link)) {
        canonical.FEntity_Link = canonical.FEntity_Link.map((link) =>
          isObject(link) ? canonicalKeys(link, LINK) : link,
        );
      }
      return canonical;
    });
  }
  return header;
}

/** `{"FNumber":"X"}` / `{"FNUMBER":"X"}` → "X"; anything else → undefined (an empty reference). */
export function refNumber(value: unknown): string | undefined {
  if (!isObject(value)) return undefined;
  for (const [key, inner] of Object.entries(value)) {
    if (key.toLowerCase() === 'fnumber' && (typeof inner === 'string' || typeof inner === 'number')) {
      const text = String(inner).trim();
      return text === '' ? undefined : text;
    }
  }
  return undefined;
}

/** A quantity or price: a JSON number or a numeric string. */
export function numeric(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)))
    return Number(value);
  return undefined;
}

export function entriesOf(model: Model): Model[] {
  return Array.isArray(model.FEntity) ? model.FEntity.filter(isObject) : [];
}

export function linksOf(entry: Model): Model[] {
  return Array.isArray(entry.FEntity_Link) ? entry.FEntity_Link.filter(isObject) : [];
}

export function headerValue(model: Model, key: string): unknown {
  const wanted = key.toLowerCase();
  for (const [name, value] of Object.entries(model)) if (name.toLowerCase() === wanted) return value;
  return undefined;
}

export { isObject };
