import type { DeadLetterDetail, MapIssue } from '@wdt-k3/admin-contract';
import { parseWdtStockoutOrder } from '@wdt-k3/mapping';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { replayOne } from '../../dead-letter-actions.ts';
import { AdminError } from '../../errors.ts';
import {
  applyForm,
  applyJson,
  type EditProblem,
  editableJson,
  formFieldOf,
  HEADER_EDITABLE,
  LOCKED_FIELDS,
  ROW_EDITABLE,
} from '../edit-order.ts';
import { type Html, html } from '../html.ts';
import type { MessageKey } from '../i18n.ts';
import { csrfField, type View } from '../layout.ts';
import { fieldText, rowsOf } from '../order-view.ts';
import type { PageDeps } from '../plugin.ts';
import { issuesTable, type PreviewResult, previewOf, previewView } from '../preview-view.ts';
import { consoleOf, redirectWithFlash, sendPage } from '../render.ts';
import { explanation, notice } from '../widgets.ts';
import { consoleActor, formOf, queryOf } from './console-actor.ts';
import { idOf, loadOrGone } from './dead-letter.ts';

type Mode = 'form' | 'json';

interface EditState {
  readonly mode: Mode;
  /** What the person typed (form fields, or `json`). */
  readonly form: Readonly<Record<string, string>>;
  readonly outcome?:
    | { kind: 'checked'; result: PreviewResult }
    | { kind: 'refused'; issues: readonly MapIssue[]; message: string }
    | { kind: 'problem'; problem: EditProblem };
}

const LABELS: Readonly<Record<string, MessageKey>> = {
  nick_name: 'customer',
  fenxiao_nick: 'saleOrg',
  warehouse_no: 'warehouse',
  shop_no: 'shop',
  src_trade_no: 'srcTradeNo',
  logistics_no: 'logisticsNo',
  consign_time: 'consignTime',
  goods_no: 'goodsNo',
  spec_no: 'specNo',
  goods_count: 'quantity',
  sell_price: 'price',
  order_no: 'stockoutNo',
  stockout_id: 'stockoutId',
};

function issuesOf(state: EditState): readonly MapIssue[] {
  const outcome = state.outcome;
  if (outcome?.kind === 'refused') return outcome.issues;
  if (outcome?.kind === 'checked' && outcome.result.ok === false) return outcome.result.issues;
  return [];
}

function input(name: string, value: string, issues: readonly MapIssue[], label: string): Html {
  const mine = issues.filter((issue) => formFieldOf(issue) === name);
  return html`<label class="${mine.length > 0 ? 'invalid' : ''}"><span>${label}</span>
    <input name="${name}" value="${value}" maxlength="200"${mine.length > 0 ? html` aria-invalid="true"` : ''}>
    ${mine.map((issue) => html`<small class="field-error">${issue.code}: ${issue.message}</small>`)}</label>`;
}

function formFields(view: View, order: Readonly<Record<string, unknown>>, state: EditState): Html {
  const issues = issuesOf(state);
  const value = (name: string, stored: unknown) => state.form[name] ?? fieldText(stored);
  return html`<fieldset><legend>${view.t('orderHeader')}</legend><div class="fields">
      ${HEADER_EDITABLE.map((field) => input(`h.${field}`, value(`h.${field}`, order[field]), issues, view.t(LABELS[field] ?? 'field')))}
    </div></fieldset>
    ${rowsOf(order).map(
      (
        row,
        index,
      ) => html`<fieldset><legend>${view.t('orderRows')} ${index + 1} · ${fieldText(row.goods_name)} ${fieldText(row.spec_name)}</legend><div class="fields">
        ${ROW_EDITABLE.map((field) => input(`r.${index}.${field}`, value(`r.${index}.${field}`, row[field]), issues, view.t(LABELS[field] ?? 'field')))}
      </div></fieldset>`,
    )}`;
}

function outcomeView(view: View, state: EditState): Html | '' {
  const outcome = state.outcome;
  if (outcome === undefined) return '';
  if (outcome.kind === 'problem') {
    const problem = outcome.problem;
    return notice(
      'error',
      problem.kind === 'json'
        ? view.t('jsonInvalid', { message: problem.message })
        : view.t('identityLocked', { fields: problem.fields.join(', ') }),
    );
  }
  if (outcome.kind === 'refused')
    return html`${notice('error', html`${view.t('checkFails')} <span class="mono">${outcome.message}</span>`)}${issuesTable(view, outcome.issues)}`;
  const result = outcome.result;
  return html`${result.ok === true ? notice('info', view.t('checkOk')) : ''}${previewView(view, result)}`;
}

