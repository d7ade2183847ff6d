import { AppError } from '@wdt-k3/runtime';

/**
 * What the dead-letter actions refuse, as codes the admin API turns into its answers (404, 409,
 * 422, 500). Not dead-letter codes: they describe an action on a letter, not why an order failed.
 */
export const DEAD_LETTER_ERROR_CODES = {
  /** No dead letter under the id, nor under the order's base id. */
  notFound: 'DEAD_LETTER_NOT_FOUND',
  /** Another replay or discard of the same order holds its lock. */
  busy: 'DEAD_LETTER_BUSY',
  /** The stored data fails the catalog schema and no edited order was given. */
  unreadable: 'DEAD_LETTER_UNREADABLE',
  /** Every replay id tried was still retained in `orders` (a counter lost with a Redis restore). */
  noReplayId: 'DEAD_LETTER_NO_REPLAY_ID',
} as const;

export type DeadLetterErrorCode = (typeof DEAD_LETTER_ERROR_CODES)[keyof typeof DEAD_LETTER_ERROR_CODES];

export class DeadLetterError extends AppError {
  override readonly name = 'DeadLetterError';
  declare readonly code: DeadLetterErrorCode;
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(code: DeadLetterErrorCode, message: string, details?: Readonly<Record<string, unknown>>) {
    super(code, message, { retryable: false });
    this.details = details;
  }
}
