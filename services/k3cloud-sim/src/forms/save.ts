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
  /** The account's numbering rule: a supplied FBillNo must be unique (MsgCode 11 otherwise). */
  readonly uniqueBillNo: boolean;
  /** The caller's locale: 2052 简体中文, 1033 English, 3076 繁體中文. */
  readonly lcid: number;
  readonly onSaved: (count: number) => void;
  /** A bill saved under a number another bill already has (only when uniqueBillNo is off). */
  readonly onDuplicateSaved: () => void;
  readonly onRefused: (failed: number, duplicates: number) => void;
}

/**
 * K3's uniqueness refusal in the caller's language. The Simplified Chinese text is the one seen
 * from real servers (docs/reference/k3cloud.md §5.1); the English and Traditional ones are this
 * simulator's renderings, not captured text — which is the point: a client must not need the words.
 */
function duplicateMessage(billNo: string, lcid: number): string {
  if (lcid === 1033)
    return `Field uniqueness requirement violated: unique code. [${billNo}] is already in use in the current system.`;
  if (lcid === 3076) return `違反欄位唯一性要求：編碼唯一。[${billNo}]在當前系統中已經被使用。`;
  return `违反字段唯一性要求：编码唯一。[${billNo}]在当前系统中已经被使用。`;
}

/** Number of packages a Save/BatchSave carries (the cost model charges per bill). */
export function packageCount(data: Record<string, unknown>): number {
  const model = findKey(data, 'Model');
  return Array.isArray(model) ? model.length : isObject(model) ? 1 : 0;
}

/**
 * `save` and `draft` take one package, `batch` an array. Draft (暂存, reference §3 "as Save")
 * stores the bill in status Z without the field checks — a draft is by nature incomplete [INF: the
 * reference gives no Draft validation rules]; a supplied FBillNo must still be unique.
 */
export type SaveMode = 'save' | 'batch' | 'draft';

/**
 * Save (one package) and BatchSave (an array): every package is validated and saved on its own,
 * so one bad bill does not stop the others (partial success, reference §5.2). Results are
 * reported by DIndex, the package's position in Model.
 */
export function handleSave(
  formId: string,
  data: Record<string, unknown>,
  mode: SaveMode,
  context: SaveContext,
): unknown {
  const batch = mode === 'batch';
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
    validate: mode !== 'draft' && asBoolean(findKey(data, 'ValidateFlag'), true),
    status: mode === 'draft' ? 'Z' : asBoolean(findKey(data, 'IsAutoSubmitAndAudit'), false) ? 'C' : 'A',
  } as const;
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
    returned.push(returnData(outcome.model, returnFields));
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
  | { readonly bill: StoredBill; readonly model: Record<string, unknown> }
  | {
      readonly errors: ReadonlyArray<{ FieldName: string | null; Message: string }>;
      readonly duplicate: boolean;
    };

function saveOne(
  original: unknown,
  options: { verifyBaseData: boolean; validate: boolean; status: 'Z' | 'A' | 'C' },
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
  const used = billNo !== '' && context.bills.has(billNo);
  const duplicate = used && context.uniqueBillNo;
  if (duplicate) {
    errors.push({
      FieldName: 'FBillNo',
      Message: duplicateMessage(billNo, context.lcid),
    });
  }
  if (errors.length > 0) return { errors, duplicate };
  if (used) context.onDuplicateSaved();
  const number = billNo === '' ? context.bills.nextAutoNumber() : billNo;
  return context.bills.insertReturning(model, number, options.status);
}

/** NeedReturnFields: header keys, and `FEntity.<key>` for entry fields. */
function returnData(model: Record<string, unknown>, fields: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!Array.isArray(fields)) return out;
  for (const field of fields) {
    if (typeof field !== 'string') continue;
    const [head, sub] = field.split('.');
    if (sub !== undefined && head?.toLowerCase() === 'fentity') {
      const rows = entriesOf(model).map((entry) => ({ [sub]: lookup(entry, sub) ?? null }));
      out.FEntity = Array.isArray(out.FEntity)
        ? (out.FEntity as Record<string, unknown>[]).map((row, i) => ({ ...row, ...rows[i] }))
        : rows;
    } else {
      out[field] = lookup(model, field) ?? null;
    }
  }
  return out;
}

function lookup(object: Record<string, unknown>, key: string): unknown {
  return findKey(object, key);
}
