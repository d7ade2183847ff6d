import { z } from 'zod';
import { mapIssueSchema, stampSchema } from './common.ts';

/** `GET /sync`: the extractor's state. */
export const syncStateSchema = z.object({
  watermark: stampSchema.nullable().describe('Every order consigned before it was read; null: no run yet'),
  sweepWatermark: stampSchema.nullable(),
  inFuture: z.boolean().describe('The watermark lies in the future (a bad EXTRACT_START_FROM)'),
  wdtRefusal: z
    .object({ code: z.string(), message: z.string(), at: z.number() })
    .nullable()
    .describe('WDT refuses our credentials or configuration since `at`'),
  lastRunFailure: z
    .object({ runId: z.string(), kind: z.string(), reason: z.string(), at: z.number() })
    .nullable(),
  lastAdvance: stampSchema.nullable(),
  lagSeconds: z.number().nullable().describe('now − watermark'),
  lastTick: stampSchema.extend({ ageSeconds: z.number() }).nullable(),
  inflight: z
    .object({
      runId: z.string(),
      fromMs: z.number(),
      toMs: z.number(),
      windows: z.array(z.object({ fromMs: z.number(), toMs: z.number() })),
      plannedAt: z.number(),
      generation: z.number().optional(),
    })
    .nullable(),
  lastRun: z
    .object({
      runId: z.string(),
      kind: z.string(),
      finishedAt: z.number(),
      pages: z.number(),
      orders: z.number(),
      enqueued: z.number(),
      duplicates: z.number(),
    })
    .nullable(),
});
export type SyncStateAnswer = z.output<typeof syncStateSchema>;

/** `PUT /sync/watermark`. */
export const watermarkAnswerSchema = z.object({
  previous: stampSchema.nullable(),
  watermark: stampSchema,
  generation: z.number(),
});
export type WatermarkAnswer = z.output<typeof watermarkAnswerSchema>;

/** `POST /sync/backfill`. */
export const backfillAnswerSchema = z.object({
  jobId: z.string(),
  fromMs: z.number(),
  toMs: z.number(),
  window: z.object({ from: z.string(), to: z.string() }).describe('Beijing time'),
  dryRun: z.boolean(),
});
export type BackfillAnswer = z.output<typeof backfillAnswerSchema>;

/** `POST /sync/orders`. */
export const syncOrdersAnswerSchema = z.object({
  jobId: z.string(),
  stockoutNos: z.array(z.string()),
  srcTids: z.array(z.string()),
  dryRun: z.boolean(),
});
export type SyncOrdersAnswer = z.output<typeof syncOrdersAnswerSchema>;

/** What mapping an order gave: the K3 bill, or the issues. */
export const mappingResultSchema = z.discriminatedUnion('ok', [
  z.object({
    ok: z.literal(true),
    model: z.record(z.string(), z.unknown()).describe('The SAL_OUTSTOCK model BatchSave would get'),
    unlinked: z.boolean().describe('Mapped without the links to the sales order'),
  }),
  z.object({ ok: z.literal(false), issues: z.array(mapIssueSchema) }),
]);
export type MappingResult = z.output<typeof mappingResultSchema>;

/** `POST /orders/:stockoutNo/dry-run`. */
export const dryRunAnswerSchema = z.object({
  stockoutNo: z.string(),
  found: z.literal(true),
  order: z.record(z.string(), z.unknown()),
  result: mappingResultSchema,
});
export type DryRunAnswer = z.output<typeof dryRunAnswerSchema>;

/** `GET /sync/jobs/:id`: what became of a backfill or an order sync, from its jobs and the ledger. */
export const syncJobSchema = z.object({
  jobId: z.string(),
  kind: z.enum(['backfill', 'orders']),
  state: z
    .enum(['queued', 'running', 'committed', 'failed'])
    .describe(
      'queued: not planned yet; running: its pages are being read; committed: every page read and its orders enqueued; failed: it will not commit',
    ),
  dryRun: z.boolean(),
  queuedAt: stampSchema,
  runId: z.string().nullable().describe('The extraction run it became (bf-…, ord-…), once planned'),
  failedReason: z.string().nullable(),
  read: z
    .object({ pages: z.number(), orders: z.number(), enqueued: z.number(), duplicates: z.number() })
    .nullable()
    .describe(
      'The committed run: orders read from WDT, enqueued for loading, and already known (not loaded again)',
    ),
  lookups: z
    .array(
      z.object({
        by: z.enum(['stockoutNo', 'srcTid']),
        number: z.string(),
        found: z.number().describe('Stock-outs WDT returned for it; 0: WDT has none'),
      }),
    )
    .describe('An order sync once committed: each named number and what WDT had for it'),
  ledger: z
    .object({
      orders: z
        .number()
        .describe('Orders of the run the ledger knows of; equal to read.enqueued once caught up'),
      byState: z.record(z.string(), z.number()),
      deadByCode: z.record(z.string(), z.number()),
    })
    .nullable()
    .describe('Null before the run committed, or without the ledger (DATABASE_URL)'),
});
export type SyncJobAnswer = z.output<typeof syncJobSchema>;
