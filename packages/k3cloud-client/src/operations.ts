import { K3Error } from './errors.ts';
import { isSuccess, msgCodeOf, responseStatusOf } from './response.ts';
import type { OperationResult, OperationTarget, ViewResult } from './types.ts';

/** Submit/Audit/Delete `data`: `Numbers` is an array, `Ids` a comma-separated string (reference §3). */
export function operationData(target: OperationTarget): Record<string, unknown> {
  const data: Record<string, unknown> = { CreateOrgId: 0 };
  if (target.numbers !== undefined) data.Numbers = [...target.numbers];
  if (target.ids !== undefined) data.Ids = target.ids.join(',');
  return data;
}

export function viewData(target: {
  readonly number?: string;
  readonly id?: number;
}): Record<string, unknown> {
  return {
    CreateOrgId: 0,
    Number: target.number ?? '',
    Id: target.id === undefined ? '' : String(target.id),
    IsSortBySeq: 'false',
  };
}

export function toOperationResult(body: unknown, service: string): OperationResult {
  const status = responseStatusOf(body);
  if (status === undefined) {
    throw new K3Error('K3_BAD_RESPONSE', `${service} answered without Result.ResponseStatus`, {
      context: { service },
    });
  }
  return {
    ok: isSuccess(status),
    msgCode: msgCodeOf(status),
    successes: (status.SuccessEntitys ?? []).map((entity, position) => ({
      id: Number(entity.Id),
      number: entity.Number ?? null,
      index: entity.DIndex ?? position,
    })),
    errors: (status.Errors ?? []).map((error) => ({
      field: error.FieldName === '' ? null : (error.FieldName ?? null),
      message: error.Message ?? '',
      index: error.DIndex ?? 0,
    })),
  };
}

/** View answers the bill under `Result.Result` (reference §5.4). */
export function toViewResult(body: unknown): ViewResult {
  const result = toOperationResult(body, 'View');
  const inner = (body as { Result?: { Result?: unknown } }).Result?.Result;
  const bill =
    result.ok && inner !== null && typeof inner === 'object' ? (inner as Record<string, unknown>) : null;
  return { ...result, bill };
}
