import { AppError, type ErrorContext, isAppError } from '@wdt-k3/runtime';

/**
 * Every error this package throws. Callers branch on `code` and `retryable`, never on message
 * text. The README lists each code with what to do about it; a test keeps the two in sync.
 */
export const WDT_ERROR_CODES = {
  RATE_LIMITED: 'WDT_RATE_LIMITED',
  SIGNATURE_INVALID: 'WDT_SIGNATURE_INVALID',
  APP_KEY_INVALID: 'WDT_APP_KEY_INVALID',
  TIMESTAMP_INVALID: 'WDT_TIMESTAMP_INVALID',
  WINDOW_TOO_LARGE: 'WDT_WINDOW_TOO_LARGE',
  QUERY_INVALID: 'WDT_QUERY_INVALID',
  OPTIONS_INVALID: 'WDT_OPTIONS_INVALID',
  HTTP_ERROR: 'WDT_HTTP_ERROR',
  NETWORK: 'WDT_NETWORK',
  TIMEOUT: 'WDT_TIMEOUT',
  ABORTED: 'WDT_ABORTED',
  BAD_RESPONSE: 'WDT_BAD_RESPONSE',
  API_ERROR: 'WDT_API_ERROR',
} as const;

export type WdtErrorCode = (typeof WDT_ERROR_CODES)[keyof typeof WDT_ERROR_CODES];

/** How long a rate-limited caller should wait before the next call, and who said so. */
export interface RateLimit {
  readonly retryAfterMs: number;
  /** `wdt`: business code 1012; `gateway`: TOP code 7; `http`: HTTP 429. */
  readonly source: 'wdt' | 'gateway' | 'http';
}

export interface WdtErrorOptions {
  readonly retryable: boolean;
  readonly cause?: unknown;
  readonly context?: ErrorContext;
  readonly rateLimit?: RateLimit;
}

export class WdtError extends AppError {
  override readonly name = 'WdtError';
  declare readonly code: WdtErrorCode;
  /** Present on `WDT_RATE_LIMITED` only. */
  readonly rateLimit: RateLimit | undefined;

  constructor(code: WdtErrorCode, message: string, options: WdtErrorOptions) {
    super(code, message, {
      retryable: options.retryable,
      ...(options.cause !== undefined && { cause: options.cause }),
      ...(options.context !== undefined && { context: options.context }),
    });
    this.rateLimit = options.rateLimit;
  }
}

const CODE_SET: ReadonlySet<string> = new Set(Object.values(WDT_ERROR_CODES));

/** Duck-typed like runtime's `isAppError`, so it survives BullMQ serialisation and package copies. */
export function isWdtError(value: unknown): value is WdtError {
  return isAppError(value) && CODE_SET.has(value.code);
}

/** A `WDT_RATE_LIMITED` error with its wait; anything else gives `undefined`. */
export function rateLimitOf(value: unknown): RateLimit | undefined {
  if (!isWdtError(value) || value.code !== WDT_ERROR_CODES.RATE_LIMITED) return undefined;
  return value.rateLimit;
}
