import type { DeadLetterItem, OrderWithTimeline, TimelineEntry } from '@wdt-k3/admin-contract';
import { findOrders, listOrders, ORDER_STATES, type OrderState, timelineOf } from '@wdt-k3/ledger';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.ts';
import { listDeadLetters } from '../../dead-letter-listing.ts';
import { formatBeijing } from '../../instants.ts';
import { toApiOrder } from '../../routes/order-routes.ts';
import { type Html, html } from '../html.ts';
import type { MessageKey } from '../i18n.ts';
import type { View } from '../layout.ts';
import type { PageDeps } from '../plugin.ts';
import { sendPage } from '../render.ts';
import { codeBadge, count, explanation, href, notice, table } from '../widgets.ts';
import { queryOf } from './console-actor.ts';

const NUMBER = /^[A-Za-z0-9_-]{1,80}$/;

type Found =
  | { kind: 'ledger'; orders: OrderWithTimeline[] }
  | { kind: 'dead-letters'; items: DeadLetterItem[]; reason: string };

const at = (ms: number) => ({ ms, beijing: formatBeijing(ms) });

/** The ledger first; without it (or while PostgreSQL is away) what Redis holds: the dead letters. */
async function find(ctx: AppContext, number: string): Promise<Found> {
  if (ctx.ledger !== undefined) {
    try {
      const rows = await findOrders(ctx.ledger, number);
      const orders: OrderWithTimeline[] = [];
      for (const row of rows) {
        const timeline = await timelineOf(ctx.ledger, row.orderKey);
        orders.push({
          ...toApiOrder(row),
          timeline: timeline.map((entry) => ({ ...entry, at: at(entry.at) })),
        });
      }
      return { kind: 'ledger', orders };
    } catch (err) {
      const listing = await listDeadLetters(ctx, { number, limit: 20 });
      return {
        kind: 'dead-letters',
        items: listing.items,
        reason: err instanceof Error ? err.message : String(err),
      };
    }
  }
  const listing = await listDeadLetters(ctx, { number, limit: 20 });
  return { kind: 'dead-letters', items: listing.items, reason: '' };
}

const STATE_KEYS: Readonly<Record<string, MessageKey>> = {
  saved: 'stateSaved',
  pending: 'statePending',
  dead: 'stateDead',
  discarded: 'stateDiscarded',
  changed: 'stateChanged',
};
const STATE_TONES: Readonly<Record<string, string>> = {
  saved: 'ok',
  dead: 'bad',
  changed: 'warn',
  discarded: 'muted',
};

const EVENT_KEYS: Readonly<Record<string, MessageKey>> = {
  'order.extracted': 'ev_extracted',
  'order.attempt_failed': 'ev_attempt_failed',
  'order.saved': 'ev_saved',
  'order.dead_lettered': 'ev_dead_lettered',
  'order.replayed': 'ev_replayed',
  'order.discarded': 'ev_discarded',
  'order.undiscarded': 'ev_undiscarded',
};
const RUN_KEYS: Readonly<Record<string, MessageKey>> = {
  incremental: 'run_incremental',
  backfill: 'run_backfill',
  orders: 'run_orders',
  sweep: 'run_sweep',
  replay: 'run_replay',
};

function eventName(view: View, entry: TimelineEntry): string {
  if (entry.type === 'order.saved' && entry.data.already === true) return view.t('ev_saved_already');
  const key = EVENT_KEYS[entry.type];
  return key === undefined ? entry.type : view.t(key);
}

function eventDetails(view: View, entry: TimelineEntry): Html {
  const d = entry.data;
  const parts: Array<Html | string> = [];
  if (typeof d.code === 'string') parts.push(codeBadge(d.code));
  if (typeof d.message === 'string') parts.push(d.message);
  if (typeof d.billNo === 'string') parts.push(html`<span class="mono">${d.billNo}</span>`);
  if (typeof d.by === 'string') parts.push(html`<span class="muted">${d.by}</span>`);
  if (typeof d.reason === 'string') parts.push(d.reason);
  if (typeof d.runKind === 'string') {
    const run = RUN_KEYS[d.runKind];
    parts.push(
      html`<span class="muted">${run === undefined ? d.runKind : view.t(run)} · ${String(d.runId ?? '')}</span>`,
    );
  }
  return html`${parts.map((part, index) => html`${index === 0 ? '' : ' · '}${part}`)}`;
}

function orderCard(view: View, order: OrderWithTimeline): Html {
  const stateKey = STATE_KEYS[order.state];
  return html`<article class="card order">
    <h2><span class="mono">${order.orderNo ?? order.orderKey}</span>
      <span class="badge ${STATE_TONES[order.state] ?? ''}">${stateKey === undefined ? order.state : view.t(stateKey)}</span></h2>
    <dl class="facts">
      <dt>${view.t('stockoutId')}</dt><dd class="mono">${order.stockoutId ?? '—'}</dd>
      <dt>${view.t('srcTradeNo')}</dt><dd class="mono">${order.srcTradeNo ?? '—'}</dd>
      <dt>${view.t('logisticsNo')}</dt><dd class="mono">${order.logisticsNo ?? '—'}</dd>
      <dt>${view.t('shop')}</dt><dd class="mono">${order.shopNo ?? '—'}</dd>
      <dt>${view.t('consignTime')}</dt><dd>${order.consignTime?.beijing ?? '—'}</dd>
      <dt>${view.t('k3Bill')}</dt><dd class="mono">${order.billNo ?? '—'}${order.k3Fid === null ? '' : html` <span class="muted">FID ${order.k3Fid}</span>`}</dd>
    </dl>
    ${order.state === 'dead' && order.lastCode !== null ? html`${explanation(view, order.lastCode, 'compact')}<p><a class="button primary" href="/console/dead-letters/${encodeURIComponent(order.orderKey)}">${view.t('openDeadLetter')}</a></p>` : ''}
    ${
      order.changedFields === null || order.changedFields.length === 0
        ? ''
        : html`<h3>${view.t('changedFields')}</h3>${table(
            view,
            [
              { label: 'field', cell: (row) => html`<span class="mono">${row.field}</span>` },
              { label: 'savedValue', cell: (row) => JSON.stringify(row.saved) },
              { label: 'nowValue', cell: (row) => JSON.stringify(row.now) },
            ],
            order.changedFields,
          )}`
    }
    <h3>${view.t('timeline')}</h3>
    <ol class="timeline">${order.timeline.map(
      (entry) =>
        html`<li class="ev ${entry.type.replace(/^order\./, '')}"><time>${entry.at?.beijing ?? ''}</time> <strong>${eventName(view, entry)}</strong> ${eventDetails(view, entry)}</li>`,
    )}</ol>
  </article>`;
}

