import { formatMoney, formatQuantity } from './format.ts';
import { type Html, html } from './html.ts';
import type { MessageKey } from './i18n.ts';
import type { View } from './layout.ts';
import { table } from './widgets.ts';

/** A WDT field as text for a person (numbers as WDT sent them, objects as JSON). */
export function fieldText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

const HEADER_FIELDS: ReadonlyArray<readonly [string, MessageKey]> = [
  ['order_no', 'stockoutNo'],
  ['stockout_id', 'stockoutId'],
  ['src_trade_no', 'srcTradeNo'],
  ['nick_name', 'customer'],
  ['shop_no', 'shop'],
  ['warehouse_no', 'warehouse'],
  ['consign_time', 'consignTime'],
  ['logistics_no', 'logisticsNo'],
];

export const rowsOf = (order: Readonly<Record<string, unknown>>): ReadonlyArray<Record<string, unknown>> =>
  Array.isArray(order.details_list)
    ? order.details_list.filter(
        (row): row is Record<string, unknown> => typeof row === 'object' && row !== null,
      )
    : [];

/** The order a person recognises: its numbers and parties, its lines with money, and the raw JSON. */
export function orderView(view: View, order: Readonly<Record<string, unknown>>): Html {
  const named = (field: string) => {
    const name = fieldText(
      order[field === 'shop_no' ? 'shop_name' : field === 'warehouse_no' ? 'warehouse_name' : ''],
    );
    return name === '' ? '' : html` <span class="muted">${name}</span>`;
  };
  return html`<section class="card">
    <h2>${view.t('wdtOrder')}</h2>
    <dl class="facts">${HEADER_FIELDS.map(
      ([field, label]) =>
        html`<dt>${view.t(label)}</dt><dd><span class="mono">${fieldText(order[field]) || '—'}</span>${named(field)}</dd>`,
    )}</dl>
    <h3>${view.t('orderRows')}</h3>
    ${table(
      view,
      [
        { label: 'goodsNo', cell: (row) => html`<span class="mono">${fieldText(row.goods_no)}</span>` },
        {
          label: 'goodsName',
          cell: (row) => `${fieldText(row.goods_name)} ${fieldText(row.spec_name)}`.trim(),
          wide: true,
        },
        {
          label: 'specNo',
          cell: (row) => html`<span class="mono">${fieldText(row.spec_no)}</span>`,
          wide: true,
        },
        { label: 'quantity', cell: (row) => formatQuantity(row.goods_count), numeric: true },
        { label: 'price', cell: (row) => formatMoney(row.sell_price), numeric: true },
        { label: 'amount', cell: (row) => formatMoney(row.total_amount), numeric: true, wide: true },
      ],
      rowsOf(order),
    )}
    <details><summary>${view.t('rawJson')}</summary><pre class="json">${JSON.stringify(order, null, 2)}</pre></details>
  </section>`;
}