function editPage(
  view: View,
  detail: DeadLetterDetail,
  order: Readonly<Record<string, unknown>>,
  state: EditState,
): Html {
  const path = `/console/dead-letters/${encodeURIComponent(detail.id)}`;
  const code = detail.deadLetter?.error.code;
  return html`
    <p class="lead">${view.t('editLead')}</p>
    ${code === undefined ? '' : explanation(view, code, 'compact')}
    <dl class="facts locked">${LOCKED_FIELDS.map(
      (field) =>
        html`<dt>${view.t(LABELS[field] ?? 'field')}</dt><dd><span class="mono">${fieldText(order[field]) || '—'}</span> <span class="badge muted">${view.t('lockedField')}</span></dd>`,
    )}</dl>
    <nav class="tabs">
      <a href="${path}/edit"${state.mode === 'form' ? html` aria-current="page"` : ''}>${view.t('formMode')}</a>
      <a href="${path}/edit?mode=json"${state.mode === 'json' ? html` aria-current="page"` : ''}>${view.t('jsonMode')}</a>
    </nav>
    <form method="post" action="${path}/replay-edited" class="stack edit">
      ${csrfField(view)}
      <input type="hidden" name="mode" value="${state.mode}">
      ${
        state.mode === 'json'
          ? html`<label>${view.t('jsonLead')}<textarea name="json" rows="24" class="mono" spellcheck="false">${state.form.json ?? editableJson(order)}</textarea></label>`
          : formFields(view, order, state)
      }
      <p class="actions">
        <button type="submit" formaction="${path}/check">${view.t('check')}</button>
        <button type="submit" class="primary">${view.t('replayEdited')}</button>
        <a class="button" href="${path}">${view.t('cancel')}</a>
      </p>
      <div id="check-result">${outcomeView(view, state)}</div>
    </form>`;
}

function build(
  order: Readonly<Record<string, unknown>>,
  mode: Mode,
  form: Readonly<Record<string, string>>,
): { ok: true; order: Record<string, unknown> } | { ok: false; problem: EditProblem } {
  return mode === 'json' ? applyJson(order, form.json ?? '') : { ok: true, order: applyForm(order, form) };
}

async function show(
  deps: PageDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  state: EditState,
  status = 200,
): Promise<FastifyReply> {
  const id = idOf(request);
  const detail = await loadOrGone(deps, request, reply, id);
  if (!('id' in detail)) return detail;
  const order = detail.deadLetter?.order ?? {};
  return sendPage(
    request,
    reply,
    (view) => view.t('editTitle', { id: String(order.order_no ?? id) }),
    (view) => editPage(view, detail, order, state),
    status,
  );
}

const modeOf = (value: string | undefined): Mode => (value === 'json' ? 'json' : 'form');

export function editPages(app: FastifyInstance, deps: PageDeps): void {
  app.get('/dead-letters/:id/edit', { config: { write: true } }, async (request, reply) =>
    show(deps, request, reply, { mode: modeOf(queryOf(request).mode), form: {} }),
  );

  // "Check": the wire schema and the mapping (with K3 lookups when configured), nothing sent.
  app.post('/dead-letters/:id/check', { config: { write: true } }, async (request, reply) => {
    const id = idOf(request);
    const form = formOf(request);
    const mode = modeOf(form.mode);
    const detail = await loadOrGone(deps, request, reply, id);
    if (!('id' in detail)) return detail;
    const built = build(detail.deadLetter?.order ?? {}, mode, form);
    if (!built.ok)
      return show(
        deps,
        request,
        reply,
        { mode, form, outcome: { kind: 'problem', problem: built.problem } },
        422,
      );
    const parsed = parseWdtStockoutOrder(built.order);
    const result: PreviewResult = parsed.ok
      ? await previewOf(deps.preview, built.order)
      : { ok: false, issues: parsed.issues };
    return show(
      deps,
      request,
      reply,
      { mode, form, outcome: { kind: 'checked', result } },
      result.ok === false ? 422 : 200,
    );
  });

  app.post('/dead-letters/:id/replay-edited', { config: { write: true } }, async (request, reply) => {
    const id = idOf(request);
    const form = formOf(request);
    const mode = modeOf(form.mode);
    const detail = await loadOrGone(deps, request, reply, id);
    if (!('id' in detail)) return detail;
    const built = build(detail.deadLetter?.order ?? {}, mode, form);
    if (!built.ok)
      return show(
        deps,
        request,
        reply,
        { mode, form, outcome: { kind: 'problem', problem: built.problem } },
        422,
      );
    try {
      const outcome = await replayOne(deps.ctx, consoleActor(request), { id, order: built.order });
      const { t } = consoleOf(request);
      return redirectWithFlash(request, reply, '/console/dead-letters', {
        kind: 'ok',
        text: t(outcome.deadLetterRemoved ? 'replayedFlash' : 'replayedKeptFlash', {
          id,
          jobId: outcome.jobId,
        }),
      });
    } catch (err) {
      if (!(err instanceof AdminError) || err.statusCode >= 500 || err.code === 'ADMIN_NOT_FOUND') throw err;
      const details = err.details as { issues?: MapIssue[] } | undefined;
      return show(
        deps,
        request,
        reply,
        {
          mode,
          form,
          outcome: { kind: 'refused', issues: details?.issues ?? [], message: `${err.code}: ${err.message}` },
        },
        err.statusCode,
      );
    }
  });
}
