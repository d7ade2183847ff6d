import { PassThrough } from 'node:stream';
import { reconcileFilterSchema, reconcilePeriodSchema } from '@wdt-k3/jobs';
import {
  CATEGORY_LABELS,
  MISSING_REASONS,
  type MissingReasonKind,
  type ReportItem,
  type RunRecord,
  reasonText,
  reportCsv,
  summaryLine,
  writeReportXlsx,
} from '@wdt-k3/reconcile';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AdminError } from '../../errors.ts';
import {
  createReconcileActions,
  REPORT_CATEGORIES,
  type ReportCategory,
  SYNCABLE,
} from '../../reconcile-actions.ts';
import { sendFile, XLSX_TYPE } from '../../routes/reconcile-routes.ts';
import { formatCount, formatMoney, formatQuantity, formatTime } from '../format.ts';
import { type Html, html, type Renderable } from '../html.ts';
import type { MessageKey } from '../i18n.ts';
import { canWrite, type View, writeForm } from '../layout.ts';
import type { PageDeps } from '../plugin.ts';
import { consoleOf, redirectWithFlash, sendConfirm, sendPage } from '../render.ts';
import { clip, count, href, notice, table, time } from '../widgets.ts';
import { consoleActor, formOf, queryOf } from './console-actor.ts';

const PAGE = '/console/reconciliations';
const RUN_ID = /^rc-[a-z0-9-]{1,100}$/;
const ITEMS_PER_PAGE = 50;
const STATE_TONE = { 'reading-wdt': 'warn', 'reading-k3': 'warn', done: 'ok', failed: 'bad' } as const;

const stateBadge = (view: View, run: RunRecord): Html =>
  html`<span class="badge ${STATE_TONE[run.state]}">${view.t(`reconcileState_${run.state}` as MessageKey)}</span>`;

const periodText = (run: Pick<RunRecord, 'period' | 'filter'>): string => {
  const days = run.period.from === run.period.to ? run.period.from : `${run.period.from} … ${run.period.to}`;
  const filter = [run.filter.shopNo, run.filter.warehouseNo].filter((part) => part !== undefined);
  return filter.length === 0 ? days : `${days} (${filter.join(' / ')})`;
};

const runLink = (run: RunRecord): Html =>
  html`<a class="mono" href="${PAGE}/${encodeURIComponent(run.id)}">${run.id}</a>`;

/** The Beijing day before today, the daily run's default. */
const yesterday = (now: number): string => formatTime(now - 86_400_000).slice(0, 10);

function startForm(view: View, now: number): Renderable {
  if (!canWrite(view)) return '';
  const day = yesterday(now);
  return html`<section class="card" id="start"><h2>${view.t('reconcileStart')}</h2>
    <p>${view.t('reconcileStartWhat')}</p>
    ${writeForm(
      view,
      PAGE,
      html`<div class="fields">
        <label>${view.t('reconcileFrom')}<input type="date" name="from" value="${day}" required></label>
        <label>${view.t('reconcileTo')}<input type="date" name="to" value="${day}" required></label>
        <label>${view.t('reconcileShop')}<input name="shopNo" maxlength="100"></label>
        <label>${view.t('reconcileWarehouse')}<input name="warehouseNo" maxlength="100"></label></div>
        <button type="submit" class="primary">${view.t('reconcileStart')}</button>`,
    )}</section>`;
}

function runsTable(view: View, runs: readonly RunRecord[]): Html {
  return table(
    view,
    [
      { label: 'reconcileRun', cell: runLink },
      { label: 'reconcilePeriod', cell: (run) => periodText(run) },
      { label: 'reconcileState', cell: (run) => stateBadge(view, run) },
      { label: 'reconcileResult', cell: (run) => clip(summaryLine(run, view.lang), 120), wide: true },
      {
        label: 'reconcileTrigger',
        cell: (run) =>
          run.trigger === 'schedule' ? view.t('reconcileTriggerSchedule') : (run.requestedBy ?? ''),
        wide: true,
      },
      { label: 'at', cell: (run) => time(run.createdAt) },
    ],
    runs,
    view.t('reconcileNone'),
  );
}

