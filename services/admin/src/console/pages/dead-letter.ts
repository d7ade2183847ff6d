import type { DeadLetterDetail } from '@wdt-k3/admin-contract';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { discardOne, readDeadLetterDetail, replayOne } from '../../dead-letter-actions.ts';
import { AdminError } from '../../errors.ts';
import { formatTime } from '../format.ts';
import { type Html, html } from '../html.ts';
import { canWrite, type View, writeForm } from '../layout.ts';
import { orderView } from '../order-view.ts';
import type { PageDeps } from '../plugin.ts';
import { issuesTable, previewOf, previewView } from '../preview-view.ts';
import { consoleOf, redirectWithFlash, sendPage } from '../render.ts';
import { codeBadge, count, explanation, href, notice, table } from '../widgets.ts';
import { consoleActor, formOf } from './console-actor.ts';

const ID = /^[A-Za-z0-9_-]{1,128}$/;

export function idOf(request: FastifyRequest): string {
  const id = (request.params as { id?: unknown }).id;
  if (typeof id !== 'string' || !ID.test(id))
    throw new AdminError('ADMIN_BAD_REQUEST', 'a dead-letter id: letters, digits, "_" and "-"');
  return id;
}

/** A dead letter that is gone (replayed or discarded since the link was made): say so, and where to look. */
async function sendGone(request: FastifyRequest, reply: FastifyReply, id: string): Promise<FastifyReply> {
  return sendPage(
    request,
    reply,
    (view) => view.t('deadLetterTitle', { id }),
    (view) => html`<section class="card narrow">
      <p>${view.t('goneFlash', { id })}</p>
      <p class="actions"><a class="button primary" href="${href('/console/orders', { number: id })}">${view.t('navOrders')}: ${id}</a>
      <a class="button" href="/console/dead-letters">${view.t('navDeadLetters')}</a></p>
    </section>`,
    404,
  );
}

export async function loadOrGone(
  deps: PageDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  id: string,
): Promise<DeadLetterDetail | FastifyReply> {
  try {
    return await readDeadLetterDetail(deps.ctx, id);
  } catch (err) {
    if (err instanceof AdminError && err.code === 'ADMIN_NOT_FOUND') return sendGone(request, reply, id);
    throw err;
  }
}

function actions(view: View, detail: DeadLetterDetail): Html {
  if (!canWrite(view)) return notice('info', view.t('readOnlyNote'));
  const path = `/console/dead-letters/${encodeURIComponent(detail.id)}`;
  return html`<section class="card" id="actions">
    <h2>${view.t('actions')}</h2>
    <div class="action-row">
      ${writeForm(view, `${path}/replay`, html`<button type="submit" class="primary">${view.t('replay')}</button> <span class="muted">${view.t('replayHint')}</span>`, 'inline')}
    </div>
    <div class="action-row"><a class="button" href="${path}/edit">${view.t('editAndReplay')}</a></div>
    <details class="danger-zone"><summary>${view.t('discard')}</summary>
      ${writeForm(
        view,
        `${path}/discard`,
        html`<p class="muted">${view.t('discardHint')}</p>
          <label>${view.t('discardReason')}<textarea name="reason" required minlength="3" maxlength="500" rows="2"></textarea></label>
          <button type="submit" class="danger">${view.t('discard')}</button>`,
      )}
    </details>
  </section>`;
}

function errorSection(view: View, detail: DeadLetterDetail): Html {
  const letter = detail.deadLetter;
  if (letter === null) return notice('error', detail.problems?.join('; ') ?? '');
  const { error } = letter;
  return html`<section class="card">
    <h2>${view.t('error')}</h2>
    ${explanation(view, error.code)}
    <p class="message">${error.message}</p>
    ${
      error.fieldErrors.length === 0
        ? ''
        : html`<h3>${view.t('k3FieldErrors')}</h3>${table(
            view,
            [
              { label: 'field', cell: (row) => html`<span class="mono">${row.field ?? '—'}</span>` },
              { label: 'message', cell: (row) => row.message },
            ],
            error.fieldErrors,
          )}`
    }
    ${detail.orderCheck !== null && !detail.orderCheck.ok ? html`${notice('warn', view.t('replayCheckFails'))}${issuesTable(view, detail.orderCheck.issues)}` : ''}
  </section>`;
}

