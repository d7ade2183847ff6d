import { DEAD_LETTER_ERROR_CODES, DeadLetterError, type DeadLetterErrorCode } from '@wdt-k3/jobs';
import { AppError } from '@wdt-k3/runtime';

/**
 * Every error code the admin API answers with, and its HTTP status. Clients branch on `code`,
 * never on the message. Kept in sync with README.md by `errors.test.ts`.
 */
export const ADMIN_ERRORS = {
  /** No credentials, or credentials that match no configured token. */
  ADMIN_UNAUTHORIZED: { status: 401, retryable: false },
  /** A read-only token on a write route, or a cross-site write to the browser UI. */
  ADMIN_FORBIDDEN: { status: 403, retryable: false },
  /** Unknown route, unknown dead letter, or an order WDT does not know. */
  ADMIN_NOT_FOUND: { status: 404, retryable: false },
  /** Another replay or discard of the same dead letter is in progress. */
  ADMIN_CONFLICT: { status: 409, retryable: true },
  /** A body, parameter or query that fails its schema (or a bad cursor, a bad time range). */
  ADMIN_BAD_REQUEST: { status: 400, retryable: false },
  /** The body is larger than the server accepts, or its JSON is nested deeper than it accepts. */
  ADMIN_PAYLOAD_TOO_LARGE: { status: 413, retryable: false },
  /** A path segment (an id) longer than any the API has. */
  ADMIN_URI_TOO_LONG: { status: 414, retryable: false },
  /** The request's headers are larger than the server accepts. */
  ADMIN_HEADERS_TOO_LARGE: { status: 431, retryable: false },
  /** A body in another content type than JSON. */
  ADMIN_UNSUPPORTED_MEDIA_TYPE: { status: 415, retryable: false },
  /** The order to replay fails the mapping's wire schema: `details.issues` holds the MAP_* issues. */
  ADMIN_VALIDATION_FAILED: { status: 422, retryable: false },
  /** An edited order changes `stockout_id` or `order_no`, which would make a second K3 bill. */
  ADMIN_IDENTITY_CHANGED: { status: 422, retryable: false },
  /** Redis cannot be reached; nothing was changed (a dead letter is never removed on this path). */
  ADMIN_REDIS_UNAVAILABLE: { status: 503, retryable: true },
  /** The order ledger (PostgreSQL) is not configured, or does not answer. */
  ADMIN_LEDGER_UNAVAILABLE: { status: 503, retryable: true },
  /** The dry-run route has no WDT client configured. */
  ADMIN_DRY_RUN_UNAVAILABLE: { status: 503, retryable: false },
  /** Fetching the order from WDT for a dry run failed; `details.code` is the upstream code. */
  ADMIN_DRY_RUN_FAILED: { status: 502, retryable: true },
  /** Anything else; the log has the cause. */
  ADMIN_INTERNAL: { status: 500, retryable: true },
} as const;

export type AdminErrorCode = keyof typeof ADMIN_ERRORS;
export const ADMIN_ERROR_CODES = Object.keys(ADMIN_ERRORS) as AdminErrorCode[];

export class AdminError extends AppError {
  override readonly name = 'AdminError';
  declare readonly code: AdminErrorCode;
  readonly statusCode: number;
  readonly details: unknown;

  constructor(code: AdminErrorCode, message: string, details?: unknown, cause?: unknown) {
    super(code, message, { retryable: ADMIN_ERRORS[code].retryable, cause });
    this.statusCode = ADMIN_ERRORS[code].status;
    this.details = details;
  }
}

/** The one error body of the API: `{ "error": { "code", "message", "details"? } }`. */
export interface ErrorBody {
  readonly error: { readonly code: AdminErrorCode; readonly message: string; readonly details?: unknown };
}

export function errorBody(code: AdminErrorCode, message: string, details?: unknown): ErrorBody {
  return { error: details === undefined ? { code, message } : { code, message, details } };
}

// Socket-level failures ioredis surfaces while Redis is down or restarting.
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTCONN',
  'EHOSTUNREACH',
]);

/**
 * Turns anything thrown below a route into an AdminError. A failure while the producer
 * connection is not ready is Redis being unavailable: ioredis errors carry no stable code for
 * that (offline-queue and max-retries errors are plain messages), the connection state does.
 */
/** What each refusal of the dead-letter actions (packages/jobs) answers. */
const DEAD_LETTER_ANSWERS: Readonly<Record<DeadLetterErrorCode, AdminErrorCode>> = {
  [DEAD_LETTER_ERROR_CODES.notFound]: 'ADMIN_NOT_FOUND',
  [DEAD_LETTER_ERROR_CODES.busy]: 'ADMIN_CONFLICT',
  [DEAD_LETTER_ERROR_CODES.unreadable]: 'ADMIN_VALIDATION_FAILED',
  [DEAD_LETTER_ERROR_CODES.noReplayId]: 'ADMIN_INTERNAL',
};

/** A dead-letter action's refusal as the API's answer; anything else as it was. */
export function fromDeadLetterError(err: unknown): unknown {
  if (!(err instanceof DeadLetterError)) return err;
  return new AdminError(DEAD_LETTER_ANSWERS[err.code], err.message, err.details, err);
}

export function toAdminError(err: unknown, redisReady: boolean): AdminError {
  if (err instanceof AdminError) return err;
  if (err instanceof DeadLetterError) return fromDeadLetterError(err) as AdminError;
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  const name = err instanceof Error ? err.name : '';
  if (
    !redisReady ||
    name === 'MaxRetriesPerRequestError' ||
    (typeof code === 'string' && NETWORK_CODES.has(code))
  ) {
    return new AdminError('ADMIN_REDIS_UNAVAILABLE', 'Redis is unavailable, try again', undefined, err);
  }
  return new AdminError('ADMIN_INTERNAL', 'internal error', undefined, err);
}
