import {
  dataQualitySchema,
  type LedgerOrder,
  ledgerCountsSchema,
  orderListSchema,
  orderSearchSchema,
  orderWithTimelineSchema,
  undiscardAnswerSchema,
} from '@wdt-k3/admin-contract';
import {
  counts,
  dataQuality,
  decodeCursor,
  findOrders,
  getOrder,
  listOrders,
  ORDER_STATES,
  type OrderRow,
  timelineOf,
} from '@wdt-k3/ledger';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type pg from 'pg';
import { z } from 'zod';
import { callerName } from '../auth.ts';
import type { AppContext } from '../context.ts';
import { undiscardChecked } from '../dead-letter-deps.ts';
import { AdminError } from '../errors.ts';
import { formatBeijing, instantSchema } from '../instants.ts';
import { queryInt } from '../schemas.ts';
import { answers } from './answers.ts';
import type { ZodApp } from './zod-app.ts';

const tags = ['orders'];
const DAY_MS = 86_400_000;

const number = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_-]{1,80}$/, 'letters, digits, "_" and "-", at most 80');
const at = (ms: number | null) => (ms === null ? null : { ms, beijing: formatBeijing(ms) });

export function toApiOrder(row: OrderRow): LedgerOrder {
  return {
    orderKey: row.orderKey,
    stockoutId: row.stockoutId,
    orderNo: row.orderNo,
    stockoutNo: row.stockoutNo,
    srcTradeNo: row.srcTradeNo,
    logisticsNo: row.logisticsNo,
    shopNo: row.shopNo,
    warehouseNo: row.warehouseNo,
    consignTime: at(row.consignTime),
    wdtStatus: row.wdtStatus,
    state: row.state,
    billNo: row.billNo,
    k3Fid: row.k3Fid,
    lastCode: row.lastCode,
    lastMessage: row.lastMessage,
    attempts: row.attempts,
    blocking: [...row.blocking],
    changedFields: row.changedFields === null ? null : [...row.changedFields],
    discardedBy: row.discardedBy,
    discardReason: row.discardReason,
    firstSeenAt: at(row.firstSeenAt),
    savedAt: at(row.savedAt),
    deadAt: at(row.deadAt),
    updatedAt: at(row.updatedAt),
  };
}

export function ledgerOf(ctx: AppContext): pg.Pool {
  if (ctx.ledger === undefined)
    throw new AdminError('ADMIN_LEDGER_UNAVAILABLE', 'the order ledger is not configured (DATABASE_URL)');
  return ctx.ledger;
}

/** PostgreSQL errors answer 503 with the ledger's code, not 500: the pipeline itself is fine. */
export async function fromLedger<T>(action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (err) {
    if (err instanceof AdminError) throw err;
    throw new AdminError(
      'ADMIN_LEDGER_UNAVAILABLE',
      'the order ledger (PostgreSQL) does not answer; try again',
      undefined,
      err,
    );
  }
}

function searchRoute(app: ZodApp, ctx: AppContext): void {
  app.get(
    '/orders',
    {
      schema: {
        tags,
        summary: 'Find orders by any number: stock-out id or number, platform trade, tracking, K3 bill',
        querystring: z.object({ number }).strict(),
        response: answers(orderSearchSchema),
      },
    },
    async (request) => {
      const pool = ledgerOf(ctx);
      return fromLedger(async () => {
        const rows = await findOrders(pool, request.query.number);
        if (rows.length === 0)
          throw new AdminError('ADMIN_NOT_FOUND', `no order with the number ${request.query.number}`, {
            number: request.query.number,
          });
        const orders = [];
        for (const row of rows) {
          const timeline = await timelineOf(pool, row.orderKey);
          orders.push({
            ...toApiOrder(row),
            timeline: timeline.map((entry) => ({ ...entry, at: at(entry.at) })),
          });
        }
        return { orders };
      });
    },
  );
}

const listQuery = z
  .object({
    state: z.enum(ORDER_STATES).optional(),
    code: z
      .string()
      .regex(/^[A-Z0-9_]+(,[A-Z0-9_]+)*$/)
      .transform((value) => value.split(','))
      .optional(),
    shop: z.string().min(1).max(80).optional(),
    from: instantSchema.optional(),
    to: instantSchema.optional(),
    cursor: z.string().min(1).max(200).optional(),
    limit: queryInt(1, 500).default(50),
  })
  .strict();