function totals(view: View, run: RunRecord): Renderable {
  const summary = run.summary;
  if (summary === null) return '';
  const sides = [
    { side: 'WDT', totals: summary.wdt },
    { side: 'K3', totals: summary.k3 },
  ];
  return html`<section class="card"><h2>${view.t('reconcileTotals')}</h2>${table(
    view,
    [
      { label: 'reconcileSide', cell: (row) => html`<strong>${row.side}</strong>` },
      { label: 'reconcileOrders', cell: (row) => count(row.totals.orders), numeric: true },
      { label: 'reconcileRows', cell: (row) => count(row.totals.rows), numeric: true },
      { label: 'reconcileQuantity', cell: (row) => formatQuantity(row.totals.quantity), numeric: true },
      { label: 'reconcileAmount', cell: (row) => formatMoney(row.totals.amount), numeric: true },
    ],
    sides,
  )}</section>`;
}

/** `dead-lettered:K3_BASEDATA_MISSING` (the summary's key) in the page's words. */
function reasonLabel(view: View, reason: string): string {
  const [kind = '', code] = reason.split(':');
  return (MISSING_REASONS as readonly string[]).includes(kind)
    ? reasonText({ kind: kind as MissingReasonKind, code: code ?? null, by: null, note: null }, view.lang)
    : reason;
}

function findings(view: View, run: RunRecord, category: ReportCategory | undefined): Renderable {
  const summary = run.summary;
  if (summary === null) return '';
  const labels = CATEGORY_LABELS[view.lang];
  const counts: Record<ReportCategory, number> = {
    missing: summary.missing,
    extra: summary.extra,
    duplicated: summary.duplicated,
    mismatch: summary.mismatched,
  };
  const clean = REPORT_CATEGORIES.every((name) => counts[name] === 0);
  const reasons = Object.entries(summary.missingByReason).sort(([, a], [, b]) => b - a);
  const syncable = reasons.some(([reason]) => SYNCABLE.has(reason.split(':')[0] ?? ''));
  return html`<section class="card"><h2>${view.t('reconcileFindings')}</h2>
    ${clean ? notice('info', view.t('reconcileClean')) : ''}
    <section class="stats">${REPORT_CATEGORIES.map(
      (name) =>
        html`<a class="stat ${counts[name] > 0 ? 'bad' : ''}${category === name ? ' current' : ''}" href="${href(`${PAGE}/${run.id}`, { category: name })}"><span class="value">${name === 'extra' && !summary.extraChecked ? '—' : formatCount(counts[name])}</span><span class="label">${labels[name]}</span></a>`,
    )}</section>
    ${summary.extraChecked ? '' : html`<p class="muted small">${view.t('reconcileExtraUnchecked')}</p>`}
    ${
      reasons.length === 0
        ? ''
        : html`<h3>${view.t('reconcileMissingWhy')}</h3><ul class="codes">${reasons.map(
            ([reason, n]) => html`<li>${reasonLabel(view, reason)} <span class="num">${count(n)}</span></li>`,
          )}</ul>`
    }
    <p><a class="button" href="${PAGE}/${run.id}/report.xlsx" hx-boost="false" download>${view.t('reconcileDownloadXlsx')}</a>
      <a class="button" href="${PAGE}/${run.id}/report.csv" hx-boost="false" download>${view.t('reconcileDownloadCsv')}</a></p>
    ${
      canWrite(view) && syncable
        ? html`<h3>${view.t('reconcileSyncMissing')}</h3><p>${view.t('reconcileSyncMissingWhat')}</p>${writeForm(
            view,
            `${PAGE}/${run.id}/sync-missing`,
            html`<button type="submit" class="primary">${view.t('reconcileSyncMissing')}</button>`,
          )}`
        : ''
    }
  </section>`;
}

function itemNote(view: View, item: ReportItem): Renderable {
  switch (item.category) {
    case 'missing':
      return reasonText(item.reason, view.lang);
    case 'extra':
      return item.note ?? '';
    case 'duplicated':
      return `${item.side} × ${item.copies}`;
    case 'mismatch':
      return html`${item.differences.map(
        (d) =>
          html`<span class="mono small">${d.field}: WDT ${String(d.wdt ?? '—')} ≠ K3 ${String(d.k3 ?? '—')}</span><br>`,
      )}`;
  }
}

const itemCustomer = (item: ReportItem): string =>
  item.category === 'missing' || item.category === 'extra' ? item.customer : '';

