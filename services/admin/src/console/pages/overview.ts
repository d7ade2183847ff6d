import type {
  Activity,
  DeadLetterListing,
  LoaderFleet,
  QueueStats,
  SyncStateAnswer,
} from '@wdt-k3/admin-contract';
import { type AlertView, listAlerts } from '@wdt-k3/alerts';
import { createReconcileStore, type LatestResult, summaryLine } from '@wdt-k3/reconcile';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.ts';
import { listDeadLetters } from '../../dead-letter-listing.ts';
import { readActivity, readFleet } from '../../overview.ts';
import { readSyncState } from '../../pipeline-actions.ts';
import { readAllQueueStats } from '../../queue-stats.ts';
import { stackedBars } from '../chart.ts';
import { formatDuration, formatRate, formatTime } from '../format.ts';
import { type Html, html, type Renderable } from '../html.ts';
import type { View } from '../layout.ts';
import type { PageDeps } from '../plugin.ts';
import { sendPage } from '../render.ts';
import { ago, codeTitle, count, href, notice, stat, table, time } from '../widgets.ts';
import { describe, severityBadge } from './alerts.ts';

type Loaded<T> = { ok: true; value: T } | { ok: false; message: string };

async function load<T>(action: () => Promise<T>): Promise<Loaded<T>> {
  try {
    return { ok: true, value: await action() };
  } catch (err) {
    return { ok: false, message: err instanceof Error ? err.message : String(err) };
  }
}

interface Overview {
  readonly activity: Loaded<Activity> | null;
  readonly queues: readonly QueueStats[];
  readonly sync: SyncStateAnswer;
  readonly fleet: LoaderFleet;
  readonly dead: DeadLetterListing;
  readonly firing: readonly AlertView[];
  readonly reconciliation: LatestResult | null;
}

async function readOverview(ctx: AppContext): Promise<Overview> {
  const pool = ctx.ledger;
  const [activity, queues, sync, fleet, dead, alerts, reconciliation] = await Promise.all([
    pool === undefined ? null : load(() => readActivity(pool, ctx.now(), 7)),
    readAllQueueStats(ctx.queues, ctx.now()),
    readSyncState(ctx),
    readFleet(ctx),
    listDeadLetters(ctx, { limit: 1 }),
    listAlerts(ctx.redis, ctx.prefix, 'firing', ctx.now()),
    createReconcileStore(ctx.redis, ctx.prefix).latest(),
  ]);
  return { activity, queues, sync, fleet, dead, firing: alerts.alerts, reconciliation };
}

function todayCards(view: View, overview: Overview): Html {
  const orders = overview.queues.find((queue) => queue.queue === 'orders');
  const waiting =
    orders === undefined ? 0 : orders.counts.waiting + orders.counts.delayed + orders.counts.prioritized;
  const activity = overview.activity;
  const today = activity?.ok === true ? activity.value.days.at(-1) : undefined;
  return html`<h2 class="section">${view.t('today')}</h2><section class="stats" aria-label="${view.t('today')}">
    ${
      today === undefined
        ? ''
        : [
            stat(view.t('read'), today.read),
            stat(view.t('saved'), today.saved, 'good'),
            stat(view.t('alreadySaved'), today.alreadySaved),
            stat(view.t('deadLettered'), today.deadLettered, today.deadLettered > 0 ? 'bad' : ''),
          ]
    }
    ${stat(view.t('waiting'), waiting)}
    ${stat(view.t('active'), orders?.counts.active ?? 0)}
  </section>`;
}

function activitySection(view: View, activity: Loaded<Activity> | null): Renderable {
  if (activity === null) return notice('info', view.t('ledgerMissing'));
  if (!activity.ok) return notice('warn', view.t('ledgerDown', { message: activity.message }));
  const { days, hours } = activity.value;
  const chart = stackedBars(
    hours.map((hour) => hour.hour),
    [
      { label: view.t('chartLegendSaved'), tone: 's-saved', values: hours.map((hour) => hour.saved) },
      {
        label: view.t('chartLegendAlready'),
        tone: 's-already',
        values: hours.map((hour) => hour.alreadySaved),
      },
      { label: view.t('chartLegendDead'), tone: 's-dead', values: hours.map((hour) => hour.deadLettered) },
    ],
    view.t('throughput24h'),
  );
  const daysTable = table(
    view,
    [
      { label: 'day', cell: (row) => row.day },
      { label: 'read', cell: (row) => count(row.read), numeric: true },
      { label: 'saved', cell: (row) => count(row.saved), numeric: true },
      { label: 'alreadySaved', cell: (row) => count(row.alreadySaved), numeric: true },
      { label: 'deadLettered', cell: (row) => count(row.deadLettered), numeric: true },
    ],
    [...days].reverse(),
  );
  return html`<section class="card"><h2>${view.t('last7Days')}</h2>${chart}${daysTable}</section>`;
}

