import type { ReportItem } from './report.ts';
import { CATEGORY_LABELS, type Lang, reasonText } from './texts.ts';

const HEADERS: Readonly<Record<Lang, readonly string[]>> = {
  'zh-CN': [
    '类别',
    '单据编号',
    '出库单ID',
    '出库单号',
    '日期',
    '客户',
    '行数',
    '数量',
    '金额',
    'K3 FID',
    '字段',
    'WDT',
    'K3',
    '说明',
  ],
  en: [
    'category',
    'bill no',
    'stockout id',
    'stockout no',
    'date',
    'customer',
    'rows',
    'quantity',
    'amount',
    'K3 FID',
    'field',
    'WDT',
    'K3',
    'note',
  ],
};

type Cell = string | number | null;

const cell = (value: Cell): string => {
  if (value === null) return '';
  const text = String(value);
  // A leading =, +, - or @ would be a formula in a spreadsheet (CSV injection): quote it as text.
  const safe = /^[=+\-@]/.test(text) && !/^-?\d/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
};

/** The rows of one report item: one per field difference for a mismatch. */
export function itemRows(item: ReportItem, lang: Lang): Cell[][] {
  const label = CATEGORY_LABELS[lang][item.category];
  switch (item.category) {
    case 'missing':
      return [
        [
          label,
          item.billNo,
          item.stockoutId,
          item.stockoutNo,
          item.consignTime,
          item.customer,
          item.rows,
          item.quantity,
          item.amount,
          null,
          null,
          null,
          null,
          reasonText(item.reason, lang),
        ],
      ];
    case 'extra':
      return [
        [
          label,
          item.billNo,
          null,
          null,
          item.date,
          item.customer,
          item.rows,
          item.quantity,
          item.amount,
          item.fid,
          null,
          null,
          null,
          item.note,
        ],
      ];
    case 'duplicated':
      return [
        [
          label,
          item.billNo,
          item.stockoutIds.join(' '),
          null,
          null,
          null,
          null,
          null,
          null,
          item.fids.join(' '),
          item.side,
          item.copies,
          null,
          null,
        ],
      ];
    case 'mismatch':
      return item.differences.map((difference) => [
        label,
        item.billNo,
        item.stockoutId,
        null,
        null,
        null,
        null,
        null,
        null,
        item.fid,
        difference.field,
        difference.wdt,
        difference.k3,
        null,
      ]);
  }
}

/** The report as CSV (UTF-8 with a BOM, so Excel shows the Chinese headers), streamed line by line. */
export async function* reportCsv(
  items: AsyncIterable<readonly ReportItem[]>,
  lang: Lang = 'zh-CN',
): AsyncGenerator<string> {
  yield `\uFEFF${HEADERS[lang].map(cell).join(',')}\r\n`;
  for await (const chunk of items) {
    let text = '';
    for (const item of chunk)
      for (const row of itemRows(item, lang)) text += `${row.map(cell).join(',')}\r\n`;
    yield text;
  }
}
