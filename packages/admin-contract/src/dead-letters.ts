import { z } from 'zod';
import { mapIssueSchema } from './common.ts';

/** One dead letter in a listing (`GET /failed`). */
export const deadLetterItemSchema = z.object({
  id: z.string().describe('The dead letter’s id: the original job id, e.g. so-700611'),
  readable: z.boolean().describe('false: the stored data does not match the catalog schema'),
  failedAt: z.number().describe('epoch ms'),
  failedAtBeijing: z.string(),
  code: z.string().describe('The error code (K3_*, MAP_*, LOADER_*, JOB_*)'),
  message: z.string(),
  retryable: z.boolean(),
  attemptsMade: z.number(),
  stockoutId: z.string().nullable(),
  orderNo: z.string().nullable(),
  srcTradeNo: z.string().nullable(),
  shopNo: z.string().nullable(),
  sourceKind: z.string().nullable(),
});
export type DeadLetterItem = z.output<typeof deadLetterItemSchema>;

export const deadLetterListingSchema = z.object({
  items: z.array(deadLetterItemSchema),
  total: z.number().describe('Dead letters matching every filter'),
  byCode: z.record(z.string(), z.number()).describe('Per code, matches of every filter but `code`'),
  nextCursor: z.string().nullable(),
  scanned: z.number().describe('Dead letters in the queue'),
});
export type DeadLetterListing = z.output<typeof deadLetterListingSchema>;

const fieldErrorSchema = z.object({ field: z.string().nullable(), message: z.string() });

/** The dead letter as the loader wrote it: the WDT order as received, the error, the attempts. */
export const deadLetterDataSchema = z.object({
  order: z.record(z.string(), z.unknown()).describe('The WDT order as received'),
  originalJobId: z.string().describe('The first job of the order that failed: its base id, so-<stockout_id>'),
  lastJobId: z.string().optional().describe('The job that failed last (a replay’s so-X-r<n>)'),
  source: z.object({
    runId: z.string(),
    kind: z.string(),
    pageNo: z.number().nullable(),
    fetchedAt: z.number(),
  }),
  error: z.object({
    code: z.string(),
    message: z.string(),
    retryable: z.boolean(),
    msgCode: z.number().nullable().describe('K3’s MsgCode, when K3 answered'),
    fieldErrors: z.array(fieldErrorSchema).describe('K3’s per-field errors'),
  }),
  attemptsMade: z.number(),
  firstEnqueuedAt: z.number(),
  failedAt: z.number(),
  history: z
    .array(
      z.object({
        at: z.number(),
        attempt: z.number().describe('1-based, per job'),
        code: z.string(),
        message: z.string(),
        jobId: z.string().optional().describe('Which job of the order made the attempt'),
      }),
    )
    .describe('Every failed attempt of the order, across its replays, oldest first'),
  replays: z
    .array(z.object({ at: z.number(), by: z.string(), jobId: z.string(), edited: z.boolean() }))
    .describe('Each replay that failed again: who queued which job, when, edited or not'),
  replayCount: z.number().describe('Replays of this order that failed again (replays.length)'),
});
export type DeadLetterData = z.output<typeof deadLetterDataSchema>;

/** `GET /failed/:id`. */
export const deadLetterDetailSchema = z.object({
  id: z.string().describe('The letter’s id: the order’s base id, whichever of its job ids was asked for'),
  requestedId: z
    .string()
    .optional()
    .describe('The id asked for, when it was another id of the order (so-X-r1)'),
  readable: z.boolean(),
  createdAt: z.number(),
  replaysSoFar: z.number(),
  deadLetter: deadLetterDataSchema.nullable(),
  raw: z.unknown().optional().describe('Unreadable dead letters only: the stored data'),
  problems: z.array(z.string()).optional().describe('Unreadable dead letters only: why'),
  orderCheck: z
    .object({ ok: z.boolean(), issues: z.array(mapIssueSchema) })
    .nullable()
    .describe('Whether a replay without edits would pass the wire schema'),
});
export type DeadLetterDetail = z.output<typeof deadLetterDetailSchema>;

/** `POST /failed/:id/replay`. */
export const replayOutcomeSchema = z.object({
  id: z.string(),
  jobId: z
    .string()
    .describe('The new order.load job, so-<id>-r<n>; if it fails, its letter is so-<id> again'),
  edited: z.boolean(),
  deadLetterRemoved: z
    .boolean()
    .describe('false: enqueued, but removing the dead letter failed; the loader removes it on success'),
});
export type ReplayOutcome = z.output<typeof replayOutcomeSchema>;

/** `POST /failed/replay`. */
export const bulkReplayResultSchema = z.object({
  matched: z.number(),
  dryRun: z.boolean(),
  selected: z.array(z.string()).describe('Dry run: the ids a real run would try'),
  replayed: z.array(replayOutcomeSchema),
  skipped: z.array(z.object({ id: z.string(), code: z.string(), issues: z.unknown().optional() })),
  failed: z.array(z.object({ id: z.string(), code: z.string(), message: z.string() })),
  notAttempted: z.array(z.string()).describe('Not tried: Redis went away during the run'),
});
export type BulkReplayResult = z.output<typeof bulkReplayResultSchema>;

/** `DELETE /failed/:id`. */
export const discardAnswerSchema = z.object({ discarded: z.string() });
export type DiscardAnswer = z.output<typeof discardAnswerSchema>;
