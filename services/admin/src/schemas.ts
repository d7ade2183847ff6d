import { z } from 'zod';
import { instantSchema } from './instants.ts';

/**
 * A whole number in a query string, digits only: `z.coerce.number()` would take `0x10`, ` 5`,
 * `1e3` and `5.0` as numbers, which no client means.
 */
export const queryInt = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d{1,9}$/, 'a whole number (digits only)')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

/** Job ids as the pipeline makes them (`so-<stockout_id>`, `so-x-<hash>`, `…-r<n>`): no `:`. */
export const jobIdParams = z.object({
  id: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,128}$/, 'a job id: letters, digits, "_" and "-" only')
    .describe('Dead-letter id (the original job id, e.g. so-700611)'),
});

const errorCode = z.string().regex(/^[A-Z][A-Z0-9_]{1,63}$/, 'an error code such as MAP_MISSING_CUSTOMER');

/** One code, a comma list (query strings) or an array (bodies). */
const codeListSchema = z
  .union([z.string().max(2_000), z.array(z.string()).max(50)])
  .transform((value) =>
    (typeof value === 'string' ? value.split(',') : value).map((item) => item.trim()).filter(Boolean),
  )
  .pipe(z.array(errorCode).max(50));

const filterFields = {
  code: codeListSchema
    .optional()
    .describe('Error code(s), e.g. MAP_MISSING_CUSTOMER or K3_BASEDATA_MISSING,MAP_INVALID_PRICE'),
  number: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .optional()
    .describe(
      'Any WDT number of the order: order_no, stockout_no, stockout_id, src_order_no, trade_no, src_trade_no, src_tids',
    ),
  from: instantSchema
    .optional()
    .describe('failedAt ≥ from (ISO-8601 with offset, or yyyy-MM-dd HH:mm:ss Beijing)'),
  to: instantSchema.optional().describe('failedAt < to'),
};

const fromBeforeTo = (value: { from?: number | undefined; to?: number | undefined }): boolean =>
  value.from === undefined || value.to === undefined || value.to > value.from;

const deadLetterFilterSchema = z
  .object(filterFields)
  .strict()
  .refine(fromBeforeTo, { message: 'to must be after from', path: ['to'] });

export const listQuerySchema = z
  .object({
    ...filterFields,
    limit: queryInt(1, 500).default(50),
    cursor: z.string().max(400).optional().describe('nextCursor of the previous page'),
  })
  .strict()
  .refine(fromBeforeTo, { message: 'to must be after from', path: ['to'] });

export const replayBodySchema = z
  .object({
    order: z
      .record(z.string(), z.unknown())
      .optional()
      .describe('An edited WDT order (the whole order, as WDT sends it) replacing the stored one'),
    force: z.boolean().default(false).describe('Replay a stored order that fails validation anyway'),
  })
  .strict()
  // Fastify hands a request without a body over as null.
  .nullish();

export const bulkReplayBodySchema = z
  .object({
    filter: deadLetterFilterSchema.default({}),
    limit: z.number().int().min(1).max(1_000).describe('At most this many, oldest first'),
    force: z.boolean().default(false),
    dryRun: z.boolean().default(false).describe('Only answer which dead letters would be replayed'),
  })
  .strict();

export const discardBodySchema = z
  .object({ reason: z.string().trim().min(3).max(500).describe('Why the order is discarded (audit trail)') })
  .strict();

export const auditQuerySchema = z
  .object({
    limit: queryInt(1, 500).default(50),
    before: z
      .string()
      .regex(/^\d+-\d+$/, 'an audit entry id')
      .optional()
      .describe('nextBefore of the previous page'),
    who: z.string().trim().min(1).max(64).optional().describe('The token name that acted'),
    action: z.string().trim().min(1).max(64).optional().describe('An action, e.g. dead-letter.replay'),
    from: instantSchema.optional().describe('at ≥ from'),
    to: instantSchema.optional().describe('at < to'),
  })
  .strict();

export const reasonBodySchema = z
  .object({ reason: z.string().trim().max(500).optional() })
  .strict()
  .nullish();
