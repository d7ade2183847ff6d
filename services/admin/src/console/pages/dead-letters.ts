import type { DataQuality, DeadLetterListing } from '@wdt-k3/admin-contract';
import { dataQuality } from '@wdt-k3/ledger';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.ts';
import { replayMatching } from '../../dead-letter-actions.ts';
import { listDeadLetters } from '../../dead-letter-listing.ts';
import { AdminError } from '../../errors.ts';
import { type Html, html } from '../html.ts';
import { canWrite, type View, writeForm } from '../layout.ts';
import type { PageDeps } from '../plugin.ts';
import { consoleOf, redirectWithFlash, sendPage } from '../render.ts';
import { clip, codeBadge, codeTitle, count, explanation, href, kindName, notice, table } from '../widgets.ts';
import { consoleActor, formOf, queryOf } from './console-actor.ts';

const PAGE_SIZE = 50;
/** A bulk replay from the console takes at most this many (the API's limit is 1,000). */
const BULK_LIMIT = 500;
const CODE = /^[A-Z][A-Z0-9_]{1,63}$/;
const NUMBER = /^[A-Za-z0-9_-]{1,100}$/;
const DAY_MS = 86_400_000;

type Blocking = DataQuality['blocking'];

/** The base-data numbers behind today's dead letters (the ledger knows them); [] without the ledger. */
async function blockingNumbers(ctx: AppContext): Promise<Blocking> {
  if (ctx.ledger === undefined) return [];
  try {
    const report = await dataQuality(ctx.ledger, ctx.now() - 90 * DAY_MS, ctx.now() + 1);
    return report.blocking.map((row) => ({ ...row, codes: [...row.codes] }));
  } catch {
    return [];
  }
}

function codeGroup(view: View, code: string, n: number, blocking: Blocking, selected: boolean): Html {
  const mine = blocking.filter((row) => row.codes.includes(code)).slice(0, 12);
  return html`<article class="card group${selected ? ' selected' : ''}" id="code-${code}">
    <header class="group-head"><h2>${codeTitle(view, code)}</h2> <span class="count">${count(n)}</span></header>
    ${explanation(view, code, 'bare')}
    ${
      mine.length === 0
        ? ''
        : html`<p class="blocking"><strong>${view.t('blockingData')}:</strong> ${mine.map(
            (row) =>
              html`<span class="chip"><span class="muted">${kindName(view, row.kind)}</span> <span class="mono">${row.number}</span> · ${view.t('blockingOrders', { n: count(row.orders) })}</span>`,
          )}</p>`
    }
    <p class="actions">
      <a class="button" href="${href('/console/dead-letters', { code })}">${view.t('showThese')}</a>
      ${canWrite(view) ? html`<a class="button primary" href="${href('/console/dead-letters/bulk', { code })}">${view.t('replayAllOfCode', { n: count(n) })}</a>` : ''}
    </p>
  </article>`;
}

function itemsTable(view: View, listing: DeadLetterListing): Html {
  return table(
    view,
    [
      {
        label: 'order',
        cell: (item) =>
          html`<a href="/console/dead-letters/${encodeURIComponent(item.id)}" class="mono nowrap">${item.orderNo ?? item.id}</a>`,
      },
      { label: 'code', cell: (item) => codeBadge(item.code) },
      {
        label: 'failedAt',
        cell: (item) => html`<span class="nowrap">${item.failedAtBeijing}</span>`,
        wide: true,
      },
      { label: 'attempts', cell: (item) => count(item.attemptsMade), numeric: true, wide: true },
      { label: 'message', cell: (item) => clip(item.message, 90) },
    ],
    listing.items,
    view.t('deadLettersNone'),
  );
}

