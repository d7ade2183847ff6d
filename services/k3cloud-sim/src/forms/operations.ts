import type { BillStore, DocumentStatus, StoredBill } from '../data/bill-store.ts';
import { asText, findKey } from '../protocol/envelope.ts';
import {
  failureEnvelope,
  type K3ErrorItem,
  type K3SuccessEntity,
  responseStatus,
} from '../protocol/responses.ts';
import { entriesOf } from './outstock-model.ts';
import { OUTSTOCK } from './save.ts';

export type Operation = 'submit' | 'audit' | 'delete' | 'unaudit';

const FORM_NAME = '销售出库单';

/** Targets: `Numbers` (array) and/or `Ids` (comma-separated string), reference §3. */
function targetsOf(
  data: Record<string, unknown>,
  bills: BillStore,
): Array<{ label: string; bill?: StoredBill }> {
  const targets: Array<{ label: string; bill?: StoredBill }> = [];
  const numbers = findKey(data, 'Numbers');
  if (Array.isArray(numbers)) {
    for (const number of numbers.map(asText)) {
      const bill = bills.byNumber(number);
      targets.push(bill === undefined ? { label: number } : { label: number, bill });
    }
  }
  const ids = asText(findKey(data, 'Ids'));
  for (const id of ids
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')) {
    const bill = bills.byId(Number(id));
    targets.push(bill === undefined ? { label: id } : { label: bill.billNo, bill });
  }
  return targets;
}

/** The status change each operation makes, or the refusal message for the current status. */
function transition(operation: Operation, bill: StoredBill): DocumentStatus | 'delete' | string {
  const refuse = (what: string): string => `单据编号为“${bill.billNo}”的${FORM_NAME}，${what}`;
  switch (operation) {
    case 'submit':
      return bill.status === 'A' || bill.status === 'Z' ? 'B' : refuse('单据已经提交或审核，不能重复提交！');
    case 'audit':
      if (bill.status === 'C') return refuse('单据已经审核！');
      return bill.status === 'B' ? 'C' : refuse('单据未提交，不能审核！');
    case 'unaudit':
      return bill.status === 'C' ? 'A' : refuse('单据未审核，不能反审核！');
    case 'delete':
      return bill.status === 'A' || bill.status === 'Z' ? 'delete' : refuse('单据已经提交或审核，不能删除！');
  }
}

export function handleOperation(
  operation: Operation,
  formId: string,
  data: Record<string, unknown>,
  bills: BillStore,
): unknown {
  if (formId.toUpperCase() !== OUTSTOCK)
    return failureEnvelope(4, `标识为“${formId}”的业务对象不存在，或者被删除`);
  const targets = targetsOf(data, bills);
  if (targets.length === 0) return failureEnvelope(8, 'data 数据包中的参数 Numbers 或 Ids 的值不能为空');
  const errors: K3ErrorItem[] = [];
  const successes: K3SuccessEntity[] = [];
  targets.forEach((target, index) => {
    if (target.bill === undefined) {
      errors.push({
        FieldName: null,
        Message: `单据编号为“${target.label}”的${FORM_NAME}不存在！`,
        DIndex: index,
      });
      return;
    }
    const next = transition(operation, target.bill);
    if (next === 'delete') bills.remove(target.bill);
    else if (next.length === 1) bills.setStatus(target.bill, next as DocumentStatus);
    else {
      errors.push({ FieldName: '', Message: next, DIndex: index });
      return;
    }
    successes.push({ Id: target.bill.id, Number: target.bill.billNo, DIndex: index });
  });
  return { Result: { ResponseStatus: responseStatus(errors, successes, 11) } };
}

/** View: the bill under `Result.Result`, entries under the entity name, not the Save key (§5.4). */
export function handleView(formId: string, data: Record<string, unknown>, bills: BillStore): unknown {
  if (formId.toUpperCase() !== OUTSTOCK)
    return failureEnvelope(4, `标识为“${formId}”的业务对象不存在，或者被删除`);
  const number = asText(findKey(data, 'Number'));
  const id = Number(asText(findKey(data, 'Id')));
  const bill = number !== '' ? bills.byNumber(number) : Number.isFinite(id) ? bills.byId(id) : undefined;
  if (bill === undefined) {
    return failureEnvelope(10, `单据编号为“${number || String(id)}”的${FORM_NAME}不存在！`);
  }
  const model = bill.model;
  const { FEntity: _entries, ...header } = model;
  return {
    Result: {
      ResponseStatus: responseStatus([], [], 0),
      Result: {
        ...header,
        Id: bill.id,
        BillNo: bill.billNo,
        DocumentStatus: bill.status,
        SAL_OUTSTOCKENTRY: entriesOf(model).map((entry, i) => ({
          ...entry,
          Id: bill.entryIds[i],
          Seq: i + 1,
        })),
      },
    },
  };
}
