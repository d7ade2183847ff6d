import type { QueueStats, SyncStateAnswer } from '@wdt-k3/admin-contract';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AdminError } from '../../errors.ts';
import { parseInstant } from '../../instants.ts';
import {
  checkBackfillRange,
  readSyncState,
  setPipelinePaused,
  startBackfill,
  syncNamedOrders,
} from '../../pipeline-actions.ts';
import { readAllQueueStats } from '../../queue-stats.ts';
import { formatDuration, formatTime } from '../format.ts';
import { type Html, html, type Renderable } from '../html.ts';
import { canWrite, type View, writeForm } from '../layout.ts';
import type { PageDeps } from '../plugin.ts';
import { consoleOf, redirectWithFlash, sendConfirm, sendPage } from '../render.ts';
import { count, notice, table } from '../widgets.ts';
import { consoleActor, formOf } from './console-actor.ts';

const NUMBER = /^[A-Za-z0-9_-]{1,64}$/;
const MAX_NUMBERS = 500;

/** `<input type="datetime-local">` sends `2026-11-01T08:00`: Beijing wall-clock time, like WDT's. */
function instantFromForm(text: string | undefined): number | null {
  if (text === undefined) return null;
  const trimmed = text.trim();
  const local = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(:\d{2})?$/.exec(trimmed);
  return parseInstant(local === null ? trimmed : `${local[1]} ${local[2]}${local[3] ?? ':00'}`);
}

const numbersOf = (text: string | undefined): string[] => [
  ...new Set(
    (text ?? '')
      .split(/[\s,，;；]+/)
      .map((item) => item.trim())
      .filter(Boolean),
  ),
];

function queuesTable(view: View, queues: readonly QueueStats[]): Html {
  return table(
    view,
    [
      { label: 'queue', cell: (queue) => html`<span class="mono">${queue.queue}</span>` },
      {
        label: 'loaderState',
        cell: (queue) =>
          queue.queue === 'orders-failed'
            ? html`<span class="badge muted">${view.t('navDeadLetters')}</span>`
            : queue.paused
              ? html`<span class="badge warn">${view.t('paused')}</span>`
              : html`<span class="badge ok">${view.t('running')}</span>`,
      },
      {
        label: 'waiting',
        cell: (queue) => count(queue.counts.waiting + queue.counts.prioritized),
        numeric: true,
      },
      { label: 'active', cell: (queue) => count(queue.counts.active), numeric: true },
      {
        label: 'oldestWaiting',
        cell: (queue) =>
          // Dead letters wait for a person, not a worker: their age is on the dead-letter page.
          queue.oldestWaitingSeconds === null || queue.queue === 'orders-failed'
            ? '—'
            : formatDuration(queue.oldestWaitingSeconds, view.lang),
        numeric: true,
        wide: true,
      },
    ],
    queues,
  );
}

function syncFacts(view: View, sync: SyncStateAnswer): Html {
  return html`<dl class="facts">
    <dt>${view.t('watermark')}</dt><dd>${sync.watermark === null ? view.t('watermarkNone') : html`${sync.watermark.beijing} <span class="muted">(${view.t('lag')} ${formatDuration(sync.lagSeconds ?? 0, view.lang)})</span>`}</dd>
    <dt>${view.t('lastRun')}</dt><dd>${sync.lastRun === null ? view.t('none') : html`<span class="mono">${sync.lastRun.runId}</span> · ${formatTime(sync.lastRun.finishedAt)}`}</dd>
  </dl>`;
}

function controls(view: View, paused: boolean): Renderable {
  if (!canWrite(view)) return notice('info', view.t('readOnlyNote'));
  return html`
    <div class="grid"><section class="card" id="pause">
      <h2>${paused ? view.t('resume') : view.t('pause')}</h2>
      <p>${paused ? view.t('resumeWhat') : view.t('pauseWhat')}</p>
      ${writeForm(
        view,
        paused ? '/console/pipeline/resume' : '/console/pipeline/pause',
        html`<label>${view.t('reasonOptional')}<input name="reason" maxlength="500"></label>
          <button type="submit" class="${paused ? 'primary' : 'danger'}">${paused ? view.t('resume') : view.t('pause')}</button>`,
      )}
    </section>
    <section class="card" id="backfill">
      <h2>${view.t('backfill')}</h2>
      <p>${view.t('backfillWhat')}</p>
      ${writeForm(
        view,
        '/console/pipeline/backfill',
        html`<div class="fields">
           <label>${view.t('from')} (${view.t('beijingTime')})<input type="datetime-local" name="from" step="1" required></label>
           <label>${view.t('to')} (${view.t('beijingTime')})<input type="datetime-local" name="to" step="1" required></label></div>
          <label class="check"><input type="checkbox" name="dryRun" value="yes"> ${view.t('dryRunOnly')}</label>
          <button type="submit" class="primary">${view.t('backfill')}</button>`,
      )}
    </section>
    <section class="card" id="sync">
      <h2>${view.t('syncOrders')}</h2>
      <p>${view.t('syncOrdersWhat')}</p>
      ${writeForm(
        view,
        '/console/pipeline/sync',
        html`<div class="fields">
          <label>${view.t('stockoutNos')}<textarea name="stockoutNos" rows="3" class="mono"></textarea></label>
          <label>${view.t('srcTids')}<textarea name="srcTids" rows="3" class="mono"></textarea></label></div>
          <label class="check"><input type="checkbox" name="dryRun" value="yes"> ${view.t('dryRunOnly')}</label>
          <button type="submit" class="primary">${view.t('syncOrders')}</button>`,
      )}
    </section></div>`;
}