function listRoute(app: ZodApp, ctx: AppContext): void {
  app.get(
    '/ledger/orders',
    {
      schema: {
        tags,
        summary: 'List the ledger’s orders by state, code, shop and time, newest change first, cursor paged',
        querystring: listQuery,
        response: answers(orderListSchema),
      },
    },
    async (request) => {
      const pool = ledgerOf(ctx);
      const q = request.query;
      if (q.cursor !== undefined && decodeCursor(q.cursor) === undefined)
        throw new AdminError('ADMIN_BAD_REQUEST', 'invalid querystring', {
          issues: [{ in: 'querystring', path: 'cursor', message: 'not a cursor this service returned' }],
        });
      const page = await fromLedger(() =>
        listOrders(pool, {
          limit: q.limit,
          ...(q.state === undefined ? {} : { state: q.state }),
          ...(q.code === undefined ? {} : { codes: q.code }),
          ...(q.shop === undefined ? {} : { shopNo: q.shop }),
          ...(q.from === undefined ? {} : { fromMs: q.from }),
          ...(q.to === undefined ? {} : { toMs: q.to }),
          ...(q.cursor === undefined ? {} : { cursor: q.cursor }),
        }),
      );
      return { orders: page.orders.map(toApiOrder), nextCursor: page.nextCursor };
    },
  );
  app.get(
    '/ledger/counts',
    {
      schema: {
        tags,
        summary: 'Orders per state and dead letters per code, from the ledger',
        response: answers(ledgerCountsSchema),
      },
    },
    async () => fromLedger(() => counts(ledgerOf(ctx))),
  );
}

function dataQualityRoute(app: ZodApp, ctx: AppContext): void {
  app.get(
    '/reports/data-quality',
    {
      schema: {
        tags,
        summary:
          'Dead letters per day and code, and the base-data numbers they are blocked by, most orders first',
        querystring: z.object({ from: instantSchema.optional(), to: instantSchema.optional() }).strict(),
        response: answers(dataQualitySchema),
      },
    },
    async (request) => {
      const toMs = request.query.to ?? ctx.now();
      const fromMs = request.query.from ?? toMs - 7 * DAY_MS;
      if (!(toMs > fromMs)) throw new AdminError('ADMIN_BAD_REQUEST', 'to must be after from');
      const report = await fromLedger(() => dataQuality(ledgerOf(ctx), fromMs, toMs));
      return {
        from: formatBeijing(fromMs),
        to: formatBeijing(toMs),
        byDay: report.byDay.map((row) => ({ ...row })),
        blocking: report.blocking.map((row) => ({ ...row, codes: [...row.codes] })),
      };
    },
  );
}

function orderRoutes(app: ZodApp, ctx: AppContext): void {
  app.get(
    '/orders/:key',
    {
      schema: {
        tags,
        summary: 'One order of the ledger by its key (so-<stockout_id>), with its timeline',
        params: z.object({ key: number }),
        response: answers(orderWithTimelineSchema),
      },
    },
    async (request) => {
      const pool = ledgerOf(ctx);
      return fromLedger(async () => {
        const row = await getOrder(pool, request.params.key);
        if (row === undefined)
          throw new AdminError('ADMIN_NOT_FOUND', `no order ${request.params.key}`, {
            key: request.params.key,
          });
        const timeline = await timelineOf(pool, row.orderKey);
        return { ...toApiOrder(row), timeline: timeline.map((entry) => ({ ...entry, at: at(entry.at) })) };
      });
    },
  );
  app.post(
    '/orders/:key/undiscard',
    {
      schema: {
        tags,
        summary: 'Lift a discard: the order is synced from WDT again and no longer skipped (audited)',
        params: z.object({ key: number }),
        body: z.object({ reason: z.string().trim().min(3).max(500) }).strict(),
        response: answers(undiscardAnswerSchema),
      },
    },
    async (request) => {
      const by = callerName(request);
      const outcome = await undiscardChecked(ctx, request.params.key, by);
      await ctx.audit.write({
        who: by,
        action: 'order.undiscard',
        target: outcome.orderKey,
        details: { reason: request.body.reason, resynced: outcome.resynced },
      });
      return outcome;
    },
  );
}

export const ledgerRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  searchRoute(app, ctx);
  listRoute(app, ctx);
  dataQualityRoute(app, ctx);
  orderRoutes(app, ctx);
};
