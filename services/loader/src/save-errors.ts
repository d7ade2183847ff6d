/** How K3's and Redis's answers to a save become order errors (a code and retryable). */
import type { BillOutcome } from '@wdt-k3/k3cloud-client';
import { isAppError } from '@wdt-k3/runtime';
import { type FieldError, LOADER_ERROR_CODES, OrderError } from './errors.ts';

// Fields holding base-data references: K3 reports an unknown number as "required" on them.
const BASE_DATA_FIELDS = new Set(
  [
    'FCustomerID',
    'FMaterialID',
    'FStockID',
    'FSaleOrgId',
    'FStockOrgId',
    'FSalesManID',
    'FStockStatusID',
    'FOwnerID',
    'FBillTypeID',
    'FUnitID',
    'FKeeperID',
  ].map((field) => field.toLowerCase()),
);

/** Another batch holds the number: the job waits for its outcome (loader.ts), it does not send. */
export function claimedError(billNo: string, expiresInMs: number | undefined): OrderError {
  return new OrderError(
    LOADER_ERROR_CODES.billClaimed,
    `bill ${billNo} is being saved by another batch; waiting for its outcome`,
    { retryable: true, context: expiresInMs === undefined ? { billNo } : { billNo, expiresInMs } },
  );
}

export function claimsUnavailable(err: unknown): OrderError {
  return new OrderError(
    LOADER_ERROR_CODES.claimsUnavailable,
    `bill claims unavailable: ${err instanceof Error ? err.message : String(err)}`,
    { retryable: true, cause: err },
  );
}

export function classifyRejection(outcome: Extract<BillOutcome, { status: 'failed' }>): OrderError {
  const fieldErrors: FieldError[] = outcome.errors.map((error) => ({
    field: error.field,
    message: error.message,
  }));
  const onlyBaseData =
    fieldErrors.length > 0 &&
    fieldErrors.every((error) => error.field !== null && BASE_DATA_FIELDS.has(error.field.toLowerCase()));
  const code = onlyBaseData ? LOADER_ERROR_CODES.baseDataMissing : LOADER_ERROR_CODES.billRejected;
  const summary = fieldErrors.map((error) => error.message).join('; ') || 'K3 refused the bill';
  return new OrderError(code, summary, { retryable: false, fieldErrors, msgCode: outcome.msgCode });
}

/** Answers that mean K3 did not execute the call at all: nothing can have been saved. */
const NOT_EXECUTED = new Set([
  'K3_SESSION_LOST',
  'K3_CALL_LIMIT',
  'K3_AUTH_FAILED',
  'K3_GATEWAY_ERROR',
  'K3_REJECTED',
]);

function refusedBeforeExecution(err: unknown): boolean {
  return isAppError(err) && NOT_EXECUTED.has(err.code) && (err as { ambiguous?: boolean }).ambiguous !== true;
}

/**
 * What a failed BatchSave call says about K3's work on it:
 * - `not-run`: refused before execution, nothing can have been saved;
 * - `finished`: K3 itself ran the call and answered `response_error:` (an exception inside
 *   K3), so any bill not found afterwards was not saved and will not be;
 * - `maybe-running`: no answer (timeout, dropped connection) or one from something in front of
 *   K3 (a 5xx or an unreadable page from a proxy, which answers 504 while K3 works on): the
 *   request may still be committing, so "not found" right now settles nothing.
 */
export function failedCallState(err: unknown): 'not-run' | 'finished' | 'maybe-running' {
  if (refusedBeforeExecution(err)) return 'not-run';
  return isAppError(err) && err.code === 'K3_SERVER_EXCEPTION' ? 'finished' : 'maybe-running';
}
