import { describeCode } from '@wdt-k3/jobs';
import { formatAgo, formatCount, formatTime } from './format.ts';
import { type Html, html, type Renderable } from './html.ts';
import type { MessageKey } from './i18n.ts';
import type { View } from './layout.ts';

/** A link into the console with a query; every value is URL-encoded. */
export function href(
  path: string,
  query: Readonly<Record<string, string | number | undefined | null>> = {},
): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query))
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  const text = params.toString();
  return text === '' ? path : `${path}?${text}`;
}

export const codeBadge = (code: string): Html => html`<span class="code">${code}</span>`;

/** A code and its title, in the page's language (one catalogue: describeCode). */
export const codeTitle = (view: View, code: string): Html =>
  html`${codeBadge(code)} <span class="code-title">${describeCode(code, view.lang).title}</span>`;

/** A base-data kind as the loader names it (material, customer, stock…) in the page's language. */
export function kindName(view: View, kind: string): string {
  const key = `kind_${kind}`;
  return key in KINDS ? view.t(key as MessageKey) : kind;
}
const KINDS: Readonly<Record<string, true>> = {
  kind_material: true,
  kind_customer: true,
  kind_stock: true,
  kind_warehouse: true,
  'kind_sale-org': true,
  'kind_stock-org': true,
  kind_salesman: true,
  'kind_stock-status': true,
  kind_owner: true,
  kind_keeper: true,
};

/** A code's title, meaning and action, from the one catalogue, in the page's language. */
/** `full`: the code and its title; `compact`: the title; `bare`: neither (the card heading names it). */
export function explanation(view: View, code: string, mode: 'full' | 'compact' | 'bare' = 'full'): Html {
  const compact = mode !== 'full';
  const text = describeCode(code, view.lang);
  return html`<div class="explain${compact ? ' compact' : ''}">
    ${mode === 'bare' ? '' : html`<p class="title">${mode === 'full' ? html`${codeBadge(code)} ` : ''}<strong>${text.title}</strong></p>`}
    <dl>
      <dt>${view.t('whatHappened')}</dt><dd>${text.meaning}</dd>
      <dt>${view.t('whatToDo')}</dt><dd>${text.action}</dd>
    </dl>
  </div>`;
}

export function time(ms: number | null | undefined): Renderable {
  return ms === null || ms === undefined
    ? '—'
    : html`<time datetime="${new Date(ms).toISOString()}">${formatTime(ms)}</time>`;
}

export function ago(view: View, seconds: number): Html {
  return html`<span class="muted">${formatAgo(seconds, view.lang)}</span>`;
}

export const count = (value: number): string => formatCount(value);

export interface Column<T> {
  readonly label: MessageKey | '';
  readonly cell: (row: T) => Renderable;
  readonly numeric?: boolean;
  /** Hidden on phones. */
  readonly wide?: boolean;
}

/** A table that scrolls inside its own box on a phone, never the page. */
export function table<T>(
  view: View,
  columns: readonly Column<T>[],
  rows: readonly T[],
  empty?: string,
): Html {
  if (rows.length === 0 && empty !== undefined) return html`<p class="muted">${empty}</p>`;
  const cls = (column: Column<T>) =>
    [column.numeric ? 'num' : '', column.wide ? 'wide' : ''].filter(Boolean).join(' ');
  return html`<div class="table-wrap"><table>
    <thead><tr>${columns.map((column) => html`<th class="${cls(column)}">${column.label === '' ? '' : view.t(column.label)}</th>`)}</tr></thead>
    <tbody>${rows.map(
      (row) =>
        html`<tr>${columns.map((column) => html`<td class="${cls(column)}">${column.cell(row)}</td>`)}</tr>`,
    )}</tbody>
  </table></div>`;
}

export function stat(label: string, value: number, tone = ''): Html {
  return html`<div class="stat ${tone}"><span class="value">${formatCount(value)}</span><span class="label">${label}</span></div>`;
}

export function notice(kind: 'warn' | 'error' | 'info', text: Renderable): Html {
  return html`<div class="notice ${kind}" role="${kind === 'info' ? 'status' : 'alert'}">${text}</div>`;
}

/** Text that may be long (K3 messages): cut for a table cell, whole in the title. */
export function clip(text: string, max = 80): Html {
  return text.length <= max ? html`${text}` : html`<span title="${text}">${text.slice(0, max)}…</span>`;
}
