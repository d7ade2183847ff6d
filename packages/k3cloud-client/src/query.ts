import { K3Error } from './errors.ts';
import { firstMessage, isSuccess, msgCodeOf, responseStatusOf } from './response.ts';
import type { BillQuery } from './types.ts';

/** ExecuteBillQuery `data` (reference §5.3): FieldKeys is one comma-separated string. */
export function queryData(query: BillQuery): Record<string, unknown> {
  return {
    FormId: query.formId,
    FieldKeys: query.fieldKeys.join(','),
    FilterString: query.filterString ?? '',
    OrderString: query.orderString ?? '',
    TopRowCount: 0,
    StartRow: query.startRow ?? 0,
    Limit: query.limit ?? 0,
    SubSystemId: '',
  };
}

/**
 * Success is a bare 2-D array; failure is the write envelope wrapped as `[[{"Result":…}]]`
 * (Java SDK `loadErrorMsg`). Session loss and throttling were handled before this point.
 */
export function toQueryRows(body: unknown, query: BillQuery): unknown[][] {
  const status = responseStatusOf(body);
  if (status !== undefined && !isSuccess(status)) {
    const msgCode = msgCodeOf(status);
    throw new K3Error(
      'K3_QUERY_FAILED',
      `ExecuteBillQuery on ${query.formId} failed: ${firstMessage(status)}`,
      {
        msgCode,
        retryable: msgCode === 1 || msgCode === 14,
        context: { formId: query.formId },
      },
    );
  }
  if (!Array.isArray(body) || !body.every((row) => Array.isArray(row))) {
    throw new K3Error(
      'K3_BAD_RESPONSE',
      `ExecuteBillQuery on ${query.formId} answered something other than rows`,
      {
        context: { formId: query.formId },
      },
    );
  }
  return body as unknown[][];
}
