import { AppError } from '@wdt-k3/runtime';

/**
 * Every code a delivery outcome or the alert API carries. A channel failure is data (counted,
 * shown in `wdt-k3 status`), never a crash; README.md lists each with what to do.
 */
export const ALERT_ERRORS = {
  /** The robot refused our credential: a wrong token or key, a 加签 sign mismatch, a stale timestamp. */
  ALERT_CHANNEL_AUTH: { retryable: false },
  /** The robot's keyword security setting: the message lacked every keyword. */
  ALERT_CHANNEL_KEYWORD: { retryable: false },
  /** The robot throttled us (DingTalk 410100 for 10 minutes, WeCom 45009, Feishu 11232, HTTP 429). */
  ALERT_CHANNEL_THROTTLED: { retryable: true },
  /** The robot refused the message as too large. */
  ALERT_CHANNEL_TOO_LARGE: { retryable: true },
  /** Any other refusal in the vendor's own error body (errcode ≠ 0, code ≠ 0). */
  ALERT_CHANNEL_REJECTED: { retryable: true },
  /** HTTP status other than 2xx without a vendor error body. */
  ALERT_CHANNEL_HTTP: { retryable: true },
  /** No answer within the channel's timeout. */
  ALERT_CHANNEL_TIMEOUT: { retryable: true },
  /** Connection refused, reset, DNS. */
  ALERT_CHANNEL_NETWORK: { retryable: true },
  /** A 2xx answer whose body is not the vendor's success body. */
  ALERT_CHANNEL_BAD_RESPONSE: { retryable: true },
} as const satisfies Record<string, { retryable: boolean }>;

export type AlertErrorCode = keyof typeof ALERT_ERRORS;
export const ALERT_ERROR_CODES = Object.keys(ALERT_ERRORS) as AlertErrorCode[];

export class AlertError extends AppError {
  override readonly name = 'AlertError';
  declare readonly code: AlertErrorCode;

  constructor(code: AlertErrorCode, message: string, cause?: unknown) {
    super(code, message, { retryable: ALERT_ERRORS[code].retryable, cause });
  }
}