function itemsSection(
  view: View,
  run: RunRecord,
  items: readonly ReportItem[],
  category: ReportCategory | undefined,
  offset: number,
): Html {
  const labels = CATEGORY_LABELS[view.lang];
  const tabs = [undefined, ...REPORT_CATEGORIES].map((name) => {
    const label = name === undefined ? view.t('reconcileAll') : labels[name];
    return name === category
      ? html`<strong>${label}</strong>`
      : html`<a href="${href(`${PAGE}/${run.id}`, { category: name })}">${label}</a>`;
  });
  const more = items.length === ITEMS_PER_PAGE;
  return html`<section class="card" id="items"><h2>${view.t('reconcileItems')}</h2>
    <p class="tabs">${tabs.map((tab, i) => html`${i === 0 ? '' : ' · '}${tab}`)}</p>
    ${table(
      view,
      [
        {
          label: 'reconcileBillNo',
          cell: (item) =>
            html`<a class="mono" href="${href('/console/orders', { number: item.billNo })}">${item.billNo}</a>`,
        },
        { label: 'reconcileState', cell: (item) => labels[item.category] },
        { label: 'reconcileCustomer', cell: itemCustomer, wide: true },
        { label: 'reconcileReason', cell: (item) => itemNote(view, item) },
      ],
      items,
      view.t('reconcileNoItems'),
    )}
    ${more ? html`<p class="pager"><a href="${href(`${PAGE}/${run.id}`, { category, offset: offset + ITEMS_PER_PAGE })}">${view.t('reconcileNext')}</a></p>` : ''}
  </section>`;
}

function runFacts(view: View, run: RunRecord): Html {
  return html`<section class="card"><dl class="facts">
    <dt>${view.t('reconcilePeriod')}</dt><dd>${periodText(run)}</dd>
    <dt>${view.t('reconcileState')}</dt><dd>${stateBadge(view, run)}</dd>
    <dt>${view.t('reconcileTrigger')}</dt><dd>${run.trigger === 'schedule' ? view.t('reconcileTriggerSchedule') : (run.requestedBy ?? '')}</dd>
    <dt>${view.t('at')}</dt><dd>${time(run.createdAt)}${run.finishedAt === null ? '' : html` → ${time(run.finishedAt)}`}</dd>
    <dt>${view.t('reconcileResult')}</dt><dd>${summaryLine(run, view.lang)}</dd>
  </dl>
  ${run.state === 'reading-wdt' || run.state === 'reading-k3' ? html`<p class="muted">${view.t('reconcileProgress', { pages: count(run.progress.wdtPages), orders: count(run.progress.wdtOrders), bills: count(run.progress.k3Bills) })}</p>` : ''}
  ${run.error === null ? '' : notice('error', html`<span class="code">${run.error.code}</span> ${run.error.message}`)}
  </section>`;
}

