import type { FastifyInstance } from 'fastify';
import { AUDIT_ACTIONS } from '../../audit.ts';
import { parseInstant } from '../../instants.ts';
import { formatTime } from '../format.ts';
import { html } from '../html.ts';
import type { PageDeps } from '../plugin.ts';
import { sendPage } from '../render.ts';
import { href, notice, table } from '../widgets.ts';
import { queryOf } from './console-actor.ts';

const PAGE_SIZE = 50;
const WHO = /^[A-Za-z0-9_.-]{1,64}$/;
const BEFORE = /^\d+-\d+$/;

function detailsText(details: unknown): string {
  if (details === null || typeof details !== 'object') return '';
  return Object.entries(details as Record<string, unknown>)
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(' · ');
}

export function auditPages(app: FastifyInstance, deps: PageDeps): void {
  app.get('/audit', async (request, reply) => {
    const query = queryOf(request);
    const who = query.who !== undefined && WHO.test(query.who) ? query.who : undefined;
    const action = (AUDIT_ACTIONS as readonly string[]).includes(query.action ?? '')
      ? query.action
      : undefined;
    const fromMs = query.from === undefined ? null : parseInstant(query.from);
    const toMs = query.to === undefined ? null : parseInstant(query.to);
    const before = query.before !== undefined && BEFORE.test(query.before) ? query.before : undefined;
    const badTime =
      (query.from !== undefined && fromMs === null) || (query.to !== undefined && toMs === null);
    const page = await deps.ctx.audit.search(
      { who, action, fromMs: fromMs ?? undefined, toMs: toMs ?? undefined },
      PAGE_SIZE,
      before,
    );
    const keep = { who, action, from: query.from, to: query.to };
    return sendPage(
      request,
      reply,
      (view) => view.t('auditTitle'),
      (view) => html`
        <p class="lead">${view.t('auditLead')}</p>
        <form method="get" action="/console/audit" class="filters">
          <label>${view.t('who')} <input name="who" value="${who ?? ''}" maxlength="64"></label>
          <label>${view.t('action')} <select name="action"><option value="">—</option>${AUDIT_ACTIONS.map(
            (name) => html`<option value="${name}"${name === action ? html` selected` : ''}>${name}</option>`,
          )}</select></label>
          <label>${view.t('from')} <input name="from" value="${query.from ?? ''}" placeholder="2026-11-01 00:00:00" maxlength="40"></label>
          <label>${view.t('to')} <input name="to" value="${query.to ?? ''}" placeholder="2026-11-02 00:00:00" maxlength="40"></label>
          <button type="submit" class="primary">${view.t('filter')}</button>
          <a class="button" href="/console/audit">${view.t('clear')}</a>
          <small class="muted">${view.t('timeHint')}</small>
        </form>
        ${badTime ? notice('error', view.t('invalidInput', { message: view.t('timeHint') })) : ''}
        ${table(
          view,
          [
            { label: 'at', cell: (entry) => formatTime(entry.at) },
            { label: 'who', cell: (entry) => html`<strong>${entry.who}</strong>` },
            { label: 'action', cell: (entry) => html`<span class="mono">${entry.action}</span>` },
            { label: 'target', cell: (entry) => html`<span class="mono">${entry.target}</span>` },
            {
              label: 'details',
              cell: (entry) => html`<span class="muted small">${detailsText(entry.details)}</span>`,
              wide: true,
            },
          ],
          page.entries,
          view.t('noAudit'),
        )}
        <p class="pager">${page.nextBefore === null ? '' : html`<a href="${href('/console/audit', { ...keep, before: page.nextBefore })}">${view.t('olderEntries')}</a>`}</p>`,
    );
  });
}
