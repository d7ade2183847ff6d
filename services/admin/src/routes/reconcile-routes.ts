import { PassThrough, type Readable } from 'node:stream';
import {
  reconcileListSchema,
  reconcileReportSchema,
  reconcileStartAnswerSchema,
  syncMissingAnswerSchema,
} from '@wdt-k3/admin-contract';
import { reconcileFilterSchema, reconcilePeriodSchema } from '@wdt-k3/jobs';
import { reportCsv, summaryLine, writeReportXlsx } from '@wdt-k3/reconcile';
import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { apiActor } from '../auth.ts';
import type { AppContext } from '../context.ts';
import { createReconcileActions, REPORT_CATEGORIES } from '../reconcile-actions.ts';
import { accepted, answers } from './answers.ts';

const startBody = z
  .object({
    from: reconcilePeriodSchema.shape.from.describe('First day, yyyy-MM-dd (Beijing)'),
    to: reconcilePeriodSchema.shape.to.describe('Last day, yyyy-MM-dd (Beijing), inclusive'),
    shopNo: reconcileFilterSchema.shape.shopNo,
    warehouseNo: reconcileFilterSchema.shape.warehouseNo,
  })
  .strict();
const listQuery = z.object({ limit: z.coerce.number().int().min(1).max(200).default(20) });
const refParams = z.object({
  ref: z
    .string()
    .regex(/^rc-[a-z0-9-]{1,100}(\.csv|\.xlsx)?$/, 'a run id, optionally with .csv or .xlsx')
    .describe('rc-… (JSON), rc-….csv or rc-….xlsx'),
});
const idParams = z.object({ id: z.string().regex(/^rc-[a-z0-9-]{1,100}$/) });
const reportQuery = z.object({
  category: z.enum(REPORT_CATEGORIES).optional(),
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(5_000).default(500),
  lang: z.enum(['zh-CN', 'en']).default('zh-CN'),
});

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/**
 * A report file. The route's declared answer is its JSON page; a stream is sent as it is (Fastify
 * never serialises a stream), which the typed reply cannot express, hence the untyped one.
 */
export function sendFile(reply: FastifyReply, type: string, name: string, body: Readable): FastifyReply {
  return reply.type(type).header('content-disposition', `attachment; filename="${name}"`).send(body);
}

export const reconcileRoutes: FastifyPluginAsyncZod<{ ctx: AppContext }> = async (app, { ctx }) => {
  const actions = createReconcileActions(ctx);
  app.addHook('onClose', async () => actions.close());

  app.post(
    '/reconciliations',
    {
      schema: {
        tags: ['reconciliation'],
        summary: 'Start a reconciliation of whole Beijing days (audited)',
        body: startBody,
        response: accepted(reconcileStartAnswerSchema),
      },
    },
    async (request, reply) => {
      const { from, to, shopNo, warehouseNo } = request.body;
      const run = await actions.start(apiActor(request), {
        period: { from, to },
        filter: {
          ...(shopNo === undefined ? {} : { shopNo }),
          ...(warehouseNo === undefined ? {} : { warehouseNo }),
        },
      });
      return reply.code(202).send({ run });
    },
  );

  app.get(
    '/reconciliations',
    {
      schema: {
        tags: ['reconciliation'],
        summary: 'Recent reconciliations, newest first',
        querystring: listQuery,
        response: answers(reconcileListSchema),
      },
    },
    async (request) => {
      const runs = await actions.listRuns(request.query.limit);
      return {
        runs: runs.map((run) => ({ ...run, line: summaryLine(run) })),
        latest: await actions.latest(),
      };
    },
  );

  app.get(
    '/reconciliations/:ref',
    {
      schema: {
        tags: ['reconciliation'],
        summary:
          'A reconciliation: JSON (progress, summary, a page of the report), or its report as .csv / .xlsx',
        params: refParams,
        querystring: reportQuery,
        response: answers(reconcileReportSchema),
      },
    },
    async (request, reply) => {
      const { ref } = request.params;
      const { category, offset, limit, lang } = request.query;
      const id = ref.replace(/\.(csv|xlsx)$/, '');
      const run = await actions.runOf(id);
      if (ref.endsWith('.csv')) {
        actions.finished(run);
        const body = PassThrough.from(reportCsv(actions.items(run.id), lang));
        return sendFile(reply, 'text/csv; charset=utf-8', `${run.id}.csv`, body);
      }
      if (ref.endsWith('.xlsx')) {
        actions.finished(run);
        const out = new PassThrough();
        void writeReportXlsx(run, () => actions.items(run.id), out, lang).catch((err: unknown) =>
          out.destroy(err as Error),
        );
        return sendFile(reply, XLSX_TYPE, `${run.id}.xlsx`, out);
      }
      const items = await actions.page(run.id, {
        ...(category === undefined ? {} : { category }),
        offset,
        limit,
      });
      return { run, line: summaryLine(run, lang), items, offset, limit };
    },
  );

  app.post(
    '/reconciliations/:id/sync-missing',
    {
      schema: {
        tags: ['reconciliation'],
        summary: 'Enqueue the missing orders of a finished reconciliation for syncing (audited)',
        params: idParams,
        response: answers(syncMissingAnswerSchema),
      },
    },
    async (request) => actions.syncMissing(apiActor(request), request.params.id),
  );
};
