import { parseWdtStockoutOrder } from '@wdt-k3/mapping';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { callerName } from '../auth.ts';
import { bulkReplay } from '../bulk-replay.ts';
import type { AppContext } from '../context.ts';
import { decodeCursor } from '../cursor.ts';
import { type DeadLetterSummary, pageDeadLetters } from '../dead-letter-query.ts';
import {
  discardDeadLetter,
  loadDeadLetter,
  replayBaseId,
  replayDeadLetter,
  replaySequenceKey,
} from '../dead-letters.ts';
import { AdminError } from '../errors.ts';
import { formatBeijing } from '../instants.ts';
import {
  bulkReplayBodySchema,
  discardBodySchema,
  jobIdParams,
  listQuerySchema,
  replayBodySchema,
} from '../schemas.ts';
import type { ZodApp } from './zod-app.ts';

const tags = ['dead letters'];

function toListItem(summary: DeadLetterSummary) {
  const { numbers: _numbers, ...item } = summary;
  return { ...item, failedAtBeijing: formatBeijing(summary.failedAt) };
}

function listRoute(app: ZodApp, ctx: AppContext): void {
  app.get(
    '/failed',
    {
      schema: {
        tags,
        summary: 'List dead letters (filters, cursor paging, totals by code)',
        querystring: listQuerySchema,
      },
    },
    async (request) => {
      const query = request.query;
      const after = query.cursor === undefined ? null : decodeCursor(query.cursor);
      if (query.cursor !== undefined && after === null) {
        throw new AdminError('ADMIN_BAD_REQUEST', 'invalid querystring', {
          issues: [{ in: 'querystring', path: 'cursor', message: 'not a cursor this service returned' }],
        });
      }
      const all = await ctx.index.scan();
      const filter = { codes: query.code, number: query.number, fromMs: query.from, toMs: query.to };
      const page = pageDeadLetters(all, filter, after, query.limit);
      return { ...page, items: page.items.map(toListItem), scanned: all.length };
    },
  );
}

function detailRoute(app: ZodApp, ctx: AppContext): void {
  app.get(
    '/failed/:id',
    {
      schema: {
        tags,
        summary: 'One dead letter: the WDT order, the error, K3 field errors, attempts',
        params: jobIdParams,
      },
    },
    async (request) => {
      const { job, letter, problems } = await loadDeadLetter(ctx, request.params.id);
      const replays = await ctx.redis.hget(replaySequenceKey(ctx.prefix), replayBaseId(request.params.id));
      const check = letter === null ? null : parseWdtStockoutOrder(letter.order);
      return {
        id: request.params.id,
        readable: letter !== null,
        createdAt: job.timestamp,
        replaysSoFar: Number(replays ?? 0),
        deadLetter: letter,
        ...(letter === null ? { raw: job.data as unknown, problems } : {}),
        // Whether a replay without edits would be accepted (the wire schema; K3 lookups come later).
        orderCheck:
          check === null ? null : check.ok ? { ok: true, issues: [] } : { ok: false, issues: check.issues },
      };
    },
  );
}

function replayRoute(app: ZodApp, ctx: AppContext): void {
  app.post(
    '/failed/:id/replay',
    {
      schema: {
        tags,
        summary: 'Replay one dead letter as a fresh order.load job, optionally with an edited order',
        params: jobIdParams,
        body: replayBodySchema,
      },
    },
    async (request) => {
      const by = callerName(request);
      const outcome = await replayDeadLetter(ctx, {
        id: request.params.id,
        by,
        order: request.body?.order,
        force: request.body?.force,
      });
      await ctx.audit.write({
        who: by,
        action: 'dead-letter.replay',
        target: outcome.id,
        details: { jobId: outcome.jobId, edited: outcome.edited, force: request.body?.force ?? false },
      });
      return outcome;
    },
  );
}

function bulkReplayRoute(app: ZodApp, ctx: AppContext): void {
  app.post(
    '/failed/replay',
    {
      schema: {
        tags,
        summary: 'Replay the dead letters matching a filter, oldest first, up to a limit',
        body: bulkReplayBodySchema,
      },
    },
    async (request) => {
      const { filter, ...rest } = request.body;
      return bulkReplay(ctx, {
        ...rest,
        filter: { codes: filter.code, number: filter.number, fromMs: filter.from, toMs: filter.to },
        by: callerName(request),
      });
    },
  );
}

function discardRoute(app: ZodApp, ctx: AppContext): void {
  app.delete(
    '/failed/:id',
    {
      schema: {
        tags,
        summary: 'Discard a dead letter for good, with a reason',
        params: jobIdParams,
        body: discardBodySchema,
      },
    },
    async (request) => {
      const outcome = await discardDeadLetter(ctx, request.params.id);
      await ctx.audit.write({
        who: callerName(request),
        action: 'dead-letter.discard',
        target: outcome.id,
        details: { reason: request.body.reason, code: outcome.code, orderNo: outcome.orderNo },
      });
      return { discarded: outcome.id };
    },
  );
}

export const deadLetterRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  listRoute(app, ctx);
  detailRoute(app, ctx);
  replayRoute(app, ctx);
  bulkReplayRoute(app, ctx);
  discardRoute(app, ctx);
};
