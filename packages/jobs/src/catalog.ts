import type { JobsOptions } from 'bullmq';
import { z } from 'zod';
import { QUEUES, type QueueName } from './queues.ts';

/**
 * The job catalog: per job its queue, name, zod payload schema and retry/retention policy. It is
 * the only contract between extractor, loader and admin. Payloads are validated on enqueue and
 * on dequeue; new fields stay `.optional()` until every in-flight job has drained.
 */
const epochMs = z.number().int().nonnegative();
const DAY_S = 86_400;

export const windowSchema = z
  .object({ fromMs: epochMs, toMs: epochMs })
  .refine((window) => window.toMs > window.fromMs, { message: 'toMs must be after fromMs' });

/** What the extractor asks WDT for, besides the window. */
export const extractFilterSchema = z.object({
  status: z.array(z.number().int().nonnegative()).min(1),
  shopNo: z.string().min(1).optional(),
  warehouseNo: z.string().min(1).optional(),
  byModified: z.boolean(),
});

/**
 * `sweep`: the trailing read by modified time that finds stock-outs WDT showed late.
 * `reconcile`: a reconciliation run's read of its period (issue 17): its pages store what they
 * read for the comparison and enqueue nothing.
 */
const runKindSchema = z.enum(['incremental', 'backfill', 'orders', 'sweep', 'reconcile']);

/** A single-order lookup instead of a window (the admin's "sync these orders"). */
const numberFilterSchema = z.union([
  z.object({ stockoutNo: z.string().min(1) }),
  z.object({ srcTid: z.string().min(1) }),
]);

const requester = z.string().min(1).max(100).optional();

const syncTickSchema = z.object({}).loose();
const syncBackfillSchema = z.object({
  fromMs: epochMs,
  toMs: epochMs,
  requestedBy: requester,
  dryRun: z.boolean().default(false),
});
const syncOrdersSchema = z
  .object({
    stockoutNos: z.array(z.string().min(1)).max(500).default([]),
    srcTids: z.array(z.string().min(1)).max(500).default([]),
    requestedBy: requester,
    dryRun: z.boolean().default(false),
  })
  .refine((data) => data.stockoutNos.length + data.srcTids.length > 0, {
    message: 'name at least one order',
  });

const syncCommitSchema = z.object({
  runId: z.string().min(1),
  kind: runKindSchema,
  /** Incremental and sweep runs: the watermark to store once every page of the run is in. */
  watermarkTo: epochMs.nullable(),
  dryRun: z.boolean(),
  /** The run's windows and number lookups: the commit checks the pages proved each one read whole. */
  windows: z.array(windowSchema).optional(),
  lookups: z.number().int().nonnegative().optional(),
  /** The watermark generation the run was planned under; a deliberate move cancels the run. */
  generation: z.number().int().nonnegative().optional(),
});

const rangeSchema = z.object({ fromMs: epochMs, toMs: epochMs });

/**
 * One step of a window walk (docs/architecture.md, "No missed orders"): a keyset call on page 0
 * of `[fromMs, toMs)`, a slice proven only by one whole answer, or a call of a rank walk over one
 * second (or a number lookup, `second` null).
 */
export const walkStepSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('keyset'),
    fromMs: epochMs,
    toMs: epochMs,
    seq: z.number().int().nonnegative(),
    /** Job ids of the rows at second `fromMs` the step before read (re-read here, not counted). */
    seen: z.array(z.string().min(1).max(80)).max(100).optional(),
  }),
  z.object({
    kind: z.literal('slice'),
    fromMs: epochMs,
    toMs: epochMs,
    /** Rows asked per call when not the run's page size (a crowded second asks for WDT's largest page). */
    pageSize: z.number().int().min(1).max(100).optional(),
  }),
  z.object({
    kind: z.literal('rank'),
    second: rangeSchema.nullable(),
    phase: z.enum(['count', 'page', 'final']),
    pageNo: z.number().int().nonnegative(),
    attempt: z.number().int().nonnegative(),
    pageSize: z.number().int().min(1).max(100).optional(),
  }),
]);

const pageFetchSchema = z.object({
  runId: z.string().min(1),
  kind: runKindSchema,
  window: windowSchema.nullable(),
  numberFilter: numberFilterSchema.nullable(),
  filter: extractFilterSchema,
  pageNo: z.number().int().nonnegative(),
  pageSize: z.number().int().min(1).max(100),
  dryRun: z.boolean(),
  /** Written by versions before walk steps; ignored (such a job walks its window from the start). */
  forward: z.boolean().optional(),
  /** Which window (its start, ms) or lookup (`n<index>`) of the run this page belongs to. */
  part: z.string().min(1).max(40).optional(),
  step: walkStepSchema.optional(),
});

export const orderSourceSchema = z.object({
  runId: z.string().min(1),
  /** `unknown`: a dead letter whose original payload was unreadable. */
  kind: runKindSchema.or(z.enum(['replay', 'unknown'])),
  pageNo: z.number().int().nonnegative().nullable(),
  fetchedAt: epochMs,
});

