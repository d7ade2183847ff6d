import { z } from 'zod';

/**
 * The reconciliation routes' answers. They mirror `RunRecord` and `ReportItem` of
 * `@wdt-k3/reconcile` (kept free of it so the console's bundle stays small); the admin
 * serialises through them, so a field added there and not here is dropped, not leaked.
 */
const periodSchema = z.object({
  from: z.string().describe('First Beijing day, yyyy-MM-dd'),
  to: z.string().describe('Last Beijing day, yyyy-MM-dd, inclusive'),
});
const filterSchema = z.object({ shopNo: z.string().optional(), warehouseNo: z.string().optional() });

const sideTotalsSchema = z.object({
  orders: z.number(),
  rows: z.number(),
  quantity: z.string().describe('Decimal, as text'),
  amount: z.string().describe('Decimal, as text'),
});

export const runSummarySchema = z.object({
  missing: z.number().describe('In WDT, not in K3'),
  extra: z.number().describe('In K3, not in WDT'),
  duplicated: z.number(),
  mismatched: z.number(),
  extraChecked: z.boolean().describe('false with a shop or warehouse filter: extras cannot be told'),
  wdt: sideTotalsSchema,
  k3: sideTotalsSchema,
  missingByReason: z.record(z.string(), z.number()).describe('e.g. dead-lettered:K3_BASEDATA_MISSING → 3'),
});

export const runRecordSchema = z.object({
  id: z.string(),
  period: periodSchema,
  filter: filterSchema,
  state: z.enum(['reading-wdt', 'reading-k3', 'done', 'failed']),
  trigger: z.enum(['schedule', 'api']),
  requestedBy: z.string().nullable(),
  createdAt: z.number(),
  finishedAt: z.number().nullable(),
  progress: z.object({ wdtPages: z.number(), wdtOrders: z.number(), k3Bills: z.number() }),
  summary: runSummarySchema.nullable(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
});
export type RunRecordAnswer = z.output<typeof runRecordSchema>;

export const latestResultSchema = z.object({
  runId: z.string(),
  period: periodSchema,
  filter: filterSchema,
  finishedAt: z.number(),
  summary: runSummarySchema,
});
export type LatestResultAnswer = z.output<typeof latestResultSchema>;

const missingItemSchema = z.object({
  category: z.literal('missing'),
  billNo: z.string(),
  stockoutId: z.string(),
  stockoutNo: z.string().nullable(),
  consignTime: z.string().nullable(),
  customer: z.string(),
  rows: z.number(),
  quantity: z.string(),
  amount: z.string(),
  reason: z.object({
    kind: z.enum([
      'dead-lettered',
      'discarded',
      'pending',
      'unmappable',
      'saved',
      'never-extracted',
      'unknown',
    ]),
    code: z.string().nullable(),
    by: z.string().nullable(),
    note: z.string().nullable(),
  }),
});
const extraItemSchema = z.object({
  category: z.literal('extra'),
  billNo: z.string(),
  fid: z.number(),
  date: z.string(),
  customer: z.string(),
  rows: z.number(),
  quantity: z.string(),
  amount: z.string(),
  note: z.string().nullable(),
});
const duplicatedItemSchema = z.object({
  category: z.literal('duplicated'),
  billNo: z.string(),
  side: z.enum(['K3', 'WDT']),
  copies: z.number(),
  fids: z.array(z.number()).readonly(),
  stockoutIds: z.array(z.string()).readonly(),
});
const valueSchema = z.union([z.string(), z.number()]).nullable();
const mismatchItemSchema = z.object({
  category: z.literal('mismatch'),
  billNo: z.string(),
  stockoutId: z.string(),
  fid: z.number(),
  differences: z.array(z.object({ field: z.string(), wdt: valueSchema, k3: valueSchema })).readonly(),
});
export const reportItemSchema = z.discriminatedUnion('category', [
  missingItemSchema,
  extraItemSchema,
  duplicatedItemSchema,
  mismatchItemSchema,
]);
export type ReportItemAnswer = z.output<typeof reportItemSchema>;

/** `POST /reconciliations` (202): the run as it starts. */
export const reconcileStartAnswerSchema = z.object({ run: runRecordSchema });
export type ReconcileStartAnswer = z.output<typeof reconcileStartAnswerSchema>;

/** `GET /reconciliations`. */
export const reconcileListSchema = z.object({
  runs: z.array(runRecordSchema.extend({ line: z.string().describe('The summary in one line (zh-CN)') })),
  latest: latestResultSchema.nullable().describe('The last finished run, as the alert rule reads it'),
});
export type ReconcileList = z.output<typeof reconcileListSchema>;

/** `GET /reconciliations/{id}` (JSON): the run and a page of its report. */
export const reconcileReportSchema = z.object({
  run: runRecordSchema,
  line: z.string(),
  items: z.array(reportItemSchema),
  offset: z.number(),
  limit: z.number(),
});
export type ReconcileReport = z.output<typeof reconcileReportSchema>;

/** `POST /reconciliations/{id}/sync-missing`. */
export const syncMissingAnswerSchema = z.object({
  runId: z.string(),
  enqueued: z.number(),
  skipped: z.record(z.string(), z.number()).describe('Missing orders left to a person, by reason'),
  jobIds: z.array(z.string()),
});
export type SyncMissingAnswer = z.output<typeof syncMissingAnswerSchema>;
