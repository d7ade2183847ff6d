import { AppError, type ErrorContext } from '@wdt-k3/runtime';

/**
 * Every whole-call failure of the client, with its default `retryable`. Per-bill outcomes of a
 * BatchSave are returned, not thrown (see batch-save.ts). The README lists the same codes; a test
 * keeps the two in sync.
 */
export const K3_ERROR_CODES = {
  /** MsgCode 1 "会话信息已丢失，请重新登录": the session was re-established; the caller may retry. */
  K3_SESSION_LOST: { retryable: true },
  /** MsgCode 14 调用限制: K3 throttled the call before doing anything. */
  K3_CALL_LIMIT: { retryable: true },
  /** HTTP status other than 200/206 (5xx and 429 retryable, other 4xx not). */
  K3_HTTP_ERROR: { retryable: true },
  /** HTTP 519 + `{errcode, description}` from Kingdee's API gateway. */
  K3_GATEWAY_ERROR: { retryable: false },
  /** A body starting with `response_error:` (server-side exception). */
  K3_SERVER_EXCEPTION: { retryable: true },
  /** No response within requestTimeoutMs. */
  K3_TIMEOUT: { retryable: true },
  /** Connection refused, reset or dropped. */
  K3_NETWORK: { retryable: true },
  /** The caller's AbortSignal fired before a response arrived. */
  K3_ABORTED: { retryable: true },
  /** Login refused or signature credentials not accepted: check the configuration. */
  K3_AUTH_FAILED: { retryable: false },
  /** K3 refused the whole call: no permission, licence, bad parameters (MsgCode 2/3/5/7/8/15). */
  K3_REJECTED: { retryable: false },
  /** ExecuteBillQuery answered its `[[{"Result":…}]]` error form (unknown form, field, bad filter). */
  K3_QUERY_FAILED: { retryable: false },
  /** A 200 body that is not what the protocol promises (not JSON, wrong shape). */
  K3_BAD_RESPONSE: { retryable: false },
} as const satisfies Record<string, { retryable: boolean }>;

export type K3ErrorCode = keyof typeof K3_ERROR_CODES;

export interface K3ErrorOptions {
  readonly retryable?: boolean;
  /**
   * True when a write may have been applied although the call failed (timeout, dropped
   * connection, 5xx, server exception after the request was sent). The caller must look the bills
   * up before re-sending them; the client never re-sends a write on its own.
   */
  readonly ambiguous?: boolean;
  readonly msgCode?: number | null;
  readonly httpStatus?: number | null;
  readonly cause?: unknown;
  readonly context?: ErrorContext;
}

export class K3Error extends AppError {
  override readonly name = 'K3Error';
  override readonly code: K3ErrorCode;
  readonly ambiguous: boolean;
  readonly msgCode: number | null;
  readonly httpStatus: number | null;

  constructor(code: K3ErrorCode, message: string, options: K3ErrorOptions = {}) {
    super(code, message, {
      retryable: options.retryable ?? K3_ERROR_CODES[code].retryable,
      cause: options.cause,
      context: {
        ...options.context,
        ...(options.ambiguous === true ? { ambiguous: true } : {}),
        ...(options.msgCode === undefined || options.msgCode === null ? {} : { msgCode: options.msgCode }),
        ...(options.httpStatus === undefined || options.httpStatus === null
          ? {}
          : { httpStatus: options.httpStatus }),
      },
    });
    this.code = code;
    this.ambiguous = options.ambiguous ?? false;
    this.msgCode = options.msgCode ?? null;
    this.httpStatus = options.httpStatus ?? null;
  }
}

export function isK3Error(value: unknown): value is K3Error {
  return value instanceof K3Error;
}
