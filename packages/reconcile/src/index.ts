export {
  type ComparableBill,
  type ComparableLine,
  comparableOfModel,
  type K3Bill,
  linesOf,
  type RawRow,
  type WdtBill,
  wdtBillOf,
} from './comparable.ts';
export {
  billSums,
  compareBills,
  createTotals,
  type FieldDifference,
  type SideTotals,
} from './compare.ts';
export { type ComparisonDeps, checkCoverage, compareRun, type PageProof } from './compare-run.ts';
export { RECONCILE_ERROR_CODES, ReconcileError, type ReconcileErrorCode } from './errors.ts';
export { createExplainer, type Explainer } from './explain.ts';
export { createReconcileIntake } from './intake.ts';
export { billsOfRows, findBillsByNumber, K3_BILL_FIELDS, readPeriodBills } from './k3-bills.ts';
export { createRunLifecycle, type LifecycleDeps } from './lifecycle.ts';
export {
  beijingDay,
  checkPeriod,
  dayAfter,
  MAX_PERIOD_DAYS,
  periodKey,
  periodLabel,
  periodRange,
  previousBeijingDay,
} from './period.ts';
export { recordRunInPostgres } from './pg-results.ts';
export {
  CATEGORIES,
  type Category,
  type DuplicatedItem,
  type ExtraItem,
  hasFindings,
  MISSING_REASONS,
  type MismatchItem,
  type MissingItem,
  type MissingReason,
  type MissingReasonKind,
  type ReportItem,
  RUN_STATES,
  type RunRecord,
  type RunState,
  type RunSummary,
} from './report.ts';
export { itemRows, reportCsv } from './report-csv.ts';
export { writeReportXlsx } from './report-xlsx.ts';
export {
  buildReconcileFlow,
  compareJobId,
  RECONCILE_PAGE_PRIORITY,
  RECONCILE_WINDOW_MS,
  SHIPPED_STATUSES,
  type StartDeps,
  type StartInput,
  startReconciliation,
} from './start.ts';
export {
  createReconcileStore,
  decodeWdtValue,
  type LatestResult,
  type ReconcileStore,
  reconcileKeys,
} from './store.ts';
export { CATEGORY_LABELS, type Lang, reasonText, summaryLine } from './texts.ts';
