import { UnrecoverableError } from 'bullmq';
import { z } from 'zod';
import { fieldErrorSchema } from '../catalog.ts';
import { type DeadLetterCode, isDeadLetterCode } from '../dead-letter-codes.ts';
import { ORDER_ERROR_CODES } from '../order-codes.ts';

/**
 * A job's failure as data: what a dead letter's `error` holds. It reaches the dead letter two
 * ways, both written by Redis-side steps BullMQ already takes:
 *
 * - the attempt log (one JSON line per failed attempt, `job.log`), which keeps the history;
 * - the error a processor throws, whose message is this same document (`failureError`): BullMQ
 *   stores `err.message` as `failedReason` in the very Lua script that fails the job, so a job
 *   that is failed always has it — also when the log write before it failed (a Redis blip), or
 *   the process died after the job failed and before anything else ran. Logging first and
 *   deriving the code from the log alone would lose the code in exactly those cases.
 */
const failureSchema = z.object({
  code: z.string().min(1),
  message: z.string(),
  retryable: z.boolean(),
  msgCode: z.number().nullable(),
  fieldErrors: z.array(fieldErrorSchema),
});
export type Failure = z.output<typeof failureSchema>;

/** A failure of this version's catalogue: the code is one a person can look up. */
export interface CataloguedFailure extends Failure {
  readonly code: DeadLetterCode;
}

/** An attempt log line: the failure, when and which attempt. */
const attemptLogSchema = failureSchema.extend({ at: z.number(), attempt: z.number() });
export type AttemptLog = z.output<typeof attemptLogSchema>;

export function formatAttemptLog(entry: AttemptLog): string {
  return JSON.stringify(entry);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** A job's log lines → its attempts; lines that are not attempt logs (another writer) are skipped. */
export function parseAttemptLogs(lines: readonly string[]): AttemptLog[] {
  return lines.flatMap((line) => {
    const parsed = attemptLogSchema.safeParse(parseJson(line));
    return parsed.success ? [parsed.data] : [];
  });
}

/** The message of an error a processor throws: the failure as a small JSON document. */
export function formatFailureReason(failure: Failure): string {
  // Only the fields of the document, and never a throw: this runs while an error is being thrown.
  const { code, message, retryable, msgCode, fieldErrors } = failure;
  return JSON.stringify({ code, message, retryable, msgCode, fieldErrors });
}

/** The error a processor throws for a failure: BullMQ retries a retryable one and fails the rest. */
export function failureError(failure: Failure): Error {
  const reason = formatFailureReason(failure);
  return failure.retryable ? new Error(reason) : new UnrecoverableError(reason);
}

/** A failure whose code may come from another version: held to the catalogue. */
export function cataloguedFailure(failure: Failure): CataloguedFailure {
  return isDeadLetterCode(failure.code)
    ? { ...failure, code: failure.code }
    : { ...failure, code: ORDER_ERROR_CODES.unexpected, message: `${failure.code}: ${failure.message}` };
}

/**
 * A job's `failedReason` → the failure. Anything that is not our document (BullMQ's own
 * "job stalled more than allowable limit", a library's error thrown past the processor) is
 * LOADER_UNEXPECTED with the text as its message: it has no code to read, so none is guessed.
 */
export function readFailureReason(reason: string | undefined): CataloguedFailure {
  const decoded = decodeFailureReason(reason);
  if (decoded !== null) return cataloguedFailure(decoded);
  return {
    code: ORDER_ERROR_CODES.unexpected,
    message: reason ?? 'failed',
    retryable: false,
    msgCode: null,
    fieldErrors: [],
  };
}

/** A `failedReason` that is our document → the failure as written; anything else → null. */
export function decodeFailureReason(reason: string | undefined): Failure | null {
  const parsed = failureSchema.safeParse(parseJson(reason ?? ''));
  return parsed.success ? parsed.data : null;
}
