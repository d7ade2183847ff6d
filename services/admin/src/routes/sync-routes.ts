import {
  backfillAnswerSchema,
  dryRunAnswerSchema,
  syncJobSchema,
  syncOrdersAnswerSchema,
  syncStateSchema,
  watermarkAnswerSchema,
} from '@wdt-k3/admin-contract';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { apiActor, callerName } from '../auth.ts';
import type { AppContext } from '../context.ts';
import { AdminError } from '../errors.ts';
import { formatBeijing, instantSchema } from '../instants.ts';
import {
  badRange,
  EARLIEST_MS,
  FUTURE_SLACK_MS,
  instantOrNull,
  readSyncState,
  startBackfill,
  syncNamedOrders,
} from '../pipeline-actions.ts';
import { readSyncJob } from '../sync-job.ts';
import { answers } from './answers.ts';
import type { ZodApp } from './zod-app.ts';

const DRY_RUN_TIMEOUT_MS = 30_000;

const orderNumber = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, "_" and "-", at most 64');

const backfillBody = z
  .object({
    from: instantSchema.describe('ISO-8601 with offset, or yyyy-MM-dd HH:mm:ss Beijing'),
    to: instantSchema,
    dryRun: z.boolean().default(false).describe('Fetch and map, but let the loader write nothing'),
  })
  .strict()
  .refine((body) => body.to > body.from, { message: 'to must be after from', path: ['to'] });

const ordersBody = z
  .object({
    stockoutNos: z.array(orderNumber).max(500).default([]).describe('WDT stock-out numbers (order_no)'),
    srcTids: z.array(orderNumber).max(500).default([]).describe('Platform trade ids'),
    dryRun: z.boolean().default(false),
  })
  .strict()
  .refine((body) => body.stockoutNos.length + body.srcTids.length > 0, { message: 'name at least one order' })
  .refine((body) => body.stockoutNos.length + body.srcTids.length <= 500, {
    message: 'at most 500 orders at once',
  });

const stockoutParams = z.object({ stockoutNo: orderNumber });

const watermarkBody = z
  .object({
    to: instantSchema.describe(
      'Where extraction reads again from: ISO-8601 with offset, or yyyy-MM-dd HH:mm:ss Beijing',
    ),
    reason: z.string().trim().min(3).max(500).describe('Why, for the audit trail'),
  })
  .strict();

function syncStateRoute(app: ZodApp, ctx: AppContext): void {
  app.get(
    '/sync',
    {
      schema: {
        tags: ['sync'],
        summary: 'Watermark, lag, last tick, run in flight, last run',
        response: answers(syncStateSchema),
      },
    },
    async () => readSyncState(ctx),
  );
}

/**
 * Moving the watermark back makes the extractor read again from `to` (re-reads are free: job ids
 * per order, and the loader's check by bill number). Forward is refused: skipping a range would
 * be a deliberate 漏单 — except away from a watermark stuck in the future (a bad EXTRACT_START_FROM).
 */
function watermarkRoute(app: ZodApp, ctx: AppContext): void {
  app.put(
    '/sync/watermark',
    {
      schema: {
        tags: ['sync'],
        summary: 'Move the extraction watermark back, so extraction reads again from a time (audited)',
        body: watermarkBody,
        response: answers(watermarkAnswerSchema),
      },
    },
    async (request) => {
      const { to, reason } = request.body;
      const now = ctx.now();
      if (to < EARLIEST_MS) throw badRange('to', `to is before ${formatBeijing(EARLIEST_MS)}`);
      if (to > now) throw badRange('to', 'to is in the future');
      const current = await ctx.syncState.getWatermark();
      if (current !== null && current <= now + FUTURE_SLACK_MS && to > current)
        throw badRange(
          'to',
          `the watermark moves back only (it is ${formatBeijing(current)}); moving it forward would skip orders`,
        );
      const moved = await ctx.syncState.moveWatermark(to);
      const who = callerName(request);
      await ctx.audit.write({
        who,
        action: 'sync.watermark',
        target: formatBeijing(to),
        details: { previous: moved.previous, reason, generation: moved.generation },
      });
      return {
        previous: instantOrNull(moved.previous),
        watermark: { ms: to, beijing: formatBeijing(to) },
        generation: moved.generation,
      };
    },
  );
}

