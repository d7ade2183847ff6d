import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import { type PipelineQueues, QUEUES } from '@wdt-k3/jobs';
import type { FastifyInstance, FastifyPluginCallback } from 'fastify';
import type { AuditLog } from './audit.ts';
import { callerName } from './auth.ts';

export const UI_FULL_PATH = '/ui/full';
export const UI_READ_PATH = '/ui/read';

/**
 * One bull-board per scope. The read board's adapters are all `readOnlyMode`, so its UI shows no
 * action buttons and bull-board itself refuses actions (405); the auth hook refuses every
 * non-GET from a read token before that (403) and keeps read tokens out of /ui/full. On both
 * boards the dead-letter queue is read-only: replay and discard go through the API, which
 * validates and audits them.
 */
function boardPlugin(queues: PipelineQueues, basePath: string, readOnly: boolean): FastifyPluginCallback {
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(basePath);
  createBullBoard({
    queues: Object.values(queues).map(
      (queue) => new BullMQAdapter(queue, { readOnlyMode: readOnly || queue.name === QUEUES.failed }),
    ),
    serverAdapter,
    options: { uiConfig: { boardTitle: readOnly ? 'wdt-k3 (read-only)' : 'wdt-k3' } },
  });
  return serverAdapter.registerPlugin();
}

const isWrite = (method: string): boolean => method !== 'GET' && method !== 'HEAD';

export function registerBullBoard(app: FastifyInstance, queues: PipelineQueues, audit: AuditLog): void {
  app.register(async (scope) => {
    // bull-board actions bypass the API's own audit calls; this records each one (who, what, outcome).
    scope.addHook('onResponse', async (request, reply) => {
      if (!isWrite(request.method)) return;
      await audit.write({
        who: callerName(request),
        action: 'ui.write',
        target: request.url.split('?')[0] ?? '',
        details: { method: request.method, status: reply.statusCode },
      });
    });
    scope.register(boardPlugin(queues, UI_FULL_PATH, false), { prefix: UI_FULL_PATH });
  });
  app.register(boardPlugin(queues, UI_READ_PATH, true), { prefix: UI_READ_PATH });
  for (const url of ['/ui', '/ui/']) {
    app.get(url, { schema: { hide: true } }, async (request, reply) =>
      reply.redirect(request.principal?.scope === 'full' ? `${UI_FULL_PATH}/` : `${UI_READ_PATH}/`),
    );
  }
}
