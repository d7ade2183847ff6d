import { enqueue } from '@wdt-k3/jobs';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { callerName } from '../auth.ts';
import type { AppContext } from '../context.ts';
import { AdminError } from '../errors.ts';
import { formatBeijing, instantSchema } from '../instants.ts';
import type { ZodApp } from './zod-app.ts';

const DAY_MS = 86_400_000;
/** A year is the longest window a person plausibly backfills; longer is a typo (2204 for 2024). */
const MAX_BACKFILL_MS = 366 * DAY_MS;
/** Before this, no WDT account of ours has data; an earlier `from` is a typo too. */
const EARLIEST_MS = Date.parse('2010-01-01T00:00:00+08:00');
/** Clock skew allowed for `to` in the future. */
const FUTURE_SLACK_MS = 5 * 60_000;
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

function badRange(path: string, message: string): AdminError {
  return new AdminError('ADMIN_BAD_REQUEST', 'invalid body', { issues: [{ in: 'body', path, message }] });
}

function checkBackfillRange(fromMs: number, toMs: number, nowMs: number): void {
  if (fromMs < EARLIEST_MS) throw badRange('from', `from is before ${formatBeijing(EARLIEST_MS)}`);
  if (toMs > nowMs + FUTURE_SLACK_MS) throw badRange('to', 'to is in the future');
  if (toMs - fromMs > MAX_BACKFILL_MS) throw badRange('to', 'a backfill spans at most 366 days; split it');
}

function syncStateRoute(app: ZodApp, ctx: AppContext): void {
  app.get(
    '/sync',
    { schema: { tags: ['sync'], summary: 'Watermark, lag, last tick, run in flight, last run' } },
    async () => {
      const [watermark, lastTick, inflight, lastRun] = await Promise.all([
        ctx.syncState.getWatermark(),
        ctx.syncState.getLastTick(),
        ctx.syncState.getInflight(),
        ctx.syncState.getLastRun(),
      ]);
      const now = ctx.now();
      return {
        watermark: watermark === null ? null : { ms: watermark, beijing: formatBeijing(watermark) },
        lagSeconds: watermark === null ? null : Math.max(0, (now - watermark) / 1000),
        lastTick:
          lastTick === null
            ? null
            : {
                ms: lastTick,
                beijing: formatBeijing(lastTick),
                ageSeconds: Math.max(0, (now - lastTick) / 1000),
              },
        inflight,
        lastRun,
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
      },
    },
    async (request) => {
      const { from, to, dryRun } = request.body;
      checkBackfillRange(from, to, ctx.now());
      const by = callerName(request);
      const job = await enqueue(ctx.queues.sync, 'syncBackfill', {
        fromMs: from,
        toMs: to,
        requestedBy: by,
        dryRun,
      });
      const window = { from: formatBeijing(from), to: formatBeijing(to) };
      await ctx.audit.write({
        who: by,
        action: 'sync.backfill',
        target: `${window.from}..${window.to}`,
        details: { jobId: job.id, dryRun },
      });
      return { jobId: job.id, fromMs: from, toMs: to, window, dryRun };
    },
  );
}

function syncOrdersRoute(app: ZodApp, ctx: AppContext): void {
  app.post(
    '/sync/orders',
    { schema: { tags: ['sync'], summary: 'Enqueue a sync of named orders (sync.orders)', body: ordersBody } },
    async (request) => {
      const stockoutNos = [...new Set(request.body.stockoutNos)];
      const srcTids = [...new Set(request.body.srcTids)];
      const by = callerName(request);
      const dryRun = request.body.dryRun;
      const job = await enqueue(ctx.queues.sync, 'syncOrders', {
        stockoutNos,
        srcTids,
        requestedBy: by,
        dryRun,
      });
      await ctx.audit.write({
        who: by,
        action: 'sync.orders',
        target: [...stockoutNos, ...srcTids].slice(0, 20).join(','),
        details: { jobId: job.id, stockoutNos: stockoutNos.length, srcTids: srcTids.length, dryRun },
      });
      return { jobId: job.id, stockoutNos, srcTids, dryRun };
    },
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
      return { stockoutNo, ...outcome };
    },
  );
}

export const syncRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  syncStateRoute(app, ctx);
  backfillRoute(app, ctx);
  syncOrdersRoute(app, ctx);
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
