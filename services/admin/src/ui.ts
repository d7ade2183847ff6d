import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import { type PipelineQueues, QUEUES } from '@wdt-k3/jobs';
import type { FastifyInstance, FastifyPluginCallback } from 'fastify';
import type { AuditLog } from './audit.ts';
import { callerName } from './auth.ts';

/**
 * The dead-letter queue has no consumer by design (people replay from the console or the API), so
 * bull-board's "No workers" warning would read like an outage. `null` is bull-board's "unknown"
 * (no CLIENT LIST answer), which shows no warning; the description says why.
 */
class DeadLetterQueueAdapter extends BullMQAdapter {
  override async getWorkers(): Promise<null> {
    return null;
  }
}

const DLQ_DESCRIPTION =
  '死信队列：没有消费者是正常的，请在控制台 /console 处理。Dead letters: no consumer by design; work them in the console (/console).';

/**
 * bull-board's page links IBM Plex from Google Fonts, which mainland China often cannot reach
 * (the page then waits on it): the link is cut from the page, and the CSP allows nothing but
 * this origin, so nothing else can load from outside either.
 */
const EXTERNAL_FONT_LINK = /<link[^>]*fonts\.(?:googleapis|gstatic)\.com[^>]*>\s*/g;
const BOARD_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  // bull-board's React UI sets style attributes.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "frame-ancestors 'none'",
].join('; ');

function keepBoardLocal(scope: FastifyInstance): void {
  scope.addHook('onSend', async (_request, reply, payload) => {
    reply.header('content-security-policy', BOARD_CSP);
    const type = String(reply.getHeader('content-type') ?? '');
    return typeof payload === 'string' && type.startsWith('text/html')
      ? payload.replace(EXTERNAL_FONT_LINK, '')
      : payload;
  });
}

const UI_FULL_PATH = '/ui/full';
const UI_READ_PATH = '/ui/read';

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
    queues: Object.values(queues).map((queue) =>
      queue.name === QUEUES.failed
        ? new DeadLetterQueueAdapter(queue, { readOnlyMode: true, description: DLQ_DESCRIPTION })
        : new BullMQAdapter(queue, { readOnlyMode: readOnly }),
    ),
    serverAdapter,
    options: {
      uiConfig: {
        boardTitle: readOnly ? 'wdt-k3 (read-only)' : 'wdt-k3',
        hideDocsLink: true,
        miscLinks: [{ text: '控制台 Console', url: '/console' }],
      },
    },
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
    keepBoardLocal(scope);
    scope.register(boardPlugin(queues, UI_FULL_PATH, false), { prefix: UI_FULL_PATH });
  });
  app.register(async (scope) => {
    keepBoardLocal(scope);
    scope.register(boardPlugin(queues, UI_READ_PATH, true), { prefix: UI_READ_PATH });
  });
  for (const url of ['/ui', '/ui/']) {
    app.get(url, { schema: { hide: true } }, async (request, reply) =>
      reply.redirect(request.principal?.scope === 'full' ? `${UI_FULL_PATH}/` : `${UI_READ_PATH}/`),
    );
  }
}
