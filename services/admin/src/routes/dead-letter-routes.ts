import {
  bulkReplayResultSchema,
  deadLetterDetailSchema,
  deadLetterListingSchema,
  discardAnswerSchema,
  replayOutcomeSchema,
} from '@wdt-k3/admin-contract';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { apiActor } from '../auth.ts';
import type { AppContext } from '../context.ts';
import { discardOne, readDeadLetterDetail, replayMatching, replayOne } from '../dead-letter-actions.ts';
import { listDeadLetters } from '../dead-letter-listing.ts';
import {
  bulkReplayBodySchema,
  discardBodySchema,
  jobIdParams,
  listQuerySchema,
  replayBodySchema,
} from '../schemas.ts';
import { answers } from './answers.ts';
import type { ZodApp } from './zod-app.ts';

const tags = ['dead letters'];

function listRoute(app: ZodApp, ctx: AppContext): void {
  app.get(
    '/failed',
    {
      schema: {
        tags,
        summary: 'List dead letters (filters, cursor paging, totals by code)',
        querystring: listQuerySchema,
        response: answers(deadLetterListingSchema),
      },
    },
    async (request) => listDeadLetters(ctx, request.query),
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
        response: answers(deadLetterDetailSchema),
      },
    },
    async (request) => readDeadLetterDetail(ctx, request.params.id),
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
        response: answers(replayOutcomeSchema),
      },
    },
    async (request) =>
      replayOne(ctx, apiActor(request), {
        id: request.params.id,
        order: request.body?.order,
        force: request.body?.force ?? false,
      }),
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
        response: answers(bulkReplayResultSchema),
      },
    },
    async (request) => {
      const { filter, ...rest } = request.body;
      return replayMatching(ctx, apiActor(request), {
        ...rest,
        filter: { codes: filter.code, number: filter.number, fromMs: filter.from, toMs: filter.to },
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
        response: answers(discardAnswerSchema),
      },
    },
    async (request) => discardOne(ctx, apiActor(request), request.params.id, request.body.reason),
  );
}

export const deadLetterRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  listRoute(app, ctx);
  detailRoute(app, ctx);
  replayRoute(app, ctx);
  bulkReplayRoute(app, ctx);
  discardRoute(app, ctx);
};