export const fieldErrorSchema = z.object({ field: z.string().nullable(), message: z.string() });

/** One failed attempt of a dead letter's history; `jobId` says which job (so-X, so-X-r1…) made it. */
const attemptEntrySchema = z.object({
  at: epochMs,
  attempt: z.number().int(),
  code: z.string(),
  message: z.string(),
  jobId: z.string().min(1).optional(),
});

/** One replay of a dead letter: who queued which job, when, with an edited order or not. */
const replayEntrySchema = z.object({
  at: epochMs,
  by: z.string().min(1),
  jobId: z.string().min(1),
  edited: z.boolean(),
});

/** What a replay job carries of the letter it replays (see `orderLoadSchema.replay.prior`). */
const deadLetterPriorSchema = z.object({
  originalJobId: z.string().min(1),
  firstEnqueuedAt: epochMs,
  history: z.array(attemptEntrySchema),
  replays: z.array(replayEntrySchema),
});

/**
 * A WDT order as received: any JSON object, passed on as it is (not copied). `z.record` built a
 * copy of every order key by key for a check JSON already guarantees (string keys): 26 µs of
 * each job, 3 % of a busy loader's CPU (--cpu-prof, loader bench b50). The fields are the
 * mapping's to check (`parseWdtStockoutOrder`), with MAP_* codes a person can act on.
 */
const wdtOrderSchema = z.custom<Record<string, unknown>>(
  (value) => typeof value === 'object' && value !== null && !Array.isArray(value),
  { message: 'expected a WDT order (a JSON object)' },
);

/**
 * The WDT order travels as received (unknown fields kept, nothing coerced): a malformed order
 * still reaches the loader and is dead-lettered with a MAP_* code there instead of vanishing.
 */
export const orderLoadSchema = z.object({
  order: wdtOrderSchema,
  source: orderSourceSchema,
  /**
   * `contentHashOf(order)` as the extractor computed it for its own comparison, so the loader
   * need not compute it again (it was 8 % of a busy loader's CPU). Absent on replays and on jobs
   * of older versions: the loader computes it then.
   */
  contentHash: z.string().min(1).max(80).optional(),
  replay: z
    .object({
      /** The dead letter replayed: always the order's base id (`so-<stockout_id>`). */
      of: z.string().min(1),
      by: z.string().min(1),
      at: epochMs,
      /** An edited replay: the content hash of the unedited original (see order.saved `editedFrom`). */
      editedFrom: z.string().min(1).max(80).optional(),
      /** Whether the order was edited (absent in replays queued by versions before it). */
      edited: z.boolean().optional(),
      /**
       * The replayed letter's history, carried by the job because the letter is removed when the
       * replay is queued: a replay that fails again writes one letter with all of it.
       */
      prior: deadLetterPriorSchema.optional(),
    })
    .optional(),
});

export const deadLetterSchema = z.object({
  order: wdtOrderSchema,
  /** The first job of the order that failed (its base id); `lastJobId` is the one that failed last. */
  originalJobId: z.string().min(1),
  lastJobId: z.string().min(1).optional(),
  source: orderSourceSchema,
  error: z.object({
    code: z.string().min(1),
    message: z.string(),
    retryable: z.boolean(),
    msgCode: z.number().int().nullable(),
    fieldErrors: z.array(fieldErrorSchema),
  }),
  attemptsMade: z.number().int().nonnegative(),
  firstEnqueuedAt: epochMs,
  failedAt: epochMs,
  history: z.array(attemptEntrySchema),
  replays: z.array(replayEntrySchema).default([]),
  replayCount: z.number().int().nonnegative().default(0),
});

/** A reconciliation period: whole Beijing days, `from` to `to` inclusive (K3's FDate is a day). */
export const reconcilePeriodSchema = z
  .object({
    from: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    to: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  })
  .refine((period) => period.to >= period.from, { message: 'to must not be before from' });

export const reconcileFilterSchema = z.object({
  shopNo: z.string().min(1).max(100).optional(),
  warehouseNo: z.string().min(1).max(100).optional(),
});

/** The scheduler's daily tick: reconcile the Beijing day before the one it fires in. */
const reconcileDailySchema = z.object({}).loose();

/**
 * The comparison of one run, the parent of its WDT page jobs: it runs once every page has
 * stored its rows, reads K3 and writes the result.
 */
const reconcileCompareSchema = z.object({
  runId: z.string().min(1).max(120),
  period: reconcilePeriodSchema,
  filter: reconcileFilterSchema,
  windows: z.array(windowSchema),
});

export interface JobDefinition<Q extends QueueName = QueueName, S extends z.ZodType = z.ZodType> {
  readonly queue: Q;
  readonly name: string;
  readonly schema: S;
  readonly options: JobsOptions;
}

const define = <Q extends QueueName, S extends z.ZodType>(
  definition: JobDefinition<Q, S>,
): JobDefinition<Q, S> => definition;

