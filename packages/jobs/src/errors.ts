import { AppError } from '@wdt-k3/runtime';

/** Every error code this package raises. Kept in sync with README.md by a test. */
export const JOB_ERROR_CODES = {
  /** A payload failed its catalog schema on enqueue or on dequeue. Not retryable: the same bytes fail again. */
  payloadInvalid: 'JOB_PAYLOAD_INVALID',
  /** A worker received a job name the catalog does not list for its queue. */
  unknownJob: 'JOB_UNKNOWN',
  /** A worker's handlers do not cover its queue's catalog exactly (start-up check). */
  handlersMismatch: 'JOB_HANDLERS_MISMATCH',
} as const;

export type JobErrorCode = (typeof JOB_ERROR_CODES)[keyof typeof JOB_ERROR_CODES];

export class JobError extends AppError {
  override readonly name = 'JobError';
  declare readonly code: JobErrorCode;
}
