import type { BaseDataStore } from '../data/base-data.ts';
import type { BillStore, StoredBill } from '../data/bill-store.ts';
import { asBoolean, findKey } from '../protocol/envelope.ts';
import {
  failureEnvelope,
  type K3ErrorItem,
  type K3SuccessEntity,
  responseStatus,
} from '../protocol/responses.ts';
import { canonicalModel, entriesOf, isObject, numeric } from './outstock-model.ts';
import { validateOutstock } from './validate-outstock.ts';

export const OUTSTOCK = 'SAL_OUTSTOCK';

export interface SaveContext {
  readonly bills: BillStore;
  readonly baseData: BaseDataStore;
  readonly onSaved: (count: number) => void;
  readonly onRefused: (failed: number, duplicates: number) => void;
}

/** Number of packages a Save/BatchSave carries (the cost model charges per bill). */
export function packageCount(data: Record<string, unknown>): number {
  const model = findKey(data, 'Model');
  return Array.isArray(model) ? model.length : isObject(model) ? 1 : 0;
}

/**
 * Save (one package) and BatchSave (an array): every package is validated and saved on its own,
 * so one bad bill does not stop the others (partial success, reference §5.2). Results are
 * reported by DIndex, the package's position in Model.
 */
export function handleSave(
  formId: string,
  data: Record<string, unknown>,
  batch: boolean,
  context: SaveContext,
): unknown {
  if (formId.toUpperCase() !== OUTSTOCK) {
    return failureEnvelope(4, `k3cloud-sim 只支持保存 ${OUTSTOCK}，不支持“${formId}”`);
  }
  const raw = findKey(data, 'Model');
  const models = batch ? raw : isObject(raw) ? [raw] : undefined;
  if (!Array.isArray(models) || models.length === 0) {
    return failureEnvelope(8, 'data 数据包中的参数 Model 的值不能为空');
  }
  const options = {
    verifyBaseData: asBoolean(findKey(data, 'IsVerifyBaseDataField'), false),
    validate: asBoolean(findKey(data, 'ValidateFlag'), true),
    autoAudit: asBoolean(findKey(data, 'IsAutoSubmitAndAudit'), false),
  };
  const returnFields = findKey(data, 'NeedReturnFields');
  const errors: K3ErrorItem[] = [];
  const successes: K3SuccessEntity[] = [];
  const returned: Record<string, unknown>[] = [];
  let duplicates = 0;
  models.forEach((original: unknown, index) => {
    const outcome = saveOne(original, options, context);
    if ('errors' in outcome) {
      errors.push(...outcome.errors.map((error) => ({ ...error, DIndex: index })));
      if (outcome.duplicate) duplicates += 1;
      return;
    }
    successes.push({ Id: outcome.bill.id, Number: outcome.bill.billNo, DIndex: index });
    returned.push(returnData(outcome.bill, returnFields));
  });
  const failed = models.length - successes.length;
  if (successes.length > 0) context.onSaved(successes.length);
  if (failed > 0) context.onRefused(failed, duplicates);
  const status = responseStatus(errors, successes, 11);
  const first = successes[0];
  if (!batch) {
    return {
      Result: {
        ResponseStatus: status,
        Id: first?.Id ?? 0,
        Number: first?.Number ?? '',
        NeedReturnData: returned,
      },
    };
  }
  return { Result: { ResponseStatus: status, NeedReturnData: returned } };
}

type SaveOutcome =
  | { readonly bill: StoredBill }
  | {
      readonly errors: ReadonlyArray<{ FieldName: string | null; Message: string }>;
      readonly duplicate: boolean;
    };

function saveOne(
  original: unknown,
  options: { verifyBaseData: boolean; validate: boolean; autoAudit: boolean },
  context: SaveContext,
): SaveOutcome {
  if (!isObject(original)) {
    return { errors: [{ FieldName: null, Message: '数据包不是有效的 JSON 对象' }], duplicate: false };
  }
  const model = canonicalModel(original);
  const fid = numeric(model.FID) ?? 0;
  if (fid !== 0) {
    return {
      errors: [{ FieldName: 'FID', Message: `k3cloud-sim 不支持修改已有单据（FID=${fid}）` }],
      duplicate: false,
    };
  }
  const errors = options.validate ? validateOutstock(model, context.baseData, options) : [];
  const billNo = typeof model.FBillNo === 'string' ? model.FBillNo.trim() : '';
  const duplicate = billNo !== '' && context.bills.has(billNo);
  if (duplicate) {
    errors.push({
      FieldName: 'FBillNo',
      Message: `违反字段唯一性要求：编码唯一。[${billNo}]在当前系统中已经被使用。`,
    });
  }
  if (errors.length > 0) return { errors, duplicate };
  const number = billNo === '' ? context.bills.nextAutoNumber() : billNo;
  return { bill: context.bills.insert(model, number, options.autoAudit ? 'C' : 'A') };
}

/** NeedReturnFields: header keys, and `FEntity.<key>` for entry fields. */
function returnData(bill: StoredBill, fields: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!Array.isArray(fields)) return out;
  for (const field of fields) {
    if (typeof field !== 'string') continue;
    const [head, sub] = field.split('.');
    if (sub !== undefined && head?.toLowerCase() === 'fentity') {
      const rows = entriesOf(bill.model).map((entry) => ({ [sub]: lookup(entry, sub) ?? null }));
      out.FEntity = Array.isArray(out.FEntity)
        ? (out.FEntity as Record<string, unknown>[]).map((row, i) => ({ ...row, ...rows[i] }))
        : rows;
    } else {
      out[field] = lookup(bill.model, field) ?? null;
    }
  }
  return out;
}

function lookup(object: Record<string, unknown>, key: string): unknown {
  return findKey(object, key);
}