function syncSection(view: View, sync: SyncStateAnswer, queues: readonly QueueStats[]): Html {
  const paused = queues.some((queue) => queue.queue !== 'orders-failed' && queue.paused);
  const problems = [
    paused
      ? notice(
          'warn',
          html`${view.t('pipelinePaused')} <a href="/console/pipeline">${view.t('navPipeline')}</a>`,
        )
      : '',
    sync.inFuture ? notice('error', view.t('watermarkInFuture')) : '',
    sync.wdtRefusal === null
      ? ''
      : notice(
          'error',
          view.t('wdtRefusal', { at: formatTime(sync.wdtRefusal.at), message: sync.wdtRefusal.message }),
        ),
    sync.lastRunFailure === null
      ? ''
      : notice(
          'error',
          view.t('runFailed', { runId: sync.lastRunFailure.runId, reason: sync.lastRunFailure.reason }),
        ),
  ];
  return html`<section class="card">
    <h2>${view.t('watermark')}</h2>
    ${problems}
    <dl class="facts">
      <dt>${view.t('watermark')}</dt>
      <dd>${sync.watermark === null ? view.t('watermarkNone') : html`${sync.watermark.beijing} <span class="muted">(${view.t('lag')} ${formatDuration(sync.lagSeconds ?? 0, view.lang)})</span>`}</dd>
      <dt>${view.t('lastTick')}</dt>
      <dd>${sync.lastTick === null ? view.t('none') : html`${sync.lastTick.beijing} ${ago(view, sync.lastTick.ageSeconds)}`}</dd>
      <dt>${view.t('runInFlight')}</dt>
      <dd>${sync.inflight === null ? view.t('none') : html`<span class="mono">${sync.inflight.runId}</span>`}</dd>
      <dt>${view.t('lastRun')}</dt>
      <dd>${sync.lastRun === null ? view.t('none') : html`<span class="mono">${sync.lastRun.runId}</span> · ${time(sync.lastRun.finishedAt)} · ${view.t('ordersCount', { n: count(sync.lastRun.orders) })}`}</dd>
    </dl>
  </section>`;
}

function fleetSection(view: View, fleet: LoaderFleet): Html {
  const state = (loader: LoaderFleet['loaders'][number]) =>
    loader.alive
      ? html`<span class="badge ok">${view.t('loaderAlive')}</span>`
      : loader.stopped
        ? html`<span class="badge muted">${view.t('loaderStopped')}</span>`
        : html`<span class="badge bad">${view.t('loaderMissing')}</span>`;
  const alive = fleet.loaders.filter((loader) => loader.alive);
  return html`<section class="card">
    <h2>${view.t('loaderFleet')} <span class="muted">${count(alive.length)}</span></h2>
    ${alive.length === 0 ? notice('warn', view.t('noLoaders')) : ''}
    ${table(
      view,
      [
        {
          label: 'loaderHost',
          cell: (loader) => html`<span class="mono">${loader.host}:${loader.pid}</span>`,
        },
        { label: 'loaderState', cell: state },
        { label: 'loaderLastSeen', cell: (loader) => ago(view, loader.ageSeconds) },
        { label: 'loaderRate', cell: (loader) => formatRate(loader.jobsPerSecond), numeric: true },
        { label: 'loaderProcessed', cell: (loader) => count(loader.processed), numeric: true, wide: true },
      ],
      fleet.loaders,
    )}
  </section>`;
}

function deadSection(view: View, dead: DeadLetterListing): Html {
  const codes = Object.entries(dead.byCode).sort(([a, x], [b, y]) => y - x || a.localeCompare(b));
  return html`<section class="card">
    <h2>${view.t('deadLettersNow')} <span class="muted">${count(dead.scanned)}</span></h2>
    ${
      codes.length === 0
        ? html`<p class="muted">${view.t('deadLettersNone')}</p>`
        : html`<ul class="codes">${codes.map(
            ([code, n]) =>
              html`<li><a href="${href('/console/dead-letters', { code })}">${codeTitle(view, code)}</a> <span class="num">${count(n)}</span></li>`,
          )}</ul><p><a href="/console/dead-letters">${view.t('seeAll')}</a></p>`
    }
  </section>`;
}

function alertsSection(view: View, firing: readonly AlertView[], now: number): Html {
  return html`<section class="card">
    <h2>${view.t('overviewAlerts')} <span class="muted">${count(firing.length)}</span></h2>
    ${
      firing.length === 0
        ? html`<p class="muted">${view.t('overviewAlertsNone')}</p>`
        : html`<ul class="codes">${firing.map(
            (alert) =>
              html`<li>${severityBadge(view, alert)} ${describe(view, alert).text.title} ${ago(view, (now - alert.since) / 1000)}</li>`,
          )}</ul>`
    }
    <p><a href="/console/alerts">${view.t('seeAll')}</a></p>
  </section>`;
}

function reconcileSection(view: View, latest: LatestResult | null): Html {
  return html`<section class="card">
    <h2>${view.t('reconcileLatest')}</h2>
    ${
      latest === null
        ? html`<p class="muted">${view.t('reconcileLatestNone')}</p>`
        : html`<p>${summaryLine({ period: latest.period, summary: latest.summary, state: 'done', error: null }, view.lang)}</p>
          <p class="muted small">${time(latest.finishedAt)}</p>
          <p><a href="/console/reconciliations/${encodeURIComponent(latest.runId)}">${view.t('reconcileOpen')}</a></p>`
    }
  </section>`;
}

export function overviewPages(app: FastifyInstance, deps: PageDeps): void {
  app.get('/', async (request, reply) => {
    const overview = await readOverview(deps.ctx);
    return sendPage(
      request,
      reply,
      (view) => view.t('overviewTitle'),
      (view) => html`
        <div hx-get="/console" hx-trigger="every 15s" hx-select="#live" hx-target="#live" hx-swap="outerHTML" id="live">
          <p class="muted">${view.t('refreshedAt', { at: formatTime(deps.ctx.now()) })}</p>
          ${todayCards(view, overview)}
          <div class="grid">
            ${deadSection(view, overview.dead)}
            ${syncSection(view, overview.sync, overview.queues)}
            ${alertsSection(view, overview.firing, deps.ctx.now())}
            ${reconcileSection(view, overview.reconciliation)}
          </div>
          ${activitySection(view, overview.activity)}
          ${fleetSection(view, overview.fleet)}
        </div>`,
    );
  });
}