function backfillRoute(app: ZodApp, ctx: AppContext): void {
  app.post(
    '/sync/backfill',
    {
      schema: {
        tags: ['sync'],
        summary: 'Enqueue a backfill of a time window (sync.backfill)',
        body: backfillBody,
        response: answers(backfillAnswerSchema),
      },
    },
    async (request) =>
      startBackfill(ctx, apiActor(request), {
        fromMs: request.body.from,
        toMs: request.body.to,
        dryRun: request.body.dryRun,
      }),
  );
}

function syncOrdersRoute(app: ZodApp, ctx: AppContext): void {
  app.post(
    '/sync/orders',
    {
      schema: {
        tags: ['sync'],
        summary: 'Enqueue a sync of named orders (sync.orders)',
        body: ordersBody,
        response: answers(syncOrdersAnswerSchema),
      },
    },
    async (request) => syncNamedOrders(ctx, apiActor(request), request.body),
  );
}

function syncJobRoute(app: ZodApp, ctx: AppContext): void {
  app.get(
    '/sync/jobs/:id',
    {
      schema: {
        tags: ['sync'],
        summary:
          'What became of a backfill or order sync job: queued, running, committed (with what it read and, from the ledger, its orders’ states) or failed',
        params: z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{1,80}$/) }),
        response: answers(syncJobSchema),
      },
    },
    async (request) => readSyncJob(ctx, request.params.id),
  );
}

function dryRunRoute(app: ZodApp, ctx: AppContext): void {
  app.post(
    '/orders/:stockoutNo/dry-run',
    {
      schema: {
        tags: ['sync'],
        summary: 'Fetch one stock-out from WDT and map it without writing: the K3 model or the issues',
        params: stockoutParams,
        response: answers(dryRunAnswerSchema),
      },
    },
    async (request) => {
      const dryRun = ctx.dryRun;
      if (dryRun === undefined) {
        throw new AdminError(
          'ADMIN_DRY_RUN_UNAVAILABLE',
          'dry runs need the WDT client, which is not configured',
        );
      }
      const { stockoutNo } = request.params;
      const outcome = await runDryRun(dryRun, stockoutNo);
      await ctx.audit.write({
        who: callerName(request),
        action: 'order.dry-run',
        target: stockoutNo,
        details: { found: outcome.found, ok: outcome.found ? outcome.result.ok : null },
      });
      if (!outcome.found)
        throw new AdminError('ADMIN_NOT_FOUND', `WDT has no stock-out ${stockoutNo}`, { stockoutNo });
      const { result } = outcome;
      // The K3 model is a typed interface; the answer carries it as the JSON object it is.
      return {
        stockoutNo,
        ...outcome,
        result: result.ok ? { ...result, model: result.model as Record<string, unknown> } : result,
      };
    },
  );
}

export const syncRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  syncStateRoute(app, ctx);
  watermarkRoute(app, ctx);
  backfillRoute(app, ctx);
  syncOrdersRoute(app, ctx);
  syncJobRoute(app, ctx);
  dryRunRoute(app, ctx);
};

async function runDryRun(dryRun: NonNullable<AppContext['dryRun']>, stockoutNo: string) {
  try {
    return await dryRun(stockoutNo, AbortSignal.timeout(DRY_RUN_TIMEOUT_MS));
  } catch (err) {
    const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
    const name = err instanceof Error ? err.name : 'Error';
    throw new AdminError(
      'ADMIN_DRY_RUN_FAILED',
      'fetching or mapping the order failed',
      { code: typeof code === 'string' ? code : name },
      err,
    );
  }
}
