/**
 * The one error base of the project. Every error we throw carries a stable `code`
 * (SCREAMING_SNAKE with a package prefix, e.g. `WDT_RATE_LIMITED`) and a `retryable` flag, so
 * callers branch on data, never on message text. `context` holds ids only, never payloads or
 * secrets, because errors end up in logs and in dead letters.
 */
export type ErrorContext = Readonly<Record<string, string | number | boolean | null>>;

export interface AppErrorOptions {
  readonly retryable: boolean;
  readonly cause?: unknown;
  readonly context?: ErrorContext;
}

export class AppError extends Error {
  override readonly name: string = 'AppError';
  readonly code: string;
  readonly retryable: boolean;
  readonly context: ErrorContext | undefined;

  constructor(code: string, message: string, options: AppErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retryable = options.retryable;
    this.context = options.context;
  }

  /** A plain, log- and JSON-safe view (no stack, no cause payloads). */
  toJSON(): { code: string; message: string; retryable: boolean; context?: ErrorContext } {
    return this.context === undefined
      ? { code: this.code, message: this.message, retryable: this.retryable }
      : { code: this.code, message: this.message, retryable: this.retryable, context: this.context };
  }
}

/**
 * Shape check rather than `instanceof`: errors cross package copies and BullMQ's serialisation,
 * and a duck-typed guard keeps working there (the ky / bullmq habit).
 */
export function isAppError(value: unknown): value is AppError {
  if (!(value instanceof Error)) return false;
  const candidate = value as Partial<AppError>;
  return typeof candidate.code === 'string' && typeof candidate.retryable === 'boolean';
}

/** Wraps anything thrown into an AppError, keeping AppErrors as they are. */
export function toAppError(value: unknown, fallbackCode = 'INTERNAL_ERROR'): AppError {
  if (isAppError(value)) return value;
  const message = value instanceof Error ? value.message : String(value);
  return new AppError(fallbackCode, message, { retryable: false, cause: value });
}