function listPage(
  view: View,
  listing: DeadLetterListing,
  blocking: Blocking,
  query: Record<string, string>,
): Html {
  const codes = Object.entries(listing.byCode).sort(([a, x], [b, y]) => y - x || a.localeCompare(b));
  const selected = query.code;
  return html`
    <p class="lead">${view.t('deadLettersLead')}</p>
    ${canWrite(view) ? '' : notice('info', view.t('readOnlyNote'))}
    <form method="get" action="/console/dead-letters" class="search" role="search">
      <label>${view.t('searchNumber')} <input type="search" name="number" value="${query.number ?? ''}" maxlength="100" inputmode="text"></label>
      ${selected === undefined ? '' : html`<input type="hidden" name="code" value="${selected}">`}
      <button type="submit">${view.t('searchButton')}</button>
    </form>
    <div class="groups">${codes.map(([code, n]) => codeGroup(view, code, n, blocking, code === selected))}</div>
    <section class="card">
      <h2>${selected === undefined ? view.t('allCodes') : codeBadge(selected)} <span class="muted">${view.t('matchCount', { n: count(listing.total) })}</span>
        ${selected === undefined && query.number === undefined ? '' : html`<a class="small" href="/console/dead-letters">${view.t('clear')}</a>`}</h2>
      ${itemsTable(view, listing)}
      <p class="pager">
        ${query.cursor === undefined ? '' : html`<a href="${href('/console/dead-letters', { code: selected, number: query.number })}">${view.t('firstPage')}</a>`}
        ${listing.nextCursor === null ? '' : html`<a href="${href('/console/dead-letters', { code: selected, number: query.number, cursor: listing.nextCursor })}">${view.t('nextPage')}</a>`}
      </p>
    </section>`;
}

export function deadLetterListPages(app: FastifyInstance, deps: PageDeps): void {
  app.get('/dead-letters', async (request, reply) => {
    const query = queryOf(request);
    const code = query.code !== undefined && CODE.test(query.code) ? query.code : undefined;
    const number = query.number !== undefined && NUMBER.test(query.number) ? query.number : undefined;
    const clean = {
      ...(code === undefined ? {} : { code }),
      ...(number === undefined ? {} : { number }),
      ...(query.cursor === undefined ? {} : { cursor: query.cursor }),
    };
    const [listing, blocking] = await Promise.all([
      listDeadLetters(deps.ctx, {
        code: code === undefined ? undefined : [code],
        number,
        limit: PAGE_SIZE,
        cursor: query.cursor,
      }),
      blockingNumbers(deps.ctx),
    ]);
    return sendPage(
      request,
      reply,
      (view) => view.t('deadLettersTitle'),
      (view) => listPage(view, listing, blocking, clean),
    );
  });

  app.get('/dead-letters/bulk', { config: { write: true } }, async (request, reply) => {
    const code = queryOf(request).code;
    if (code === undefined || !CODE.test(code))
      throw new AdminError('ADMIN_BAD_REQUEST', 'a code is required');
    const listing = await listDeadLetters(deps.ctx, { code: [code], limit: 1 });
    return sendPage(
      request,
      reply,
      (view) => view.t('bulkTitle', { code }),
      (view) => html`<section class="card narrow confirm">
        ${explanation(view, code)}
        <p>${view.t('bulkLead', { n: count(listing.total), code, limit: count(BULK_LIMIT) })}</p>
        ${writeForm(
          view,
          '/console/dead-letters/bulk',
          html`<input type="hidden" name="code" value="${code}">
            <p class="actions"><button type="submit" class="primary">${view.t('confirm')}</button>
            <a class="button" href="${href('/console/dead-letters', { code })}">${view.t('cancel')}</a></p>`,
        )}
      </section>`,
    );
  });

  app.post('/dead-letters/bulk', { config: { write: true } }, async (request, reply) => {
    const code = formOf(request).code;
    if (code === undefined || !CODE.test(code))
      throw new AdminError('ADMIN_BAD_REQUEST', 'a code is required');
    const result = await replayMatching(deps.ctx, consoleActor(request), {
      filter: { codes: [code] },
      limit: BULK_LIMIT,
      force: false,
      dryRun: false,
    });
    const { t } = consoleOf(request);
    return redirectWithFlash(request, reply, href('/console/dead-letters', { code }), {
      kind: result.failed.length + result.notAttempted.length === 0 ? 'ok' : 'error',
      text: t('bulkDone', {
        replayed: count(result.replayed.length),
        skipped: count(result.skipped.length),
        failed: count(result.failed.length + result.notAttempted.length),
      }),
    });
  });
}