function refuse(request: FastifyRequest, reply: FastifyReply, message: string): Promise<FastifyReply> {
  const { t } = consoleOf(request);
  return redirectWithFlash(request, reply, '/console/pipeline', {
    kind: 'error',
    text: t('invalidInput', { message }),
  });
}

const issueText = (err: AdminError): string => {
  const issues = (err.details as { issues?: Array<{ path?: string; message?: string }> } | undefined)?.issues;
  return issues?.map((issue) => `${issue.path ?? ''}: ${issue.message ?? ''}`).join('; ') ?? err.message;
};

export function pipelinePages(app: FastifyInstance, deps: PageDeps): void {
  app.get('/pipeline', async (request, reply) => {
    const [queues, sync] = await Promise.all([
      readAllQueueStats(deps.ctx.queues, deps.ctx.now()),
      readSyncState(deps.ctx),
    ]);
    const paused = queues.some((queue) => queue.queue !== 'orders-failed' && queue.paused);
    return sendPage(
      request,
      reply,
      (view) => view.t('pipelineTitle'),
      (view) => html`
      ${paused ? notice('warn', view.t('pipelinePaused')) : ''}
      <section class="card">${queuesTable(view, queues)}${syncFacts(view, sync)}
        <p class="small"><a href="/ui">${view.t('engineersBoard')}</a> · <a href="/docs">${view.t('navApiDocs')}</a></p></section>
      ${controls(view, paused)}`,
    );
  });

  for (const action of ['pause', 'resume'] as const) {
    app.post(`/pipeline/${action}`, { config: { write: true } }, async (request, reply) => {
      const form = formOf(request);
      const reason = (form.reason ?? '').trim().slice(0, 500);
      if (form.confirmed !== 'yes')
        return sendConfirm(
          request,
          reply,
          `/console/pipeline/${action}`,
          (view) => view.t(action === 'pause' ? 'pauseWhat' : 'resumeWhat'),
          { reason },
          '/console/pipeline',
        );
      const queues = await setPipelinePaused(
        deps.ctx,
        consoleActor(request),
        action === 'pause',
        reason === '' ? null : reason,
      );
      const { t } = consoleOf(request);
      return redirectWithFlash(request, reply, '/console/pipeline', {
        kind: 'ok',
        text: t(action === 'pause' ? 'pausedFlash' : 'resumedFlash', { queues: queues.join(', ') }),
      });
    });
  }

  app.post('/pipeline/backfill', { config: { write: true } }, async (request, reply) => {
    const form = formOf(request);
    const fromMs = instantFromForm(form.from);
    const toMs = instantFromForm(form.to);
    const { t } = consoleOf(request);
    if (fromMs === null || toMs === null) return refuse(request, reply, t('timeHint'));
    const dryRun = form.dryRun === 'yes';
    try {
      checkBackfillRange(fromMs, toMs, deps.ctx.now());
      if (form.confirmed !== 'yes')
        return sendConfirm(
          request,
          reply,
          '/console/pipeline/backfill',
          (view) =>
            view.t('backfillConfirm', {
              from: formatTime(fromMs),
              to: formatTime(toMs),
              span: formatDuration((toMs - fromMs) / 1000, view.lang),
            }),
          { from: formatTime(fromMs), to: formatTime(toMs), ...(dryRun ? { dryRun: 'yes' } : {}) },
          '/console/pipeline',
        );
      const answer = await startBackfill(deps.ctx, consoleActor(request), { fromMs, toMs, dryRun });
      return redirectWithFlash(request, reply, '/console/pipeline', {
        kind: 'ok',
        text: t('backfillDone', { jobId: answer.jobId, from: answer.window.from, to: answer.window.to }),
      });
    } catch (err) {
      if (err instanceof AdminError && err.statusCode === 400) return refuse(request, reply, issueText(err));
      throw err;
    }
  });

  app.post('/pipeline/sync', { config: { write: true } }, async (request, reply) => {
    const form = formOf(request);
    const stockoutNos = numbersOf(form.stockoutNos);
    const srcTids = numbersOf(form.srcTids);
    const all = [...stockoutNos, ...srcTids];
    const bad = all.filter((number) => !NUMBER.test(number));
    if (all.length === 0 || all.length > MAX_NUMBERS || bad.length > 0)
      return refuse(request, reply, bad.length > 0 ? bad.slice(0, 5).join(', ') : `1–${MAX_NUMBERS}`);
    const dryRun = form.dryRun === 'yes';
    if (form.confirmed !== 'yes')
      return sendConfirm(
        request,
        reply,
        '/console/pipeline/sync',
        (view) =>
          view.t('syncConfirm', {
            n: count(all.length),
            numbers: all.slice(0, 20).join(', ') + (all.length > 20 ? ' …' : ''),
          }),
        {
          stockoutNos: stockoutNos.join('\n'),
          srcTids: srcTids.join('\n'),
          ...(dryRun ? { dryRun: 'yes' } : {}),
        },
        '/console/pipeline',
      );
    const answer = await syncNamedOrders(deps.ctx, consoleActor(request), { stockoutNos, srcTids, dryRun });
    const { t } = consoleOf(request);
    return redirectWithFlash(request, reply, '/console/pipeline', {
      kind: 'ok',
      text: t('syncDone', { jobId: answer.jobId, n: count(all.length) }),
    });
  });
}
