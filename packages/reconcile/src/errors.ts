import { AppError } from '@wdt-k3/runtime';

/** Every error code this package raises. Kept in sync with README.md by a test. */
export const RECONCILE_ERROR_CODES = {
  /** The period or filter asked for is not one a run can read (not whole days, reversed, too long, in the future). */
  periodInvalid: 'RECONCILE_PERIOD_INVALID',
  /** A run for the same period and filter is still going: one at a time per period. */
  runInProgress: 'RECONCILE_RUN_IN_PROGRESS',
  /** No run with that id (never started, or older than the retention). */
  runNotFound: 'RECONCILE_RUN_NOT_FOUND',
  /** The run's WDT pages do not prove every part of the period read: the run fails instead of guessing. */
  coverageIncomplete: 'RECONCILE_COVERAGE_INCOMPLETE',
  /** A WDT page failed for good (WDT down or refusing us longer than its retries). */
  wdtReadFailed: 'RECONCILE_WDT_READ_FAILED',
  /** K3's bill query kept failing beyond the comparison's retries. */
  k3ReadFailed: 'RECONCILE_K3_READ_FAILED',
  /** The run is not finished, so it has no report yet. */
  runNotFinished: 'RECONCILE_RUN_NOT_FINISHED',
} as const;

export type ReconcileErrorCode = (typeof RECONCILE_ERROR_CODES)[keyof typeof RECONCILE_ERROR_CODES];

export class ReconcileError extends AppError {
  override readonly name = 'ReconcileError';
  declare readonly code: ReconcileErrorCode;
}
