import type { MapIssue } from '@wdt-k3/admin-contract';
import type { PreviewOrder } from '../context.ts';
import { formatMoney, formatQuantity } from './format.ts';
import { type Html, html } from './html.ts';
import type { View } from './layout.ts';
import { fieldText } from './order-view.ts';
import { codeBadge, notice, table } from './widgets.ts';

export type PreviewResult = Awaited<ReturnType<PreviewOrder>> | { ok: 'unavailable'; message: string };

/** A preview calls K3 for the salesman and the sales order; a page never waits longer than this. */
const PREVIEW_TIMEOUT_MS = 15_000;

export async function previewOf(
  preview: PreviewOrder | undefined,
  order: Record<string, unknown>,
): Promise<PreviewResult> {
  if (preview === undefined) return { ok: 'unavailable', message: 'no mapping configured' };
  try {
    return await preview(order, AbortSignal.timeout(PREVIEW_TIMEOUT_MS));
  } catch (err) {
    const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
    return {
      ok: 'unavailable',
      message: typeof code === 'string' ? code : err instanceof Error ? err.name : 'error',
    };
  }
}

export function issuesTable(view: View, issues: readonly MapIssue[]): Html {
  return table(
    view,
    [
      { label: 'code', cell: (issue) => codeBadge(issue.code) },
      { label: 'field', cell: (issue) => html`<span class="mono">${issue.path}</span>` },
      { label: 'message', cell: (issue) => issue.message },
    ],
    issues,
  );
}

/** The bill the mapping makes (a few key fields and the model as JSON), or its issues. */
export function previewView(view: View, result: PreviewResult): Html {
  if (result.ok === 'unavailable')
    return html`<section class="card" id="preview"><h2>${view.t('billPreview')}</h2>${notice('info', view.t('billPreviewUnavailable', { message: result.message }))}</section>`;
  if (!result.ok)
    return html`<section class="card" id="preview"><h2>${view.t('billPreview')}</h2>
      ${notice('warn', view.t('billPreviewFails'))}${issuesTable(view, result.issues)}</section>`;
  const model = result.model;
  const entries = Array.isArray(model.FEntity) ? (model.FEntity as Array<Record<string, unknown>>) : [];
  return html`<section class="card" id="preview"><h2>${view.t('billPreview')}</h2>
    ${notice('info', view.t('billPreviewOk'))}
    ${result.unlinked ? html`<p class="muted">${view.t('billPreviewUnlinked')}</p>` : ''}
    <dl class="facts">
      <dt>${view.t('k3Bill')}</dt><dd class="mono">${fieldText(model.FBillNo)}</dd>
      <dt>${view.t('billDate')}</dt><dd>${fieldText(model.FDate)}</dd>
      <dt>${view.t('customer')}</dt><dd class="mono">${numberOf(model.FCustomerID)}</dd>
      <dt>${view.t('saleOrg')}</dt><dd class="mono">${numberOf(model.FSaleOrgId)}</dd>
      <dt>${view.t('salesman')}</dt><dd class="mono">${numberOf(model.FSalesManID) || '—'}</dd>
    </dl>
    ${table(
      view,
      [
        { label: 'material', cell: (row) => html`<span class="mono">${numberOf(row.FMaterialID)}</span>` },
        { label: 'quantity', cell: (row) => formatQuantity(row.FRealQty), numeric: true },
        { label: 'price', cell: (row) => formatMoney(row.FTaxPrice), numeric: true },
        {
          label: 'warehouse',
          cell: (row) => html`<span class="mono">${numberOf(row.FStockID)}</span>`,
          wide: true,
        },
        {
          label: 'linked',
          cell: (row) =>
            Array.isArray(row.FEntity_Link) && row.FEntity_Link.length > 0 ? view.t('yes') : view.t('no'),
        },
      ],
      entries,
    )}
    <details><summary>${view.t('modelJson')}</summary><pre class="json">${JSON.stringify(model, null, 2)}</pre></details>
  </section>`;
}

/** A K3 base-data reference (`{ FNumber }`) as its number. */
function numberOf(ref: unknown): string {
  if (typeof ref !== 'object' || ref === null) return '';
  const value = (ref as Record<string, unknown>).FNumber ?? (ref as Record<string, unknown>).FNUMBER;
  return fieldText(value);
}
