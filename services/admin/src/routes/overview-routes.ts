import { activitySchema, loaderFleetSchema } from '@wdt-k3/admin-contract';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { readActivity, readFleet } from '../overview.ts';
import { answers } from './answers.ts';
import { fromLedger, ledgerOf } from './order-routes.ts';

/** What the console's overview shows, as API routes: activity from the ledger, the loader fleet. */
export const overviewRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get(
    '/reports/activity',
    {
      schema: {
        tags: ['orders'],
        summary: 'Orders read, saved, already saved and dead-lettered per Beijing day, and per hour (24 h)',
        querystring: z
          .object({
            days: z.coerce.number().int().min(1).max(31).default(7).describe('Days, today included'),
          })
          .strict(),
        response: answers(activitySchema),
      },
    },
    async (request) => {
      const pool = ledgerOf(ctx);
      return fromLedger(() => readActivity(pool, ctx.now(), request.query.days));
    },
  );
  app.get(
    '/loaders',
    {
      schema: {
        tags: ['pipeline'],
        summary: 'The loader fleet from its heartbeats: last seen, alive, jobs finished and per second',
        response: answers(loaderFleetSchema),
      },
    },
    async () => readFleet(ctx),
  );
};
