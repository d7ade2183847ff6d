/**
 * What the simulator answers, in the shapes of the protocol reference: a WDT answer inside
 * Qimen's `response` wrapper, and the TOP gateway's failure form. Both travel with HTTP 200.
 */

/**
 * WDT business codes. Only 0 and 1012 are confirmed for this method, and 2900 by the Y-variant
 * doc; the rest are the simulator's own choices for checks whose real codes are unconfirmed
 * (reference §4.1). Clients must not rely on them.
 */
export const WDT_CODES = {
  OK: 0,
  RATE_LIMITED: 1012,
  NO_FILTER: 2900,
  WINDOW_TOO_LARGE: 2901,
  BAD_TIME: 2902,
  BAD_PAGE_SIZE: 2903,
  BAD_PAGE_NO: 2904,
  WINDOW_REVERSED: 2905,
  BAD_STATUS: 2906,
  BAD_SID: 2907,
  BAD_FLAG: 2908,
} as const;

/** TOP platform codes (reference §4.2). */
export const GATEWAY_CODES = {
  CALL_LIMITED: 7,
  REMOTE_SERVICE_ERROR: 15,
  MISSING_METHOD: 21,
  INVALID_METHOD: 22,
  INVALID_FORMAT: 23,
  MISSING_SIGNATURE: 24,
  INVALID_SIGNATURE: 25,
  MISSING_APP_KEY: 28,
  INVALID_APP_KEY: 29,
  MISSING_TIMESTAMP: 30,
  INVALID_TIMESTAMP: 31,
  MISSING_VERSION: 32,
  UNSUPPORTED_VERSION: 34,
  MISSING_ARGUMENTS: 40,
  INVALID_ARGUMENTS: 41,
} as const;

export interface WdtFailure {
  readonly errorcode: number;
  readonly message: string;
}

export interface GatewayFailure {
  readonly code: number;
  readonly message: string;
  readonly subCode?: string | undefined;
  readonly subMessage?: string | undefined;
}

export const RATE_LIMITED_MESSAGE = '系统调用频繁，旺店通1分钟最多60次，请稍后再试';

export function wdtSuccessBody(orders: readonly unknown[], totalCount: number | undefined): string {
  const response =
    totalCount === undefined
      ? { errorcode: 0, message: '', stockout_list: orders }
      : { errorcode: 0, message: '', total_count: totalCount, stockout_list: orders };
  return JSON.stringify({ response });
}

export function wdtFailureBody(failure: WdtFailure): string {
  return JSON.stringify({ response: { errorcode: failure.errorcode, message: failure.message } });
}

export function gatewayFailureBody(failure: GatewayFailure, requestId: string): string {
  return JSON.stringify({
    response: {
      flag: 'failure',
      code: failure.code,
      message: failure.message,
      ...(failure.subCode !== undefined && { sub_code: failure.subCode }),
      ...(failure.subMessage !== undefined && { sub_message: failure.subMessage }),
      request_id: requestId,
    },
  });
}
