import type { Language } from '@wdt-k3/jobs';

/**
 * The words of `--wait`'s report, in the CLI's language (WDT_K3_LANG, or --lang): Chinese by
 * default, as the operators of a WDT → K3 integration read it, English by setting.
 */

/** What became of one order, as `sync orders --wait` reports it. */
export type Outcome = 'saved' | 'changed' | 'dead' | 'discarded' | 'not_found' | 'pending' | 'unknown';

export interface WaitText {
  readonly outcome: Readonly<Record<Outcome, string>>;
  readonly columns: readonly [string, string, string, string, string];
  readonly bill: (billNo: string, fid: string | null) => string;
  readonly discardedBy: (by: string, reason: string) => string;
  readonly lastAttempt: (attempts: number, code: string) => string;
  readonly notInLedger: string;
  /** `3 单：已入 K3 1 · 死信 2`. */
  readonly summary: (total: number, parts: readonly string[]) => string;
  readonly waiting: (jobId: string, state: string, runId: string | null) => string;
  /** Progress: orders (a backfill) or named numbers (an order sync) with an outcome so far. */
  readonly settled: (done: number, total: number, numbers: boolean) => string;
  readonly runFailed: (kind: string, jobId: string, reason: string) => string;
  readonly committed: (
    jobId: string,
    runId: string,
    read: { orders: number; enqueued: number; duplicates: number },
  ) => string;
  readonly codes: string;
  readonly codeColumns: readonly [string, string];
  readonly timedOut: (timeout: string) => string;
  readonly noLedger: string;
  readonly kind: Readonly<Record<'backfill' | 'orders', string>>;
}

const zh: WaitText = {
  outcome: {
    saved: '已入 K3',
    changed: '已入 K3，之后 WDT 有改动',
    dead: '死信',
    discarded: '已丢弃',
    not_found: 'WDT 无此单',
    pending: '仍在处理',
    unknown: '账本尚无记录',
  },
  columns: ['单号', '出库单', '结果', '时间（北京）', '详情'],
  bill: (billNo, fid) => `K3 单据 ${billNo}${fid === null ? '' : `（FID ${fid}）`}`,
  discardedBy: (by, reason) => `${by} 丢弃：${reason}`,
  lastAttempt: (attempts, code) => `已试 ${attempts} 次，最近一次 ${code}`,
  notInLedger: 'WDT 有此单，账本还没有它的记录',
  summary: (total, parts) => `${total} 单${parts.length === 0 ? '' : `：${parts.join(' · ')}`}`,
  waiting: (jobId, state, runId) =>
    `任务 ${jobId}：${{ queued: '排队中', running: '读取中', committed: '已提交', failed: '失败' }[state] ?? state}${runId === null ? '' : `（${runId}）`}`,
  settled: (done, total, numbers) => `已有结果 ${done}/${total} ${numbers ? '个单号' : '单'}`,
  runFailed: (kind, jobId, reason) => `${kind}任务 ${jobId} 失败，不会提交：${reason}`,
  committed: (jobId, runId, read) =>
    `回补任务 ${jobId} 已提交（${runId}）：从 WDT 读取 ${read.orders} 单，入队 ${read.enqueued} 单，${read.duplicates} 单已在流水线中（未重新加载）。`,
  codes: '死信原因：',
  codeColumns: ['代码', '单数'],
  timedOut: (timeout) => `等待 ${timeout} 后仍有订单没有结果；稍后用 wdt-k3 order show <单号> 查看。`,
  noLedger: '管理端没有配置订单账本（DATABASE_URL），无法说明这些订单的结果。',
  kind: { backfill: '回补', orders: '同步' },
};

const en: WaitText = {
  outcome: {
    saved: 'in K3',
    changed: 'in K3, changed in WDT after the save',
    dead: 'dead-lettered',
    discarded: 'discarded',
    not_found: 'not in WDT',
    pending: 'still loading',
    unknown: 'not in the ledger yet',
  },
  columns: ['NUMBER', 'STOCK-OUT', 'OUTCOME', 'AT (BEIJING)', 'DETAIL'],
  bill: (billNo, fid) => `K3 bill ${billNo}${fid === null ? '' : ` (FID ${fid})`}`,
  discardedBy: (by, reason) => `by ${by}: ${reason}`,
  lastAttempt: (attempts, code) => `${attempts} attempts so far, last ${code}`,
  notInLedger: 'WDT has it; the ledger has no record of it yet',
  summary: (total, parts) =>
    `${total} ${total === 1 ? 'order' : 'orders'}${parts.length === 0 ? '' : `: ${parts.join(' · ')}`}`,
  waiting: (jobId, state, runId) => `job ${jobId}: ${state}${runId === null ? '' : ` (run ${runId})`}`,
  settled: (done, total, numbers) => `${done}/${total} ${numbers ? 'numbers' : 'orders'} settled`,
  runFailed: (kind, jobId, reason) => `The ${kind} job ${jobId} failed and will not commit: ${reason}`,
  committed: (jobId, runId, read) =>
    `Backfill job ${jobId} committed (run ${runId}): ${read.orders} orders read from WDT, ${read.enqueued} enqueued, ${read.duplicates} already in the pipeline (not loaded again).`,
  codes: 'Dead-letter codes:',
  codeColumns: ['CODE', 'ORDERS'],
  timedOut: (timeout) =>
    `Some orders had no outcome after ${timeout}; look later with wdt-k3 order show <number>.`,
  noLedger: 'The admin has no order ledger (DATABASE_URL), so it cannot say what became of these orders.',
  kind: { backfill: 'backfill', orders: 'order sync' },
};

export function waitText(language: Language): WaitText {
  return language === 'en' ? en : zh;
}
