import {
  type AlertView,
  type ChannelStatus,
  listAlerts,
  listChannels,
  listSilences,
  ruleById,
  type Silence,
  silenceInputSchema,
} from '@wdt-k3/alerts';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { endAlertSilence, silenceAlerts, testAlertChannel } from '../../alert-actions.ts';
import { formatTime } from '../format.ts';
import { type Html, html, type Renderable } from '../html.ts';
import type { MessageKey } from '../i18n.ts';
import { canWrite, type View, writeForm } from '../layout.ts';
import type { PageDeps } from '../plugin.ts';
import { consoleOf, redirectWithFlash, sendPage } from '../render.ts';
import { clip, count, notice, table, time } from '../widgets.ts';
import { consoleActor, formOf } from './console-actor.ts';

const PAGE = '/console/alerts';
/** The durations the form offers, in hours (the API takes any from a minute to 30 days). */
const DURATIONS_H = [1, 4, 24, 72, 168] as const;
const SILENCE_ID = /^[A-Za-z0-9-]{1,40}$/;
const CHANNEL = /^[a-z0-9][a-z0-9_-]{0,39}$/;
/** How long the console waits for a test message's outcome before saying it is queued. */
const TEST_WAIT_MS = 5_000;

const SEVERITY_TONE = { critical: 'bad', warning: 'warn', info: 'muted' } as const;

/** An alert's severity as a badge, in the page's language (the overview uses it too). */
export const severityBadge = (view: View, alert: AlertView): Html =>
  html`<span class="badge ${SEVERITY_TONE[alert.severity]}">${view.t(`severity_${alert.severity}` as MessageKey)}</span>`;

const durationLabel = (view: View, hours: number): string =>
  hours < 48 ? view.t('silenceHours', { n: hours }) : view.t('silenceDays', { n: hours / 24 });

/** What the rule says about its alert, in the page's language (the same words as the chat message). */
export function describe(view: View, alert: AlertView) {
  const rule = ruleById(alert.rule);
  const finding = { subject: alert.subject, value: alert.value, since: alert.since, facts: alert.facts };
  return {
    text: rule?.describe(finding, view.lang === 'en' ? 'en' : 'zh-CN') ?? {
      title: alert.key,
      summary: '',
      fields: [],
      action: '',
    },
    link: rule?.link(finding) ?? null,
    command: rule?.command(finding) ?? null,
  };
}

function silenceForm(view: View, alert: AlertView): Renderable {
  if (!canWrite(view) || alert.muted !== null) return '';
  return html`<details class="silence"><summary>${view.t('silenceButton')}</summary>${writeForm(
    view,
    `${PAGE}/silence`,
    html`<input type="hidden" name="rule" value="${alert.rule}">
      <div class="fields">
        <label>${view.t('silenceKind')}<select name="kind">
          <option value="ack">${view.t('silenceKindAck')}</option>
          <option value="silence">${view.t('silenceKindSilence')}</option></select></label>
        <label>${view.t('silenceFor')}<select name="hours">${DURATIONS_H.map(
          (hours) =>
            html`<option value="${hours}"${hours === 4 ? html` selected` : ''}>${durationLabel(view, hours)}</option>`,
        )}</select></label>
        <label>${view.t('silenceTarget')}<select name="key">
          <option value="${alert.key}">${view.t('silenceThisAlert')}</option>
          <option value="">${view.t('silenceWholeRule')} (${alert.rule})</option></select></label>
      </div>
      <label>${view.t('silenceReason')}<input name="reason" minlength="3" maxlength="500" required></label>
      <button type="submit" class="primary">${view.t('silenceButton')}</button>`,
  )}</details>`;
}

