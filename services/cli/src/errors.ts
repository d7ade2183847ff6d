/**
 * The CLI's failures, each with a stable code and the exit code it ends the process with.
 * Scripts branch on the exit code (and, with --json, on `error.code`), never on the message.
 */
export const EXIT = {
  ok: 0,
  /** The admin API answered an error (or an answer this CLI cannot read). */
  apiError: 1,
  /** Unknown command or option, a missing or malformed argument: nothing was sent. */
  usage: 2,
  /** No answer from the admin API: connection refused, DNS, timeout. */
  unreachable: 3,
  /** --wait: some order ended outside K3 (dead-lettered, discarded, not in WDT), or the run failed. */
  notInK3: 4,
  /** --wait: the deadline passed before every order had an outcome (and none ended outside K3). */
  timedOut: 5,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export const CLI_ERROR_CODES = {
  CLI_USAGE: EXIT.usage,
  CLI_CONFIG_INVALID: EXIT.usage,
  CLI_UNREACHABLE: EXIT.unreachable,
  CLI_BAD_RESPONSE: EXIT.apiError,
} as const;

export type CliErrorCode = keyof typeof CLI_ERROR_CODES;

export class CliError extends Error {
  override readonly name: string = 'CliError';
  readonly code: CliErrorCode;
  readonly exitCode: ExitCode;
  /** Extra lines printed after the message (a usage line, a hint). */
  readonly hints: readonly string[];

  constructor(code: CliErrorCode, message: string, hints: readonly string[] = []) {
    super(message);
    this.code = code;
    this.exitCode = CLI_ERROR_CODES[code];
    this.hints = hints;
  }
}

export class UsageError extends CliError {
  override readonly name = 'UsageError';

  constructor(message: string, hints: readonly string[] = []) {
    super('CLI_USAGE', message, hints);
  }
}

/** An error answer of the admin API: `{ error: { code, message, details? } }` with its HTTP status. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly status: number;
  readonly code: string;
  readonly details: unknown;
  /** The body exactly as the API sent it (printed unchanged with --json). */
  readonly body: unknown;

  constructor(status: number, code: string, message: string, details: unknown, body: unknown) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
    this.body = body;
  }
}
