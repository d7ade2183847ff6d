import { type BaseDataStore, type BaseKind, BILL_TYPES, STOCK_STATUSES } from '../data/base-data.ts';
import { entriesOf, headerValue, linksOf, numeric, refNumber } from './outstock-model.ts';

export interface FieldError {
  readonly FieldName: string | null;
  readonly Message: string;
}

export interface ValidationOptions {
  /** `IsVerifyBaseDataField`: a reference to missing base data is its own error, not "required". */
  readonly verifyBaseData: boolean;
}

type Model = Record<string, unknown>;

const ENTITY = '单据体实体【明细信息】';

/** A base-data reference the form resolves by number; `preset` ones are K3 system data. */
interface RefField {
  readonly key: string;
  readonly label: string;
  readonly kind: BaseKind | 'billType' | 'stockStatus';
  readonly required: boolean;
}

const HEADER_REFS: readonly RefField[] = [
  { key: 'FBillTypeID', label: '单据类型', kind: 'billType', required: true },
  { key: 'FSaleOrgId', label: '销售组织', kind: 'orgs', required: true },
  { key: 'FStockOrgId', label: '发货组织', kind: 'orgs', required: true },
  { key: 'FCustomerID', label: '客户', kind: 'customers', required: true },
  { key: 'FSalesManID', label: '销售员', kind: 'salesmen', required: false },
];

const ENTRY_REFS: readonly RefField[] = [
  { key: 'FMaterialID', label: '物料编码', kind: 'materials', required: true },
  { key: 'FStockID', label: '仓库', kind: 'stocks', required: true },
  { key: 'FStockStatusID', label: '库存状态', kind: 'stockStatus', required: false },
  { key: 'FOwnerID', label: '货主', kind: 'orgs', required: false },
];

/**
 * Validates one SAL_OUTSTOCK package on its own, the way BatchSave reports it: with NumberSearch
 * an unknown number leaves the field empty, so it surfaces as the required-field message
 * (`字段“客户”是必填项`, `单据体实体【明细信息】第【1】行分录，【仓库】字段必录`, reference §5.1).
 */
export function validateOutstock(
  model: Model,
  data: BaseDataStore,
  options: ValidationOptions,
): FieldError[] {
  const errors: FieldError[] = [];
  for (const field of HEADER_REFS) {
    const problem = checkRef(model[field.key], field, data, options);
    if (problem === 'missing') errors.push({ FieldName: field.key, Message: `字段“${field.label}”是必填项` });
    if (problem === 'unknown') errors.push(unknownBaseData(field, model[field.key]));
  }
  const date = headerValue(model, 'FDate');
  if (
    date !== undefined &&
    date !== '' &&
    !/^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2})?)?$/.test(String(date))
  ) {
    errors.push({ FieldName: 'FDate', Message: `字段“日期”的值“${String(date)}”不是有效的日期` });
  }
  const entries = entriesOf(model);
  if (entries.length === 0) {
    errors.push({ FieldName: 'FEntity', Message: `${ENTITY}至少需要录入一行分录` });
  }
  entries.forEach((entry, i) => {
    errors.push(...validateEntry(entry, i + 1, data, options));
  });
  return errors;
}

function validateEntry(
  entry: Model,
  row: number,
  data: BaseDataStore,
  options: ValidationOptions,
): FieldError[] {
  const errors: FieldError[] = [];
  const where = `${ENTITY}第【${row}】行分录，`;
  for (const field of ENTRY_REFS) {
    const problem = checkRef(entry[field.key], field, data, options);
    if (problem === 'missing')
      errors.push({ FieldName: field.key, Message: `${where}【${field.label}】字段必录` });
    if (problem === 'unknown') errors.push(unknownBaseData(field, entry[field.key], where));
  }
  const qty = entry.FRealQty;
  if (qty === undefined || qty === null || qty === '') {
    errors.push({ FieldName: 'FRealQty', Message: `${where}【实发数量】字段必录` });
  } else if (numeric(qty) === undefined) {
    errors.push({ FieldName: 'FRealQty', Message: `${where}【实发数量】的值“${String(qty)}”不是有效的数值` });
  } else if ((numeric(qty) ?? 0) <= 0) {
    errors.push({ FieldName: 'FRealQty', Message: `${where}【实发数量】必须大于0` });
  }
  for (const key of ['FTaxPrice', 'FPrice', 'FEntryTaxRate'] as const) {
    const value = entry[key];
    if (value !== undefined && value !== null && value !== '' && numeric(value) === undefined) {
      errors.push({ FieldName: key, Message: `${where}【${key}】的值“${String(value)}”不是有效的数值` });
    }
  }
  errors.push(...validateLinks(entry, where, data));
  return errors;
}

/** Each link row must name an existing sales-order entry (FSBillId = SO FID, FSId = its entry id). */
function validateLinks(entry: Model, where: string, data: BaseDataStore): FieldError[] {
  const errors: FieldError[] = [];
  const srcBillNo = [entry.FSrcBillNo, entry.FSoorDerno].find((v) => typeof v === 'string' && v !== '') as
    | string
    | undefined;
  for (const link of linksOf(entry)) {
    const table = link.FEntity_Link_FSTableName;
    const billId = numeric(link.FEntity_Link_FSBillId);
    const entryId = numeric(link.FEntity_Link_FSId);
    if (table !== undefined && table !== 'T_SAL_ORDERENTRY') {
      errors.push({ FieldName: 'FEntity_Link', Message: `${where}关联的源单表“${String(table)}”不存在` });
      continue;
    }
    const order =
      (srcBillNo === undefined ? undefined : data.salesOrder(srcBillNo)) ??
      (billId === undefined ? undefined : data.salesOrderByFid(billId));
    const found =
      order !== undefined &&
      order.fid === billId &&
      order.entries.some((soEntry) => soEntry.entryId === entryId);
    if (!found) {
      errors.push({
        FieldName: 'FEntity_Link',
        Message: `${where}关联的源单分录不存在（T_SAL_ORDERENTRY，FSBillId=${String(link.FEntity_Link_FSBillId)}，FSId=${String(link.FEntity_Link_FSId)}）`,
      });
    }
  }
  return errors;
}

type RefProblem = 'missing' | 'unknown' | undefined;

function checkRef(
  value: unknown,
  field: RefField,
  data: BaseDataStore,
  options: ValidationOptions,
): RefProblem {
  const number = refNumber(value);
  if (number === undefined) return field.required ? 'missing' : undefined;
  const exists =
    field.kind === 'billType'
      ? BILL_TYPES.has(number)
      : field.kind === 'stockStatus'
        ? STOCK_STATUSES.has(number)
        : data.find(field.kind, number) !== undefined;
  if (exists) return undefined;
  if (options.verifyBaseData) return 'unknown';
  // NumberSearch leaves an unresolved reference empty: required fields then fail as missing.
  return field.required ? 'missing' : undefined;
}

/** The exact K3 text for this case is not known (reference §9); this one names field and number. */
function unknownBaseData(field: RefField, value: unknown, where = ''): FieldError {
  return {
    FieldName: field.key,
    Message: `${where}字段“${field.label}”的基础资料“${refNumber(value) ?? ''}”不存在、未审核或已禁用`,
  };
}