function alertCard(view: View, alert: AlertView): Html {
  const { text, link, command } = describe(view, alert);
  return html`<article class="card alert ${alert.severity}" id="alert-${alert.key.replace(/[^A-Za-z0-9_-]/g, '-')}" data-rule="${alert.rule}" data-status="${alert.status}">
    <h3>${severityBadge(view, alert)}
      <span class="badge ${alert.status === 'firing' ? 'bad' : 'muted'}">${view.t(`alertStatus_${alert.status}` as MessageKey)}</span>
      ${alert.muted === null ? '' : html`<span class="badge muted">${view.t(`alertMuted_${alert.muted}` as MessageKey)}</span>`}
      ${text.title}</h3>
    <p>${text.summary}</p>
    <dl class="facts">
      ${text.fields.map(([label, value]) => html`<dt>${label}</dt><dd>${clip(value, 200)}</dd>`)}
      <dt>${view.t('alertSince')}</dt><dd>${time(alert.since)}</dd>
      <dt>${view.t('rule')}</dt><dd class="mono">${alert.rule}</dd>
      ${command === null ? '' : html`<dt>${view.t('alertCommand')}</dt><dd class="mono small">${command}</dd>`}
    </dl>
    ${text.action === '' ? '' : html`<p><strong>${view.t('whatToDo')}</strong> ${text.action}</p>`}
    ${link === null ? '' : html`<p><a class="button primary" href="${link}">${view.t('alertActOn')}</a></p>`}
    ${silenceForm(view, alert)}
  </article>`;
}

function resolvedTable(view: View, alerts: readonly AlertView[]): Html {
  return table(
    view,
    [
      { label: 'rule', cell: (alert) => describe(view, alert).text.title },
      { label: 'alertSince', cell: (alert) => time(alert.since) },
      { label: 'alertResolvedAt', cell: (alert) => time(alert.resolvedAt) },
    ],
    alerts,
    view.t('alertsResolvedNone'),
  );
}

function silencesTable(view: View, silences: readonly Silence[], now: number): Html {
  return table(
    view,
    [
      { label: 'silenceTarget', cell: (s) => html`<span class="mono">${s.key ?? s.rule}</span>` },
      {
        label: 'silenceKind',
        cell: (s) => view.t(s.kind === 'ack' ? 'alertMuted_ack' : 'alertMuted_silence'),
      },
      {
        label: 'silenceUntil',
        cell: (s) =>
          html`${time(s.until)} <span class="badge ${s.until > now ? 'ok' : 'muted'}">${view.t(s.until > now ? 'silenceActive' : 'silenceExpired')}</span>`,
      },
      { label: 'silenceBy', cell: (s) => s.by },
      { label: 'reason', cell: (s) => clip(s.reason), wide: true },
      {
        label: '',
        cell: (s) =>
          canWrite(view) && s.until > now
            ? writeForm(
                view,
                `${PAGE}/silences/${encodeURIComponent(s.id)}/end`,
                html`<button type="submit" class="link">${view.t('silenceEnd')}</button>`,
                'inline',
              )
            : '',
      },
    ],
    silences,
    view.t('silencesNone'),
  );
}

function channelsTable(view: View, channels: readonly ChannelStatus[]): Html {
  return table(
    view,
    [
      { label: 'channelName', cell: (c) => html`<strong>${c.name}</strong>` },
      { label: 'channelType', cell: (c) => c.type },
      { label: 'channelTarget', cell: (c) => html`<span class="mono small">${c.target}</span>`, wide: true },
      { label: 'channelDelivered', cell: (c) => count(c.delivered), numeric: true },
      { label: 'channelFailures', cell: (c) => count(c.failures), numeric: true },
      {
        label: 'channelLastFailure',
        cell: (c) =>
          c.lastFailure === null
            ? '—'
            : html`${time(c.lastFailure.at)} <span class="code">${c.lastFailure.code}</span>`,
        wide: true,
      },
      {
        label: '',
        cell: (c) =>
          canWrite(view)
            ? writeForm(
                view,
                `${PAGE}/channels/${c.name}/test`,
                html`<button type="submit">${view.t('channelTest')}</button>`,
                'inline',
              )
            : '',
      },
    ],
    channels,
    view.t('channelsNone'),
  );
}

const back = (request: FastifyRequest, reply: FastifyReply, kind: 'ok' | 'error', text: string) =>
  redirectWithFlash(request, reply, PAGE, { kind, text });

