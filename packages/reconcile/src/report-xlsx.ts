import type { Writable } from 'node:stream';
import { Decimal } from '@wdt-k3/mapping';
import { formatBeijingTime } from '@wdt-k3/runtime';
import ExcelJS from 'exceljs';
import type { Category, ReportItem, RunRecord } from './report.ts';
import { CATEGORY_LABELS, type Lang, reasonText } from './texts.ts';

type Cell = string | number | null;

/** Exact decimals as spreadsheet numbers: ≤ 15 significant digits survive a double (DBL_DIG). */
const num = (text: string): number => Number(text);

const SHEETS: Readonly<Record<Lang, Readonly<Record<Category, readonly string[]>>>> = {
  'zh-CN': {
    missing: [
      '单据编号',
      '出库单ID',
      '出库单号',
      '发货时间',
      '客户',
      '行数',
      '数量',
      '金额',
      '原因',
      '代码',
      '说明',
    ],
    extra: ['单据编号', 'K3 FID', '日期', '客户', '行数', '数量', '金额', '说明'],
    duplicated: ['单据编号', '来源', '份数', 'K3 FID', '出库单ID'],
    mismatch: ['单据编号', '出库单ID', 'K3 FID', '字段', 'WDT', 'K3'],
  },
  en: {
    missing: [
      'bill no',
      'stockout id',
      'stockout no',
      'consign time',
      'customer',
      'rows',
      'quantity',
      'amount',
      'reason',
      'code',
      'note',
    ],
    extra: ['bill no', 'K3 FID', 'date', 'customer', 'rows', 'quantity', 'amount', 'note'],
    duplicated: ['bill no', 'side', 'copies', 'K3 FID', 'stockout id'],
    mismatch: ['bill no', 'stockout id', 'K3 FID', 'field', 'WDT', 'K3'],
  },
};

function rowsOf(item: ReportItem, lang: Lang): Cell[][] {
  switch (item.category) {
    case 'missing':
      return [
        [
          item.billNo,
          item.stockoutId,
          item.stockoutNo,
          item.consignTime,
          item.customer,
          item.rows,
          num(item.quantity),
          num(item.amount),
          reasonText(item.reason, lang),
          item.reason.code,
          item.reason.note,
        ],
      ];
    case 'extra':
      return [
        [
          item.billNo,
          item.fid,
          item.date,
          item.customer,
          item.rows,
          num(item.quantity),
          num(item.amount),
          item.note,
        ],
      ];
    case 'duplicated':
      return [[item.billNo, item.side, item.copies, item.fids.join(' '), item.stockoutIds.join(' ')]];
    case 'mismatch':
      return item.differences.map((difference) => {
        const numeric = /^(quantity|amount|gift):/.test(difference.field) || difference.field === 'rows';
        const value = (v: string | number | null): Cell => (numeric && v !== null ? Number(v) : v);
        return [
          item.billNo,
          item.stockoutId,
          item.fid,
          difference.field,
          value(difference.wdt),
          value(difference.k3),
        ];
      });
  }
}

const SUMMARY_TEXT: Readonly<Record<Lang, Record<string, string>>> = {
  'zh-CN': {
    sheet: '汇总',
    item: '项目',
    orders: '单据数',
    rows: '行数',
    quantity: '数量',
    amount: '金额',
    diff: '差额',
    category: '类别',
    count: '数量',
    period: '期间',
    run: '对账编号',
    finished: '完成时间（北京时间）',
    notChecked: '未核对（按店铺/仓库筛选）',
  },
  en: {
    sheet: 'Summary',
    item: 'item',
    orders: 'orders',
    rows: 'rows',
    quantity: 'quantity',
    amount: 'amount',
    diff: 'difference',
    category: 'category',
    count: 'count',
    period: 'period',
    run: 'run',
    finished: 'finished (Beijing)',
    notChecked: 'not checked (shop/warehouse filter)',
  },
};

const FROZEN = [{ state: 'frozen' as const, ySplit: 1 }];

/**
 * The workbook: a summary sheet with both sides' totals side by side and the count of each
 * category, then one sheet per category, Chinese headers (or English), numbers as numbers, header
 * rows frozen. Streamed (exceljs' WorkbookWriter), each sheet committed before the next: memory
 * stays bounded whatever the report's size.
 */
export async function writeReportXlsx(
  run: RunRecord,
  items: () => AsyncIterable<readonly ReportItem[]>,
  out: Writable,
  lang: Lang = 'zh-CN',
): Promise<void> {
  const t = SUMMARY_TEXT[lang];
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: out,
    useStyles: true,
    useSharedStrings: false,
  });
  const summary = workbook.addWorksheet(t.sheet, { views: FROZEN });
  summary.columns = [{ width: 22 }, { width: 18 }, { width: 18 }, { width: 18 }];
  const header = summary.addRow([t.item, 'WDT', 'K3', t.diff]);
  header.font = { bold: true };
  header.commit();
  const s = run.summary;
  if (s !== null) {
    const side = (key: 'orders' | 'rows' | 'quantity' | 'amount'): void => {
      const difference = new Decimal(s.k3[key]).minus(s.wdt[key]);
      summary.addRow([t[key], Number(s.wdt[key]), Number(s.k3[key]), Number(difference.toString())]).commit();
    };
    for (const key of ['orders', 'rows', 'quantity', 'amount'] as const) side(key);
    summary.addRow([]).commit();
    const categories = summary.addRow([t.category, t.count]);
    categories.font = { bold: true };
    categories.commit();
    const labels = CATEGORY_LABELS[lang];
    summary.addRow([labels.missing, s.missing]).commit();
    summary.addRow([labels.extra, s.extraChecked ? s.extra : t.notChecked]).commit();
    summary.addRow([labels.duplicated, s.duplicated]).commit();
    summary.addRow([labels.mismatch, s.mismatched]).commit();
    summary.addRow([]).commit();
  }
  summary.addRow([t.period, run.period.from, run.period.to]).commit();
  summary.addRow([t.run, run.id]).commit();
  if (run.finishedAt !== null) summary.addRow([t.finished, formatBeijingTime(run.finishedAt)]).commit();
  summary.commit();
  for (const category of ['missing', 'extra', 'duplicated', 'mismatch'] as const) {
    const sheet = workbook.addWorksheet(CATEGORY_LABELS[lang][category], { views: FROZEN });
    const headers = SHEETS[lang][category];
    sheet.columns = headers.map(() => ({ width: 18 }));
    const head = sheet.addRow([...headers]);
    head.font = { bold: true };
    head.commit();
    for await (const chunk of items())
      for (const item of chunk) {
        if (item.category !== category) continue;
        for (const row of rowsOf(item, lang)) sheet.addRow(row).commit();
      }
    sheet.commit();
  }
  await workbook.commit();
}
