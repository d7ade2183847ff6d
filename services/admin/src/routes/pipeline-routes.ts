import {
  auditPageSchema,
  pauseAnswerSchema,
  queuesAnswerSchema,
  resumeAnswerSchema,
} from '@wdt-k3/admin-contract';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { apiActor } from '../auth.ts';
import type { AppContext } from '../context.ts';
import { setPipelinePaused } from '../pipeline-actions.ts';
import { readAllQueueStats } from '../queue-stats.ts';
import { auditQuerySchema, reasonBodySchema } from '../schemas.ts';
import { answers } from './answers.ts';
import type { ZodApp } from './zod-app.ts';

function queuesRoute(app: ZodApp, ctx: AppContext): void {
  app.get(
    '/queues',
    {
      schema: {
        tags: ['pipeline'],
        summary: 'Counts per queue and state, paused flag, age of the oldest waiting job',
        response: answers(queuesAnswerSchema),
      },
    },
    async () => ({ queues: await readAllQueueStats(ctx.queues, ctx.now()) }),
  );
}

function pauseResumeRoutes(app: ZodApp, ctx: AppContext): void {
  app.post(
    '/pipeline/pause',
    {
      schema: {
        tags: ['pipeline'],
        summary: 'Pause wdt-sync, wdt-pages and orders (BullMQ global pause; running jobs finish)',
        body: reasonBodySchema,
        response: answers(pauseAnswerSchema),
      },
    },
    async (request) => ({
      paused: await setPipelinePaused(ctx, apiActor(request), true, request.body?.reason ?? null),
    }),
  );
  app.post(
    '/pipeline/resume',
    {
      schema: {
        tags: ['pipeline'],
        summary: 'Resume wdt-sync, wdt-pages and orders',
        body: reasonBodySchema,
        response: answers(resumeAnswerSchema),
      },
    },
    async (request) => ({
      resumed: await setPipelinePaused(ctx, apiActor(request), false, request.body?.reason ?? null),
    }),
  );
}

function auditRoute(app: ZodApp, ctx: AppContext): void {
  app.get(
    '/audit',
    {
      schema: {
        tags: ['audit'],
        summary: 'The audit trail, newest first, optionally filtered by who, action and time',
        querystring: auditQuerySchema,
        response: answers(auditPageSchema),
      },
    },
    async (request) => {
      const { limit, before, who, action, from, to } = request.query;
      return ctx.audit.search({ who, action, fromMs: from, toMs: to }, limit, before);
    },
  );
}

export const pipelineRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  queuesRoute(app, ctx);
  pauseResumeRoutes(app, ctx);
  auditRoute(app, ctx);
};