/** The order's one history: every attempt of every job, and the replays between them. */
function historySection(view: View, detail: DeadLetterDetail): Html {
  const letter = detail.deadLetter;
  type Row =
    | { kind: 'attempt'; at: number; attempt: number; code: string; message: string; jobId: string | null }
    | { kind: 'replay'; at: number; by: string; edited: boolean; jobId: string };
  const rows: Row[] = [
    ...(letter?.history ?? []).map((entry) => ({
      kind: 'attempt' as const,
      ...entry,
      jobId: entry.jobId ?? null,
    })),
    ...(letter?.replays ?? []).map((entry) => ({ kind: 'replay' as const, ...entry })),
  ].sort((a, b) => a.at - b.at);
  return html`<section class="card">
    <h2>${view.t('history')} <span class="muted">${count(letter?.history.length ?? 0)}</span></h2>
    ${table(
      view,
      [
        {
          label: 'attemptNo',
          cell: (row) => (row.kind === 'attempt' ? count(row.attempt) : '—'),
          numeric: true,
        },
        { label: 'at', cell: (row) => html`<span class="nowrap">${formatTime(row.at)}</span>` },
        { label: 'historyJob', cell: (row) => html`<span class="mono nowrap">${row.jobId ?? '—'}</span>` },
        {
          label: 'code',
          cell: (row) =>
            row.kind === 'attempt'
              ? codeBadge(row.code)
              : view.t(row.edited ? 'historyReplayEdited' : 'historyReplay', { by: row.by }),
        },
        { label: 'message', cell: (row) => (row.kind === 'attempt' ? row.message : '') },
      ],
      rows,
    )}
  </section>`;
}

export function deadLetterPages(app: FastifyInstance, deps: PageDeps): void {
  app.get('/dead-letters/:id', async (request, reply) => {
    const id = idOf(request);
    const detail = await loadOrGone(deps, request, reply, id);
    if (!('id' in detail)) return detail;
    const letter = detail.deadLetter;
    const preview = letter === null ? null : await previewOf(deps.preview, letter.order);
    return sendPage(
      request,
      reply,
      (view) => view.t('deadLetterTitle', { id: String(letter?.order.order_no ?? id) }),
      (view) => html`
        <p class="muted">${id} · ${view.t('failedAt')} ${letter === null ? '—' : formatTime(letter.failedAt)}</p>
        <div class="grid wide-first">
          ${errorSection(view, detail)}
          ${actions(view, detail)}
        </div>
        ${preview === null ? '' : previewView(view, preview)}
        ${letter === null ? '' : orderView(view, letter.order)}
        ${historySection(view, detail)}`,
    );
  });

  app.post('/dead-letters/:id/replay', { config: { write: true } }, async (request, reply) => {
    const id = idOf(request);
    const { t } = consoleOf(request);
    try {
      const outcome = await replayOne(deps.ctx, consoleActor(request), { id });
      return redirectWithFlash(request, reply, '/console/dead-letters', {
        kind: 'ok',
        text: t(outcome.deadLetterRemoved ? 'replayedFlash' : 'replayedKeptFlash', {
          id,
          jobId: outcome.jobId,
        }),
      });
    } catch (err) {
      if (!(err instanceof AdminError) || err.statusCode >= 500) throw err;
      if (err.code === 'ADMIN_NOT_FOUND') return sendGone(request, reply, id);
      return redirectWithFlash(request, reply, `/console/dead-letters/${encodeURIComponent(id)}`, {
        kind: 'error',
        text: `${err.code}: ${err.message}`,
      });
    }
  });

  app.post('/dead-letters/:id/discard', { config: { write: true } }, async (request, reply) => {
    const id = idOf(request);
    const { t } = consoleOf(request);
    const reason = (formOf(request).reason ?? '').trim();
    const back = `/console/dead-letters/${encodeURIComponent(id)}`;
    if (reason.length < 3 || reason.length > 500)
      return redirectWithFlash(request, reply, back, {
        kind: 'error',
        text: t('invalidInput', { message: t('discardReason') }),
      });
    try {
      await discardOne(deps.ctx, consoleActor(request), id, reason);
    } catch (err) {
      if (err instanceof AdminError && err.code === 'ADMIN_NOT_FOUND') return sendGone(request, reply, id);
      if (err instanceof AdminError && err.statusCode < 500)
        return redirectWithFlash(request, reply, back, {
          kind: 'error',
          text: `${err.code}: ${err.message}`,
        });
      throw err;
    }
    return redirectWithFlash(request, reply, '/console/dead-letters', {
      kind: 'ok',
      text: t('discardedFlash', { id }),
    });
  });
}
