/**
 * The SAL_OUTSTOCK bill as K3Cloud's BatchSave takes it in `data.Model[i]` (k3cloud.md §6).
 * Plain JSON: the k3cloud-client serialises it as is.
 */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A base-data reference by number, the form K3 resolves (`{"FNumber":"100"}`). */
export type K3NumberRef = { FNumber: string };

export type SalOutstockLink = {
  FEntity_Link_FRuleId: string;
  FEntity_Link_FSTableName: string;
  FEntity_Link_FSBillId: number;
  FEntity_Link_FSId: number;
  FEntity_Link_FBaseUnitQtyOld: number;
  FEntity_Link_FBaseUnitQty: number;
  FEntity_Link_FSALBASEQTYOld: number;
  FEntity_Link_FSALBASEQTY: number;
};

export type SalOutstockEntry = {
  FMaterialID: K3NumberRef;
  FRealQty: number;
  FTaxPrice: number;
  FIsFree: boolean;
  FStockID: K3NumberRef;
  FStockStatusID: K3NumberRef;
  FOwnerTypeID: string;
  FOwnerID: K3NumberRef;
  FKeeperTypeID?: string;
  FKeeperID?: K3NumberRef;
  FSrcType: string;
  FSrcBillNo: string;
  FSoorDerno: string;
  FSOEntryId?: number;
  FEntity_Link?: SalOutstockLink[];
  /** `extraEntryFields` constants from the profile. */
  [field: string]: JsonValue | undefined;
};

export type SalOutstockModel = {
  FBillTypeID: { FNUMBER: string };
  FBillNo: string;
  FDate: string;
  FStockOrgId: K3NumberRef;
  FSaleOrgId: K3NumberRef;
  FCustomerID: K3NumberRef;
  FSalesManID?: K3NumberRef;
  FNote: string;
  FCarriageNO: string;
  SubHeadEntity?: { [field: string]: JsonValue };
  FEntity: SalOutstockEntry[];
  /** `customHeaderFields` (e.g. `F_ora_Text2`) and `extraFields` constants from the profile. */
  [field: string]: JsonValue | SalOutstockEntry[] | undefined;
};

/**
 * Keys the mapping writes itself. Profile constants may not name them (K3 matches field keys
 * case-insensitively, k3cloud.md §6, so neither may `fbillno`): a constant would silently
 * overwrite, or be overwritten by, a mapped value.
 */
export const MAPPED_HEADER_KEYS = [
  'FBillTypeID',
  'FBillNo',
  'FDate',
  'FStockOrgId',
  'FSaleOrgId',
  'FCustomerID',
  'FSalesManID',
  'FNote',
  'FCarriageNO',
  'FEntity',
] as const;

export const MAPPED_ENTRY_KEYS = [
  'FMaterialID',
  'FRealQty',
  'FTaxPrice',
  'FIsFree',
  'FStockID',
  'FStockStatusID',
  'FOwnerTypeID',
  'FOwnerID',
  'FKeeperTypeID',
  'FKeeperID',
  'FSrcType',
  'FSrcBillNo',
  'FSoorDerno',
  'FSOEntryId',
  'FEntity_Link',
] as const;
