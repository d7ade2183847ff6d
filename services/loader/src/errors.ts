import { type DeadLetterCode, isDeadLetterCode, ORDER_ERROR_CODES } from '@wdt-k3/jobs';
import { AppError, type ErrorContext, isAppError } from '@wdt-k3/runtime';

/**
 * Codes the loader itself raises, from the one catalogue every reader of a dead letter shares
 * (`@wdt-k3/jobs`, order-codes.ts). Dead letters also carry the codes of the packages it calls:
 * MAP_* (mapping issues), K3_* (k3cloud-client) and JOB_* (job catalog) — together `DeadLetterCode`.
 */
export const LOADER_ERROR_CODES = ORDER_ERROR_CODES;

export interface FieldError {
  readonly field: string | null;
  readonly message: string;
}

/** An order-level failure with what a person needs to act: code, K3's per-field errors, MsgCode. */
export class OrderError extends AppError {
  override readonly name = 'OrderError';
  readonly fieldErrors: readonly FieldError[];
  readonly msgCode: number | null;

  declare readonly code: DeadLetterCode;

  constructor(
    code: DeadLetterCode,
    message: string,
    options: {
      retryable: boolean;
      fieldErrors?: readonly FieldError[];
      msgCode?: number | null;
      cause?: unknown;
      context?: ErrorContext;
    },
  ) {
    super(code, message, options);
    this.fieldErrors = options.fieldErrors ?? [];
    this.msgCode = options.msgCode ?? null;
  }
}

/**
 * Any failure as an order error whose code is a member of the catalogue: an error of ours keeps
 * its code; anything else — a library's error, an AppError of a code no dead letter may carry —
 * becomes `LOADER_UNEXPECTED`, its own code and message kept in the message.
 */
export function toOrderError(err: unknown): OrderError {
  if (err instanceof OrderError) return err;
  if (isAppError(err) && isDeadLetterCode(err.code)) {
    return new OrderError(err.code, err.message, { retryable: err.retryable, cause: err });
  }
  const message = err instanceof Error ? err.message : String(err);
  return new OrderError(ORDER_ERROR_CODES.unexpected, isAppError(err) ? `${err.code}: ${message}` : message, {
    retryable: isAppError(err) ? err.retryable : true,
    cause: err,
  });
}
