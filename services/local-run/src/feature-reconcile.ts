import { readFileSync } from 'node:fs';
import type { RunRecord } from '@wdt-k3/reconcile';
import { beijingDay, summaryLine } from '@wdt-k3/reconcile';
import type { Summary } from './reconcile.ts';

/**
 * The end of the local run: a reconciliation computed by the product (the reconciler, through the
 * admin API) over the days the dataset spans, and whether it agrees with the local run's own
 * check against the simulator's memory (reconcile.ts).
 */
export async function reconcileThroughAdmin(
  adminUrl: string,
  tokenFile: string,
  window: { fromMs: number; toMs: number },
): Promise<RunRecord> {
  const token = readFileSync(tokenFile, 'utf8').trim();
  const call = async (method: string, path: string, body?: unknown): Promise<{ run: RunRecord }> => {
    const res = await fetch(`${adminUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${await res.text()}`);
    return (await res.json()) as { run: RunRecord };
  };
  const period = { from: beijingDay(window.fromMs), to: beijingDay(window.toMs - 1) };
  const { run } = await call('POST', '/reconciliations', period);
  for (;;) {
    const current = (await call('GET', `/reconciliations/${run.id}?limit=1`)).run;
    if (current.state === 'done' || current.state === 'failed') return current;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** Both say the same: every order in K3 once or explained as missing, nothing extra or repeated. */
export function agrees(local: Summary, run: RunRecord): boolean {
  const s = run.summary;
  return (
    s !== null &&
    s.wdt.orders === local.orders &&
    s.k3.orders === local.k3Bills &&
    s.missing === local.deadLettered + local.missing &&
    s.duplicated === local.duplicated &&
    s.extra === local.unexplainedBills &&
    s.mismatched === 0
  );
}

export function formatReconciliation(local: Summary, run: RunRecord): string {
  const reasons = Object.entries(run.summary?.missingByReason ?? {})
    .map(([why, n]) => `${why} ${n.toLocaleString('en-US')}`)
    .join(', ');
  return [
    summaryLine(run),
    ...(reasons === '' ? [] : [`  漏单原因 ${reasons}`]),
    agrees(local, run)
      ? `  the reconciliation (${run.id}) agrees with the local check`
      : `  THE RECONCILIATION (${run.id}) DISAGREES with the local check`,
  ].join('\n');
}
