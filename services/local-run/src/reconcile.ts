import type { PipelineQueues } from '@wdt-k3/jobs';
import type { Dataset } from '@wdt-k3/sim-data';

export interface Summary {
  readonly orders: number;
  /** Orders with exactly one bill in K3. */
  readonly inK3: number;
  readonly deadLettered: number;
  readonly deadLetteredByCode: Readonly<Record<string, number>>;
  /** Orders with neither a bill nor a dead letter. */
  readonly missing: number;
  /** Orders with more than one bill (must be 0). */
  readonly duplicated: number;
  /** Orders both in K3 and dead-lettered (must be 0). */
  readonly inBoth: number;
  /** Bills in K3 that no WDT order explains (must be 0). */
  readonly unexplainedBills: number;
  readonly k3Bills: number;
  readonly elapsedMs: number;
  /** The product's own reconciliation of the same days (issue 17), and whether it agrees. */
  readonly reconciliation?: { readonly runId: string; readonly agrees: boolean; readonly summary: unknown };
  readonly ok: boolean;
}

/** Every SAL_OUTSTOCK bill number the K3 simulator holds, with how often it occurs. */
export async function k3BillNumbers(k3Url: string): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (let offset = 0; ; offset += 5000) {
    const res = await fetch(`${k3Url}/_sim/bills?formId=SAL_OUTSTOCK&offset=${offset}&limit=5000`);
    if (!res.ok) throw new Error(`k3cloud-sim answered ${res.status} for its bills`);
    const page = (await res.json()) as { bills: Array<{ FBillNo?: unknown }> };
    for (const bill of page.bills)
      counts.set(String(bill.FBillNo), (counts.get(String(bill.FBillNo)) ?? 0) + 1);
    if (page.bills.length < 5000) return counts;
  }
}

/**
 * WDT against K3: every order of the dataset must be in K3 exactly once or in the dead-letter
 * queue, and K3 must hold no bill WDT does not explain.
 */
export async function reconcile(
  dataset: Dataset,
  k3Url: string,
  queues: PipelineQueues,
  elapsedMs: number,
): Promise<Summary> {
  const bills = await k3BillNumbers(k3Url);
  const dead = await queues.failed.getJobs(['wait'], 0, -1);
  const deadIds = new Set(dead.map((job) => job.id));
  const byCode: Record<string, number> = {};
  for (const job of dead) {
    const code = String((job.data as { error?: { code?: unknown } }).error?.code ?? 'UNKNOWN');
    byCode[code] = (byCode[code] ?? 0) + 1;
  }
  let inK3 = 0;
  let missing = 0;
  let duplicated = 0;
  let inBoth = 0;
  let explained = 0;
  for (let index = 0; index < dataset.count; index += 1) {
    const order = dataset.orderAt(index);
    const copies = bills.get(order.order_no) ?? 0;
    const isDead = deadIds.has(`so-${order.stockout_id}`);
    explained += copies;
    if (copies === 1) inK3 += 1;
    if (copies > 1) duplicated += 1;
    if (copies > 0 && isDead) inBoth += 1;
    if (copies === 0 && !isDead) missing += 1;
  }
  const k3Bills = [...bills.values()].reduce((sum, value) => sum + value, 0);
  const unexplainedBills = k3Bills - explained;
  return {
    orders: dataset.count,
    inK3,
    deadLettered: dead.length,
    deadLetteredByCode: byCode,
    missing,
    duplicated,
    inBoth,
    unexplainedBills,
    k3Bills,
    elapsedMs,
    ok: missing === 0 && duplicated === 0 && inBoth === 0 && unexplainedBills === 0,
  };
}

const n = (value: number): string => value.toLocaleString('en-US');

export function formatSummary(summary: Summary): string {
  const seconds = summary.elapsedMs / 1000;
  const codes = Object.entries(summary.deadLetteredByCode)
    .sort((a, b) => b[1] - a[1])
    .map(([code, count]) => `${code} ${n(count)}`)
    .join(', ');
  return [
    `Summary: WDT ${n(summary.orders)} orders → K3 ${n(summary.k3Bills)} bills in ${seconds.toFixed(1)} s (${n(Math.round(summary.orders / seconds))} orders/s)`,
    `  in K3 exactly once   ${n(summary.inK3)}`,
    `  dead-lettered        ${n(summary.deadLettered)}${codes === '' ? '' : `  (${codes})`}`,
    `  missing              ${n(summary.missing)}`,
    `  duplicated in K3     ${n(summary.duplicated)}`,
    `  in K3 and dead       ${n(summary.inBoth)}`,
    `  unexplained bills    ${n(summary.unexplainedBills)}`,
    summary.ok
      ? '  reconciled: every order is in K3 once or dead-lettered with a code'
      : '  NOT RECONCILED: see the counts above',
  ].join('\n');
}
