import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { callerName } from '../auth.ts';
import type { AppContext } from '../context.ts';
import { pausableQueues, readAllQueueStats } from '../queue-stats.ts';
import { auditQuerySchema, reasonBodySchema } from '../schemas.ts';
import type { ZodApp } from './zod-app.ts';

function queuesRoute(app: ZodApp, ctx: AppContext): void {
  app.get(
    '/queues',
    {
      schema: {
        tags: ['pipeline'],
        summary: 'Counts per queue and state, paused flag, age of the oldest waiting job',
      },
    },
    async () => ({ queues: await readAllQueueStats(ctx.queues, ctx.now()) }),
  );
}

function pauseResumeRoutes(app: ZodApp, ctx: AppContext): void {
  for (const action of ['pause', 'resume'] as const) {
    app.post(
      `/pipeline/${action}`,
      {
        schema: {
          tags: ['pipeline'],
          summary:
            action === 'pause'
              ? 'Pause wdt-sync, wdt-pages and orders (BullMQ global pause; running jobs finish)'
              : 'Resume wdt-sync, wdt-pages and orders',
          body: reasonBodySchema,
        },
      },
      async (request) => {
        const queues = pausableQueues(ctx.queues);
        await Promise.all(queues.map((queue) => (action === 'pause' ? queue.pause() : queue.resume())));
        const names = queues.map((queue) => queue.name);
        await ctx.audit.write({
          who: callerName(request),
          action: action === 'pause' ? 'pipeline.pause' : 'pipeline.resume',
          target: names.join(','),
          details: { reason: request.body?.reason ?? null },
        });
        return { [action === 'pause' ? 'paused' : 'resumed']: names };
      },
    );
  }
}

function auditRoute(app: ZodApp, ctx: AppContext): void {
  app.get(
    '/audit',
    { schema: { tags: ['audit'], summary: 'The audit trail, newest first', querystring: auditQuerySchema } },
    async (request) => ctx.audit.read(request.query.limit, request.query.before),
  );
}

export const pipelineRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  queuesRoute(app, ctx);
  pauseResumeRoutes(app, ctx);
  auditRoute(app, ctx);
};