export const JOBS = {
  syncTick: define({
    queue: QUEUES.sync,
    name: 'sync.tick',
    schema: syncTickSchema,
    options: { attempts: 1, removeOnComplete: { count: 50 }, removeOnFail: { count: 200 } },
  }),
  syncBackfill: define({
    queue: QUEUES.sync,
    name: 'sync.backfill',
    schema: syncBackfillSchema,
    options: {
      attempts: 3,
      backoff: { type: 'exponential', delay: 5_000 },
      removeOnComplete: { age: 30 * DAY_S },
    },
  }),
  syncOrders: define({
    queue: QUEUES.sync,
    name: 'sync.orders',
    schema: syncOrdersSchema,
    options: {
      attempts: 3,
      backoff: { type: 'exponential', delay: 5_000 },
      removeOnComplete: { age: 30 * DAY_S },
    },
  }),
  syncCommit: define({
    queue: QUEUES.sync,
    name: 'sync.commit',
    schema: syncCommitSchema,
    options: {
      attempts: 5,
      backoff: { type: 'exponential', delay: 1_000 },
      removeOnComplete: { age: 7 * DAY_S, count: 1_000 },
    },
  }),
  pageFetch: define({
    queue: QUEUES.pages,
    name: 'page.fetch',
    schema: pageFetchSchema,
    // 6 attempts with exponential 5 s backoff ride out a WDT outage of about 2.5 minutes; a
    // longer one fails the run, which leaves the watermark where it was.
    options: {
      attempts: 6,
      backoff: { type: 'exponential', delay: 5_000, jitter: 0.5 },
      removeOnComplete: { age: DAY_S, count: 20_000 },
      removeOnFail: { age: 7 * DAY_S },
    },
  }),
  orderLoad: define({
    queue: QUEUES.orders,
    name: 'order.load',
    schema: orderLoadSchema,
    // 10 attempts, 2 s doubling with jitter: retries span about 17 minutes of K3 trouble. A
    // completed job is kept an hour (at most 20,000): a re-read of a done order is skipped by
    // the loader's done record (orderDoneKey, 30 days), which costs ~100 bytes where the job
    // with its WDT payload cost ~4 KB. The extractor sets its own (EXTRACT_KEEP_COMPLETED_*).
    options: {
      attempts: 10,
      backoff: { type: 'exponential', delay: 2_000, jitter: 0.5 },
      removeOnComplete: { age: 3_600, count: 20_000 },
      removeOnFail: { age: 30 * DAY_S },
      keepLogs: 20,
    },
  }),
  deadLetter: define({
    queue: QUEUES.failed,
    name: 'order.failed',
    schema: deadLetterSchema,
    // Dead letters are kept until a person replays or discards them.
    options: { attempts: 1, removeOnComplete: false, removeOnFail: false },
  }),
  reconcileDaily: define({
    queue: QUEUES.reconcile,
    name: 'reconcile.daily',
    schema: reconcileDailySchema,
    options: {
      attempts: 3,
      backoff: { type: 'exponential', delay: 60_000 },
      removeOnComplete: { count: 100 },
    },
  }),
  reconcileCompare: define({
    queue: QUEUES.reconcile,
    name: 'reconcile.compare',
    schema: reconcileCompareSchema,
    // K3 reads are retried by the job: the comparison starts over from its stored WDT rows, so
    // a retry or a takeover after kill -9 never counts a bill twice.
    options: {
      attempts: 8,
      backoff: { type: 'exponential', delay: 5_000, jitter: 0.5 },
      removeOnComplete: { age: 30 * DAY_S },
      removeOnFail: { age: 30 * DAY_S },
    },
  }),
} as const;

type Jobs = typeof JOBS;
export type JobKey = keyof Jobs;
export type JobData<K extends JobKey> = z.output<Jobs[K]['schema']>;
export type JobInput<K extends JobKey> = z.input<Jobs[K]['schema']>;
export type JobKeysOf<Q extends QueueName> = {
  [K in JobKey]: Jobs[K]['queue'] extends Q ? K : never;
}[JobKey];

export type DeadLetterData = JobData<'deadLetter'>;
export type OrderLoadData = JobData<'orderLoad'>;
export type PageFetchData = JobData<'pageFetch'>;
export type OrderSource = z.output<typeof orderSourceSchema>;
export type ExtractFilter = z.output<typeof extractFilterSchema>;
export type ExtractWindow = z.output<typeof windowSchema>;
export type RunKind = z.output<typeof runKindSchema>;
export type WalkStep = z.output<typeof walkStepSchema>;
export type ReconcilePeriod = z.output<typeof reconcilePeriodSchema>;
export type ReconcileFilter = z.output<typeof reconcileFilterSchema>;
export type ReconcileCompareData = JobData<'reconcileCompare'>;

export function jobKeysOf(queue: QueueName): JobKey[] {
  return (Object.keys(JOBS) as JobKey[]).filter((key) => JOBS[key].queue === queue);
}
