import type { Category, MissingReason, RunRecord } from './report.ts';

/** zh-CN first for people, English by a setting (RECONCILE_LANG, the CLI's --lang). */
export type Lang = 'zh-CN' | 'en';

export const CATEGORY_LABELS: Readonly<Record<Lang, Readonly<Record<Category, string>>>> = {
  'zh-CN': { missing: '漏单', extra: '多单', duplicated: '重复', mismatch: '不一致' },
  en: { missing: 'missing', extra: 'extra', duplicated: 'duplicated', mismatch: 'mismatched' },
};

const REASONS: Readonly<Record<Lang, Readonly<Record<MissingReason['kind'], string>>>> = {
  'zh-CN': {
    'dead-lettered': '已进入死信队列',
    discarded: '已被丢弃',
    pending: '处理中（已抽取，尚未写入）',
    unmappable: '映射失败',
    saved: '曾写入 K3，单据已不在 K3（被删除？）',
    'never-extracted': '从未抽取',
    unknown: '原因不明（无台账）',
  },
  en: {
    'dead-lettered': 'dead-lettered',
    discarded: 'discarded',
    pending: 'in progress (extracted, not saved yet)',
    unmappable: 'does not map',
    saved: 'was saved; the bill is gone from K3 (deleted?)',
    'never-extracted': 'never extracted',
    unknown: 'unknown (no ledger)',
  },
};

/** `已进入死信队列 K3_BASEDATA_MISSING`, `已被丢弃 by ops: test order`. */
export function reasonText(reason: MissingReason, lang: Lang): string {
  const parts = [REASONS[lang][reason.kind]];
  if (reason.code !== null) parts.push(reason.code);
  if (reason.kind === 'discarded' && reason.by !== null)
    parts.push(lang === 'en' ? `by ${reason.by}` : `操作人 ${reason.by}`);
  if (reason.kind === 'discarded' && reason.note !== null)
    parts.push(lang === 'en' ? `why: ${reason.note}` : `原因：${reason.note}`);
  return parts.join(' ');
}

const count = (value: number): string => value.toLocaleString('en-US');

/** `对账 2026-11-30: WDT 12,431 · K3 12,429 · 漏单 2 · 多单 0 · 重复 0 · 不一致 1` */
export function summaryLine(
  run: Pick<RunRecord, 'period' | 'summary' | 'state' | 'error'>,
  lang: Lang = 'zh-CN',
): string {
  const period = run.period.from === run.period.to ? run.period.from : `${run.period.from}…${run.period.to}`;
  const head = lang === 'en' ? `Reconciliation ${period}` : `对账 ${period}`;
  if (run.summary === null) {
    if (run.state === 'failed')
      return `${head}: ${lang === 'en' ? 'failed' : '失败'} ${run.error?.code ?? ''} ${run.error?.message ?? ''}`.trim();
    return `${head}: ${run.state}`;
  }
  const s = run.summary;
  const labels = CATEGORY_LABELS[lang];
  const extra = s.extraChecked ? count(s.extra) : '—';
  return `${head}: WDT ${count(s.wdt.orders)} · K3 ${count(s.k3.orders)} · ${labels.missing} ${count(s.missing)} · ${labels.extra} ${extra} · ${labels.duplicated} ${count(s.duplicated)} · ${labels.mismatch} ${count(s.mismatched)}`;
}