function results(view: View, number: string, found: Found): Html {
  if (found.kind === 'ledger')
    return found.orders.length === 0
      ? notice('info', view.t('noOrderFound', { number }))
      : html`${found.orders.map((order) => orderCard(view, order))}`;
  return html`${found.reason === '' ? notice('info', view.t('ledgerMissing')) : notice('warn', view.t('ledgerDown', { message: found.reason }))}
    <p class="muted">${view.t('fromDeadLetters')}</p>
    ${table(
      view,
      [
        {
          label: 'order',
          cell: (item) =>
            html`<a class="mono" href="/console/dead-letters/${encodeURIComponent(item.id)}">${item.orderNo ?? item.id}</a>`,
        },
        { label: 'code', cell: (item) => codeBadge(item.code) },
        { label: 'failedAt', cell: (item) => item.failedAtBeijing },
        { label: 'attempts', cell: (item) => count(item.attemptsMade), numeric: true },
      ],
      found.items,
      view.t('noOrderFound', { number }),
    )}`;
}

const LISTED = 50;

type StateRows =
  | { kind: 'rows'; state: OrderState; rows: Awaited<ReturnType<typeof listOrders>>['orders'] }
  | { kind: 'no-ledger' }
  | { kind: 'down'; message: string };

/** The ledger's orders in one state, newest change first (the changed-after-save alert links here). */
async function loadState(ctx: AppContext, state: OrderState): Promise<StateRows> {
  if (ctx.ledger === undefined) return { kind: 'no-ledger' };
  try {
    return { kind: 'rows', state, rows: (await listOrders(ctx.ledger, { limit: LISTED, state })).orders };
  } catch (err) {
    return { kind: 'down', message: err instanceof Error ? err.message : String(err) };
  }
}

function stateListing(view: View, loaded: StateRows): Html {
  if (loaded.kind === 'no-ledger') return notice('info', view.t('ledgerMissing'));
  if (loaded.kind === 'down') return notice('warn', view.t('ledgerDown', { message: loaded.message }));
  const { state, rows } = loaded;
  const stateKey = STATE_KEYS[state];
  return html`<section class="card"><h2>${stateKey === undefined ? state : view.t(stateKey)} <span class="muted">${count(rows.length)}${rows.length === LISTED ? '+' : ''}</span></h2>${table(
    view,
    [
      {
        label: 'order',
        cell: (row) =>
          html`<a class="mono" href="${href('/console/orders', { number: row.stockoutNo ?? row.orderNo ?? row.orderKey })}">${row.orderNo ?? row.orderKey}</a>`,
      },
      { label: 'k3Bill', cell: (row) => html`<span class="mono">${row.billNo ?? '—'}</span>` },
      {
        label: 'changedFields',
        cell: (row) => (row.changedFields ?? []).map((change) => change.field).join(', '),
        wide: true,
      },
      {
        label: 'consignTime',
        cell: (row) => (row.consignTime === null ? '—' : formatBeijing(row.consignTime)),
      },
    ],
    rows,
    view.t('noOrderFound', { number: state }),
  )}</section>`;
}

export function orderPages(app: FastifyInstance, deps: PageDeps): void {
  app.get('/orders', async (request, reply) => {
    const raw = queryOf(request).number;
    const number = raw !== undefined && NUMBER.test(raw) ? raw : undefined;
    const found = number === undefined ? null : await find(deps.ctx, number);
    const stateQuery = queryOf(request).state;
    const state = (ORDER_STATES as readonly string[]).includes(stateQuery ?? '')
      ? (stateQuery as OrderState)
      : undefined;
    const listed = state === undefined ? null : await loadState(deps.ctx, state);
    return sendPage(
      request,
      reply,
      (view) => view.t('ordersTitle'),
      (view) => html`
        <p class="lead">${view.t('ordersLead')}</p>
        <form method="get" action="/console/orders" class="search" role="search">
          <label>${view.t('numberLabel')} <input type="search" name="number" value="${raw ?? ''}" maxlength="80" required${state === undefined ? html` autofocus` : ''}></label>
          <button type="submit" class="primary">${view.t('searchButton')}</button>
        </form>
        ${raw !== undefined && number === undefined ? notice('error', view.t('invalidInput', { message: raw })) : ''}
        ${number === undefined || found === null ? '' : results(view, number, found)}
        ${listed === null ? '' : stateListing(view, listed)}
        <p class="muted small"><a href="${href('/console/dead-letters')}">${view.t('navDeadLetters')}</a></p>`,
    );
  });
}