export function alertPages(app: FastifyInstance, deps: PageDeps): void {
  const { ctx } = deps;

  app.get('/alerts', async (request, reply) => {
    const now = ctx.now();
    const [list, silences, channels] = await Promise.all([
      listAlerts(ctx.redis, ctx.prefix, 'all', now),
      listSilences(ctx.redis, ctx.prefix),
      listChannels(ctx.redis, ctx.prefix),
    ]);
    const open = list.alerts.filter((alert) => alert.status !== 'resolved');
    const resolved = list.alerts.filter((alert) => alert.status === 'resolved');
    return sendPage(
      request,
      reply,
      (view) => view.t('alertsTitle'),
      (view) => html`
        <p class="lead">${view.t('alertsLead')}</p>
        ${list.evaluator === null ? notice('warn', view.t('alertsNoEvaluator')) : html`<p class="muted small">${view.t('alertsEvaluator', { id: list.evaluator })}</p>`}
        <h2 class="section">${view.t('alertsFiring')} <span class="muted">${count(open.length)}</span></h2>
        ${open.length === 0 ? html`<p class="muted">${view.t('alertsNone')}</p>` : open.map((alert) => alertCard(view, alert))}
        <section class="card"><h2>${view.t('alertsResolved')}</h2>${resolvedTable(view, resolved)}</section>
        <section class="card" id="silences"><h2>${view.t('silencesTitle')}</h2>${silencesTable(view, silences, now)}</section>
        <section class="card" id="channels"><h2>${view.t('channelsTitle')}</h2>${channelsTable(view, channels)}</section>`,
    );
  });

  app.post('/alerts/silence', { config: { write: true } }, async (request, reply) => {
    const form = formOf(request);
    const { t } = consoleOf(request);
    const hours = Number(form.hours);
    const parsed = silenceInputSchema.safeParse({
      rule: form.rule,
      ...(form.key === undefined || form.key === '' ? {} : { key: form.key }),
      kind: form.kind,
      durationMs: Number.isFinite(hours) ? Math.round(hours * 3_600_000) : Number.NaN,
      reason: form.reason ?? '',
    });
    if (!parsed.success) {
      const message = parsed.error.issues
        .map((issue) => `${issue.path.join('.')}: ${issue.message}`)
        .join('; ');
      return back(request, reply, 'error', t('invalidInput', { message }));
    }
    const silence = await silenceAlerts(ctx, consoleActor(request), parsed.data);
    return back(
      request,
      reply,
      'ok',
      t('silenceDone', {
        kind: t(silence.kind === 'ack' ? 'alertMuted_ack' : 'alertMuted_silence'),
        target: silence.key ?? silence.rule,
        until: formatTime(silence.until),
      }),
    );
  });

  app.post<{ Params: { id: string } }>(
    '/alerts/silences/:id/end',
    { config: { write: true } },
    async (request, reply) => {
      const { t } = consoleOf(request);
      const { id } = request.params;
      if (!SILENCE_ID.test(id)) return back(request, reply, 'error', t('invalidInput', { message: id }));
      const silence = await endAlertSilence(ctx, consoleActor(request), id);
      return back(request, reply, 'ok', t('silenceEnded', { target: silence.key ?? silence.rule }));
    },
  );

  app.post<{ Params: { name: string } }>(
    '/alerts/channels/:name/test',
    { config: { write: true } },
    async (request, reply) => {
      const { t } = consoleOf(request);
      const { name } = request.params;
      if (!CHANNEL.test(name)) return back(request, reply, 'error', t('invalidInput', { message: name }));
      const outcome = await testAlertChannel(ctx, consoleActor(request), name, TEST_WAIT_MS);
      if (outcome.outcome === 'delivered')
        return back(request, reply, 'ok', t('channelTestDelivered', { name }));
      if (outcome.outcome === 'pending')
        return back(request, reply, 'error', t('channelTestPending', { name }));
      return back(
        request,
        reply,
        'error',
        t('channelTestFailed', { name, code: outcome.code ?? '', message: outcome.message ?? '' }),
      );
    },
  );
}
