import type { ReconcileCompareData } from '@wdt-k3/jobs';
import type { K3CloudClient } from '@wdt-k3/k3cloud-client';
import { formatBeijingTime, type Logger } from '@wdt-k3/runtime';
import { type Interval, uncovered } from '@wdt-k3/wdt-client';
import type { K3Bill, WdtBill } from './comparable.ts';
import { billSums, compareBills, createTotals } from './compare.ts';
import { RECONCILE_ERROR_CODES, ReconcileError } from './errors.ts';
import type { Explainer } from './explain.ts';
import { findBillsByNumber, readPeriodBills } from './k3-bills.ts';
import type { ReportItem, RunRecord, RunSummary } from './report.ts';
import type { ReconcileStore } from './store.ts';

/** What each WDT page job returned that the comparison reads: its window and what it proved. */
export interface PageProof {
  readonly part?: string;
  readonly covered?: readonly Interval[];
}

export interface ComparisonDeps {
  readonly store: ReconcileStore;
  readonly k3: Pick<K3CloudClient, 'executeBillQuery' | 'queryAll'>;
  readonly explain: Explainer;
  /** Rows per ExecuteBillQuery call (K3's documented limit is 2,000, newer servers 10,000). */
  readonly pageRows: number;
  readonly logger: Logger;
  readonly now: () => number;
  readonly signal?: AbortSignal;
}

/** Numbers looked up at once: FBillNo in (…) of this many stays far below any filter length limit. */
const LOOKUP_CHUNK = 200;

/** The pages must prove every window of the period read whole, as an extraction run's commit checks. */
export function checkCoverage(data: ReconcileCompareData, proofs: readonly PageProof[]): void {
  const gaps = data.windows.flatMap((window) => {
    const part = String(window.fromMs);
    const covered = proofs.filter((proof) => proof.part === part).flatMap((proof) => proof.covered ?? []);
    return uncovered(window, covered).map(
      (gap) => `${formatBeijingTime(gap.fromMs)} … ${formatBeijingTime(gap.toMs)}`,
    );
  });
  if (gaps.length > 0)
    throw new ReconcileError(
      RECONCILE_ERROR_CODES.coverageIncomplete,
      `the WDT pages do not prove the period read whole: ${gaps.slice(0, 5).join('; ')}`,
      { retryable: false },
    );
}

function mismatchOf(wdt: WdtBill, k3: K3Bill): ReportItem | null {
  const differences =
    wdt.issue === null ? compareBills(wdt, k3) : [{ field: 'mapping', wdt: wdt.issue, k3: 'a bill exists' }];
  return differences.length === 0
    ? null
    : { category: 'mismatch', billNo: k3.billNo, stockoutId: wdt.stockoutId, fid: k3.fid, differences };
}

function extraOf(bill: K3Bill, note: string | null): ReportItem {
  return {
    category: 'extra',
    billNo: bill.billNo,
    fid: bill.fid,
    date: bill.date,
    customer: bill.customer,
    rows: bill.rows,
    ...billSums(bill),
    note,
  };
}

/**
 * The comparison of a run whose WDT rows are all stored: K3's bills of the period, page by page,
 * each against its WDT bill (counting copies per number); then every WDT bill K3's period lacked
 * is looked up by number (dated elsewhere: a date mismatch) or reported missing with why. It
 * starts from the stored WDT rows every time, so a retry or a takeover never counts twice.
 */
