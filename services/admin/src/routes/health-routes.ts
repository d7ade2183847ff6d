import { liveAnswerSchema, readyAnswerSchema } from '@wdt-k3/admin-contract';
import { redisTopology, runHealthChecks } from '@wdt-k3/runtime';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../context.ts';
import type { ZodApp } from './zod-app.ts';

/** Consumers that must be alive for the pipeline to move: the loader fleet and the page fetchers. */
const CONSUMED = ['orders', 'pages'] as const;

function liveRoute(app: ZodApp): void {
  app.get(
    '/health/live',
    {
      schema: {
        tags: ['health'],
        summary: 'The process answers (no auth)',
        response: { 200: liveAnswerSchema },
      },
    },
    async () => ({ ok: true as const }),
  );
}

function readyRoute(app: ZodApp, ctx: AppContext): void {
  app.get(
    '/health/ready',
    {
      schema: {
        tags: ['health'],
        summary: 'Redis reachable and consumers alive; 503 otherwise (no auth)',
        response: { 200: readyAnswerSchema, 503: readyAnswerSchema },
        description:
          'Also names the Redis topology in use: mode, the master written to, the client state and the failovers this admin has ridden out (`redis`).',
      },
    },
    async (_request, reply) => {
      const consumers: Record<string, number | null> = {};
      const checks = Object.fromEntries(
        CONSUMED.map((key) => {
          const queue = ctx.queues[key];
          const check = async () => {
            const count = await queue.getWorkersCount();
            consumers[queue.name] = count;
            return { ok: count > 0, detail: `${count} workers` };
          };
          return [`consumers:${queue.name}`, check] as const;
        }),
      );
      const report = await runHealthChecks({
        redis: async () => ({ ok: (await ctx.redis.ping()) === 'PONG' }),
        ...checks,
      });
      return reply
        .code(report.ok ? 200 : 503)
        .send({ ...report, consumers, redis: redisTopology(ctx.redis) });
    },
  );
}

function metricsRoute(app: ZodApp, ctx: AppContext): void {
  app.get(
    '/metrics',
    {
      schema: {
        tags: ['health'],
        summary: 'Prometheus metrics (needs a token)',
        // Prometheus text, not JSON: documented, not serialised through a schema.
        produces: ['text/plain'],
      },
    },
    async (_request, reply) => {
      const text = await ctx.registry.metrics();
      return reply.type(ctx.registry.contentType).send(text);
    },
  );
}

export const healthRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  liveRoute(app);
  readyRoute(app, ctx);
  metricsRoute(app, ctx);
};
