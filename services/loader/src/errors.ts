import { AppError, type ErrorContext } from '@wdt-k3/runtime';

/**
 * Codes the loader itself raises. Dead letters also carry the codes of the packages it calls:
 * MAP_* (mapping issues), K3_* (k3cloud-client) and JOB_* (job catalog).
 */
export const LOADER_ERROR_CODES = {
  /** linkMode=required and the sales order (FBillNo = src_trade_no) is not in K3 (yet). Retried, then dead-lettered. */
  sourceOrderNotFound: 'K3_SOURCE_ORDER_NOT_FOUND',
  /** K3 refused the bill because referenced base data (customer, material, stock…) does not exist. */
  baseDataMissing: 'K3_BASEDATA_MISSING',
  /** K3 refused the bill for another validation reason (see the field errors). */
  billRejected: 'K3_BILL_REJECTED',
  /** K3 answered "number already used", or nothing at all, for a bill that cannot be found by its number afterwards. Retried. */
  duplicateUnresolved: 'K3_BILL_UNRESOLVED',
  /** K3 refused one bill for a passing reason (call limit, session) inside a batch that otherwise ran. Retried. */
  billTransient: 'K3_BILL_TRANSIENT',
} as const;

export interface FieldError {
  readonly field: string | null;
  readonly message: string;
}

/** An order-level failure with what a person needs to act: code, K3's per-field errors, MsgCode. */
export class OrderError extends AppError {
  override readonly name = 'OrderError';
  readonly fieldErrors: readonly FieldError[];
  readonly msgCode: number | null;

  constructor(
    code: string,
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
