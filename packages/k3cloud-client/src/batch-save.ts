import { K3Error } from './errors.ts';
import { isSuccess, msgCodeOf, type ResponseStatus, responseStatusOf } from './response.ts';
import type { BatchSaveOptions, BatchSaveResult, BillOutcome } from './types.ts';

const OPTION_KEYS = {
  needReturnFields: 'NeedReturnFields',
  needUpdateFields: 'NeedUpDateFields',
  isDeleteEntry: 'IsDeleteEntry',
  subSystemId: 'SubSystemId',
  isVerifyBaseDataField: 'IsVerifyBaseDataField',
  isEntryBatchFill: 'IsEntryBatchFill',
  validateFlag: 'ValidateFlag',
  numberSearch: 'NumberSearch',
  isAutoAdjustField: 'IsAutoAdjustField',
  interationFlags: 'InterationFlags',
  ignoreInterationFlag: 'IgnoreInterationFlag',
  isControlPrecision: 'IsControlPrecision',
  validateRepeatJson: 'ValidateRepeatJson',
  isAutoSubmitAndAudit: 'IsAutoSubmitAndAudit',
  batchCount: 'BatchCount',
} as const satisfies Record<keyof BatchSaveOptions, string>;

/** The BatchSave `data` object: K3's option keys (only those set) and `Model` as an array. */
export function batchSaveData(models: readonly object[], options: BatchSaveOptions): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  for (const [key, k3Key] of Object.entries(OPTION_KEYS)) {
    const value = options[key as keyof BatchSaveOptions];
    if (value !== undefined) data[k3Key] = value;
  }
  data.Model = models;
  return data;
}

/** MsgCodes that refuse the whole call rather than one bill (reference §5.1 table). */
const REJECTING_MSG_CODES = new Set([2, 3, 5, 7, 8, 15]);

/** The FBillNo uniqueness message: `违反字段唯一性要求：编码唯一。[X]在当前系统中已经被使用。` */
export function isDuplicateBillNumberMessage(message: string): boolean {
  return message.includes('违反字段唯一性要求') && message.includes('已经被使用');
}

/**
 * One outcome per model from a BatchSave response: `SuccessEntitys` and `Errors` are matched to
 * models by DIndex. A model with neither is reported failed with no errors (fate unknown).
 */
export function toBatchSaveResult(body: unknown, models: readonly object[]): BatchSaveResult {
  const status = responseStatusOf(body);
  if (status === undefined) {
    throw new K3Error('K3_BAD_RESPONSE', 'BatchSave answered without Result.ResponseStatus', {
      ambiguous: true,
    });
  }
  const msgCode = msgCodeOf(status);
  const anySaved = (status.SuccessEntitys ?? []).length > 0;
  if (!isSuccess(status) && !anySaved && msgCode !== null && REJECTING_MSG_CODES.has(msgCode)) {
    const message = status.Errors?.[0]?.Message ?? 'no message';
    throw new K3Error('K3_REJECTED', `K3 refused the BatchSave (MsgCode ${msgCode}): ${message}`, {
      msgCode,
    });
  }
  const saved = savedByIndex(status, models);
  const errors = errorsByIndex(status, models.length);
  return {
    bills: models.map((model, index): BillOutcome => {
      const success = saved.get(index);
      if (success !== undefined) return { index, status: 'saved', id: success.id, number: success.number };
      const billErrors = errors.get(index) ?? [];
      const duplicate = billErrors.find((error) => isBillNumberClash(error, model, msgCode));
      if (duplicate !== undefined) {
        return {
          index,
          status: 'duplicate',
          number: billNumberOf(model, duplicate.message),
          message: duplicate.message,
        };
      }
      return { index, status: 'failed', msgCode, errors: billErrors };
    }),
  };
}

function savedByIndex(
  status: ResponseStatus,
  models: readonly object[],
): Map<number, { id: number; number: string }> {
  const saved = new Map<number, { id: number; number: string }>();
  for (const entity of status.SuccessEntitys ?? []) {
    const number = entity.Number ?? '';
    // DIndex is always present in observed responses; matching by number is a fallback only.
    const index =
      typeof entity.DIndex === 'number'
        ? entity.DIndex
        : models.findIndex((model) => number !== '' && fieldOf(model, 'FBillNo') === number);
    if (index >= 0 && index < models.length) saved.set(index, { id: Number(entity.Id), number });
  }
  return saved;
}

function errorsByIndex(
  status: ResponseStatus,
  count: number,
): Map<number, Array<{ field: string | null; message: string }>> {
  const byIndex = new Map<number, Array<{ field: string | null; message: string }>>();
  for (const error of status.Errors ?? []) {
    const index = typeof error.DIndex === 'number' ? error.DIndex : 0;
    if (index < 0 || index >= count) continue;
    const list = byIndex.get(index) ?? [];
    list.push({
      field: error.FieldName === '' ? null : (error.FieldName ?? null),
      message: error.Message ?? '',
    });
    byIndex.set(index, list);
  }
  return byIndex;
}

/**
 * Only a clash on FBillNo means "already saved"; other unique fields are ordinary failures. The
 * field and MsgCode 11 decide, in any language (`K3_LCID` may be 1033 or 3076, and K3's words change
 * with it): a validation error K3 files under FBillNo on a supplied number is read as "that number
 * is taken", which
 * the loader then confirms with its existence check (a number not found is K3_BILL_UNRESOLVED,
 * retried, never counted as saved). The Chinese text is only the fallback for an error without a
 * field name, and then only when it names the number sent.
 */
function isBillNumberClash(
  error: { field: string | null; message: string },
  model: object,
  msgCode: number | null,
): boolean {
  const sent = fieldOf(model, 'FBillNo');
  if (typeof sent !== 'string' || sent === '') return false;
  const named = isDuplicateBillNumberMessage(error.message);
  if (error.field !== null)
    return error.field.toLowerCase() === 'fbillno' && (msgCode === VALIDATION_FAILED || named);
  return named && bracketed(error.message) === sent;
}

/** MsgCode 11 验证失败: what K3 answers a number already used (docs/reference/k3cloud.md §5.1). */
const VALIDATION_FAILED = 11;

function billNumberOf(model: object, message: string): string | null {
  const sent = fieldOf(model, 'FBillNo');
  if (typeof sent === 'string' && sent !== '') return sent;
  return bracketed(message) ?? null;
}

function bracketed(message: string): string | undefined {
  return /\[([^\]]*)\]/.exec(message)?.[1];
}

/** K3 matches field keys case-insensitively; so does this lookup. */
function fieldOf(model: object, key: string): unknown {
  const wanted = key.toLowerCase();
  for (const [name, value] of Object.entries(model)) if (name.toLowerCase() === wanted) return value;
  return undefined;
}

/** What the caller should do with one bill. */
export type BillDisposition = 'saved' | 'already-saved' | 'invalid' | 'transient' | 'unknown';

/** MsgCode 6 数据库操作失败 and 13 网控冲突 are conditions of the moment, not of the bill. */
const TRANSIENT_MSG_CODES = new Set([6, 13]);

export function classifyBillOutcome(outcome: BillOutcome): BillDisposition {
  if (outcome.status === 'saved') return 'saved';
  if (outcome.status === 'duplicate') return 'already-saved';
  if (outcome.errors.length === 0) return 'unknown';
  if (outcome.msgCode !== null && TRANSIENT_MSG_CODES.has(outcome.msgCode)) return 'transient';
  return 'invalid';
}