export async function compareRun(deps: ComparisonDeps, run: RunRecord): Promise<RunSummary> {
  const { store } = deps;
  await store.resetComparison(run.id);
  const k3Totals = createTotals();
  const wdtTotals = createTotals();
  const counts = { missing: 0, extra: 0, duplicated: 0, mismatched: 0 };
  const missingByReason: Record<string, number> = {};
  const filtered = run.filter.shopNo !== undefined || run.filter.warehouseNo !== undefined;
  let k3Seen = 0;
  let wdtOrders = 0;

  const take = async (bills: readonly K3Bill[], fromPeriod: boolean): Promise<void> => {
    const copies = await store.countK3(
      run.id,
      bills.map((bill) => bill.billNo),
    );
    const wdt = await store.wdtBills(
      run.id,
      bills.map((bill) => bill.billNo),
    );
    const items: ReportItem[] = [];
    const extras: K3Bill[] = [];
    bills.forEach((bill, index) => {
      k3Totals.add(bill);
      const mine = wdt[index] ?? null;
      if ((copies[index] ?? 0) > 1) return;
      if (mine === null) {
        if (fromPeriod) extras.push(bill);
        return;
      }
      const item = mismatchOf(mine, bill);
      if (item !== null) items.push(item);
    });
    const notes = await deps.explain.extra(extras.map((bill) => bill.billNo));
    items.push(...extras.map((bill, index) => extraOf(bill, notes[index] ?? null)));
    counts.mismatched += items.filter((item) => item.category === 'mismatch').length;
    counts.extra += extras.length;
    await store.pushItems(run.id, items);
    k3Seen += bills.length;
  };

  if (!filtered) {
    for await (const page of readPeriodBills(deps.k3, run.period, deps.pageRows, deps.signal)) {
      await take(page, true);
      await store.saveRun({ ...run, state: 'reading-k3', progress: { ...run.progress, k3Bills: k3Seen } });
    }
  }

  // WDT bills K3's period did not show: looked up by number (with a filter, every one is).
  for await (const chunk of store.scanWdt(run.id)) {
    wdtOrders += chunk.length;
    for (const bill of chunk) if (bill.issue === null) wdtTotals.add(bill);
    const seen = await store.k3Counts(
      run.id,
      chunk.map((bill) => bill.billNo),
    );
    const unseen = chunk.filter((_, index) => (seen[index] ?? 0) === 0);
    for (let start = 0; start < unseen.length; start += LOOKUP_CHUNK) {
      const part = unseen.slice(start, start + LOOKUP_CHUNK);
      const found = await findBillsByNumber(
        deps.k3,
        part.map((bill) => bill.billNo),
        deps.pageRows,
        deps.signal,
      );
      await take(found, false);
      const present = new Set(found.map((bill) => bill.billNo));
      const absent = part.filter((bill) => !present.has(bill.billNo));
      const reasons = await deps.explain.missing(absent);
      const items: ReportItem[] = absent.map((bill, index) => {
        const why = reasons[index] ?? { kind: 'unknown', code: null, by: null, note: null };
        const label = why.code === null ? why.kind : `${why.kind}:${why.code}`;
        missingByReason[label] = (missingByReason[label] ?? 0) + 1;
        return {
          category: 'missing',
          billNo: bill.billNo,
          stockoutId: bill.stockoutId,
          stockoutNo: bill.stockoutNo,
          consignTime: bill.consignTime,
          customer: bill.customer,
          rows: bill.rows,
          ...billSums(bill),
          reason: why,
        };
      });
      counts.missing += items.length;
      await store.pushItems(run.id, items);
    }
  }

  counts.duplicated += await duplicates(deps, run);
  const summary: RunSummary = {
    ...counts,
    extraChecked: !filtered,
    // Orders counts every WDT order of the period; rows, quantity and amount those that map.
    wdt: { ...wdtTotals.value(), orders: wdtOrders + (await store.sharedNumbers(run.id)).length },
    k3: k3Totals.value(),
    missingByReason,
  };
  deps.logger.info({ runId: run.id, ...counts, k3Bills: k3Seen }, 'reconciliation compared');
  return summary;
}

/** Numbers K3 holds more than once, and order numbers more than one WDT stock-out carries. */
async function duplicates(deps: ComparisonDeps, run: RunRecord): Promise<number> {
  let found = 0;
  for await (const chunk of deps.store.scanK3(run.id)) {
    const repeated = chunk.filter(([, copies]) => copies > 1).map(([billNo]) => billNo);
    for (let start = 0; start < repeated.length; start += LOOKUP_CHUNK) {
      const numbers = repeated.slice(start, start + LOOKUP_CHUNK);
      const bills = await findBillsByNumber(deps.k3, numbers, deps.pageRows, deps.signal);
      const wdt = await deps.store.wdtBills(run.id, numbers);
      const items: ReportItem[] = numbers.map((billNo, index) => {
        const fids = bills.filter((bill) => bill.billNo === billNo).map((bill) => bill.fid);
        const stockoutId = wdt[index]?.stockoutId;
        return {
          category: 'duplicated',
          billNo,
          side: 'K3',
          copies: fids.length,
          fids,
          stockoutIds: stockoutId === undefined ? [] : [stockoutId],
        };
      });
      found += items.length;
      await deps.store.pushItems(run.id, items);
    }
  }
  const shared = await deps.store.sharedNumbers(run.id);
  const byNumber = new Map<string, string[]>();
  for (const bill of shared)
    byNumber.set(bill.billNo, [...(byNumber.get(bill.billNo) ?? []), bill.stockoutId]);
  const first = await deps.store.wdtBills(run.id, [...byNumber.keys()]);
  const items: ReportItem[] = [...byNumber.entries()].map(([billNo, ids], index) => ({
    category: 'duplicated',
    billNo,
    side: 'WDT',
    copies: ids.length + 1,
    fids: [],
    stockoutIds: [first[index]?.stockoutId ?? '?', ...ids],
  }));
  await deps.store.pushItems(run.id, items);
  return found + items.length;
}