export function reconcilePages(app: FastifyInstance, deps: PageDeps): void {
  const actions = createReconcileActions(deps.ctx);
  app.addHook('onClose', async () => actions.close());
  const runParam = (request: FastifyRequest<{ Params: { id: string } }>): string => {
    const { id } = request.params;
    if (!RUN_ID.test(id)) throw new AdminError('ADMIN_NOT_FOUND', `no reconciliation ${id}`);
    return id;
  };

  app.get('/reconciliations', async (request, reply) => {
    const runs = await actions.listRuns(30);
    return sendPage(
      request,
      reply,
      (view) => view.t('reconcileTitle'),
      (view) => html`<p class="lead">${view.t('reconcileLead')}</p>
        ${startForm(view, deps.ctx.now())}
        <section class="card"><h2>${view.t('reconcileRuns')}</h2>${runsTable(view, runs)}</section>`,
    );
  });

  app.post('/reconciliations', { config: { write: true } }, async (request, reply) => {
    const form = formOf(request);
    const { t } = consoleOf(request);
    const period = reconcilePeriodSchema.safeParse({ from: form.from?.trim(), to: form.to?.trim() });
    const filter = reconcileFilterSchema.safeParse({
      ...(form.shopNo?.trim() ? { shopNo: form.shopNo.trim() } : {}),
      ...(form.warehouseNo?.trim() ? { warehouseNo: form.warehouseNo.trim() } : {}),
    });
    if (!period.success || !filter.success) {
      const issues = [...(period.error?.issues ?? []), ...(filter.error?.issues ?? [])];
      const message = issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
      return redirectWithFlash(request, reply, PAGE, { kind: 'error', text: t('invalidInput', { message }) });
    }
    const { from, to } = period.data;
    const { shopNo, warehouseNo } = filter.data;
    if (form.confirmed !== 'yes') {
      const named = [shopNo, warehouseNo].filter((part) => part !== undefined).join(' / ');
      return sendConfirm(
        request,
        reply,
        PAGE,
        (view) => view.t('reconcileConfirm', { from, to, filter: named === '' ? '' : ` (${named})` }),
        {
          from,
          to,
          ...(shopNo === undefined ? {} : { shopNo }),
          ...(warehouseNo === undefined ? {} : { warehouseNo }),
        },
        PAGE,
      );
    }
    try {
      const run = await actions.start(consoleActor(request), { period: period.data, filter: filter.data });
      return redirectWithFlash(request, reply, `${PAGE}/${run.id}`, {
        kind: 'ok',
        text: t('reconcileStarted', { runId: run.id }),
      });
    } catch (err) {
      if (err instanceof AdminError && (err.statusCode === 400 || err.statusCode === 409))
        return redirectWithFlash(request, reply, PAGE, {
          kind: 'error',
          text: t('invalidInput', { message: err.message }),
        });
      throw err;
    }
  });

  app.get<{ Params: { id: string } }>('/reconciliations/:id', async (request, reply) => {
    const run = await actions.runOf(runParam(request));
    const query = queryOf(request);
    const category = (REPORT_CATEGORIES as readonly string[]).includes(query.category ?? '')
      ? (query.category as ReportCategory)
      : undefined;
    const offset = Math.max(0, Math.min(10_000_000, Number.parseInt(query.offset ?? '0', 10) || 0));
    const items =
      run.state === 'done'
        ? await actions.page(run.id, {
            ...(category === undefined ? {} : { category }),
            offset,
            limit: ITEMS_PER_PAGE,
          })
        : [];
    const live = run.state === 'reading-wdt' || run.state === 'reading-k3';
    return sendPage(
      request,
      reply,
      (view) => `${view.t('reconcileRun')} ${run.id}`,
      (
        view,
      ) => html`<div id="live"${live ? html` hx-get="${PAGE}/${run.id}" hx-trigger="every 5s" hx-select="#live" hx-target="#live" hx-swap="outerHTML"` : ''}>
        ${runFacts(view, run)}
        ${run.state === 'done' ? html`${findings(view, run, category)}${totals(view, run)}${itemsSection(view, run, items, category, offset)}` : live ? notice('info', view.t('reconcileNotFinished')) : ''}
        <p><a href="${PAGE}">${view.t('reconcileRuns')}</a></p></div>`,
    );
  });

  app.get<{ Params: { id: string } }>('/reconciliations/:id/report.csv', async (request, reply) => {
    const run = actions.finished(await actions.runOf(runParam(request)));
    const body = PassThrough.from(reportCsv(actions.items(run.id), consoleOf(request).lang));
    return sendFile(reply, 'text/csv; charset=utf-8', `${run.id}.csv`, body);
  });

  app.get<{ Params: { id: string } }>('/reconciliations/:id/report.xlsx', async (request, reply) => {
    const run = actions.finished(await actions.runOf(runParam(request)));
    const out = new PassThrough();
    void writeReportXlsx(run, () => actions.items(run.id), out, consoleOf(request).lang).catch(
      (err: unknown) => out.destroy(err as Error),
    );
    return sendFile(reply, XLSX_TYPE, `${run.id}.xlsx`, out);
  });

  app.post<{ Params: { id: string } }>(
    '/reconciliations/:id/sync-missing',
    { config: { write: true } },
    async (request, reply) => {
      const id = runParam(request);
      const { t } = consoleOf(request);
      const form = formOf(request);
      if (form.confirmed !== 'yes')
        return sendConfirm(
          request,
          reply,
          `${PAGE}/${id}/sync-missing`,
          (view) => view.t('reconcileSyncConfirm', { runId: id }),
          {},
          `${PAGE}/${id}`,
        );
      const outcome = await actions.syncMissing(consoleActor(request), id);
      const skipped = Object.values(outcome.skipped).reduce((sum, n) => sum + n, 0);
      return redirectWithFlash(request, reply, `${PAGE}/${id}`, {
        kind: 'ok',
        text: t('reconcileSyncDone', {
          n: count(outcome.enqueued),
          jobs: outcome.jobIds.join(', ') || '—',
          skipped: count(skipped),
        }),
      });
    },
  );
}
