import {
  alertFilterSchema,
  alertListSchema,
  channelListSchema,
  listAlerts,
  listChannels,
  listSilences,
  silenceInputSchema,
  silenceListSchema,
  silenceSchema,
  testOutcomeSchema,
} from '@wdt-k3/alerts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { endAlertSilence, silenceAlerts, testAlertChannel } from '../alert-actions.ts';
import { apiActor } from '../auth.ts';
import type { AppContext } from '../context.ts';
import { answers } from './answers.ts';
import type { ZodApp } from './zod-app.ts';

const tags = ['alerts'];
const channelParams = z.object({ name: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'a channel name') });
const silenceParams = z.object({ id: z.string().regex(/^[A-Za-z0-9-]{1,40}$/, 'a silence id') });
const testBody = z
  .object({
    waitMs: z.number().int().min(0).max(30_000).default(10_000).describe('How long to wait for the outcome'),
  })
  .strict()
  .nullish();

function readRoutes(app: ZodApp, ctx: AppContext): void {
  app.get(
    '/alerts',
    {
      schema: {
        tags,
        summary: 'Alerts: firing, pending, resolved (last 24 h), with their silences; who evaluates',
        querystring: z.object({ state: alertFilterSchema.default('all') }).strict(),
        response: answers(alertListSchema),
      },
    },
    async (request) => listAlerts(ctx.redis, ctx.prefix, request.query.state, ctx.now()),
  );
  app.get(
    '/alerts/channels',
    {
      schema: {
        tags,
        summary:
          'Alert channels and their delivery: pending, delivered, failures, last error (no webhooks, no secrets)',
        response: answers(channelListSchema),
      },
    },
    async () => ({ channels: await listChannels(ctx.redis, ctx.prefix) }),
  );
  app.get(
    '/alerts/silences',
    {
      schema: {
        tags,
        summary: 'Silences and acknowledgements, active and expired (7 days)',
        response: answers(silenceListSchema),
      },
    },
    async () => ({ silences: await listSilences(ctx.redis, ctx.prefix) }),
  );
}

function silenceRoutes(app: ZodApp, ctx: AppContext): void {
  app.post(
    '/alerts/silences',
    {
      schema: {
        tags,
        summary: 'Silence a rule (or one alert) or acknowledge it, for a duration (audited)',
        body: silenceInputSchema,
        response: answers(z.object({ silence: silenceSchema })),
      },
    },
    async (request) => ({ silence: await silenceAlerts(ctx, apiActor(request), request.body) }),
  );
  app.delete(
    '/alerts/silences/:id',
    {
      schema: {
        tags,
        summary: 'End a silence or acknowledgement now (audited)',
        params: silenceParams,
        response: answers(z.object({ silence: silenceSchema })),
      },
    },
    async (request) => ({ silence: await endAlertSilence(ctx, apiActor(request), request.params.id) }),
  );
}

function testRoute(app: ZodApp, ctx: AppContext): void {
  app.post(
    '/alerts/channels/:name/test',
    {
      schema: {
        tags,
        summary:
          'Send a test message to a channel through its queue and rate limit; answers the outcome (audited)',
        params: channelParams,
        body: testBody,
        response: answers(testOutcomeSchema),
      },
    },
    async (request) =>
      testAlertChannel(ctx, apiActor(request), request.params.name, request.body?.waitMs ?? 10_000),
  );
}

/** The alerts' routes: what the alerter keeps in Redis, and the operator's writes to it. */
export const alertRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  readRoutes(app, ctx);
  silenceRoutes(app, ctx);
  testRoute(app, ctx);
};
