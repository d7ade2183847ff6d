import { hasFindings, type LatestResult, type RunRecord } from '@wdt-k3/reconcile';
import { Counter, Gauge, type Registry } from 'prom-client';

/**
 * The last finished run's result and age, read from Redis on every scrape (any replica reports
 * the same), and runs this process ended. Alert on `reconcile_last_run_clean == 0` or on
 * `reconcile_last_run_age_seconds` above a day and a bit (the schedule stopped).
 */
export function createReconcilerMetrics(
  registry: Registry,
  latest: () => Promise<LatestResult | null>,
  now: () => number,
) {
  let cached: LatestResult | null = null;
  const refresh = async (): Promise<LatestResult | null> => {
    cached = await latest();
    return cached;
  };
  new Gauge({
    name: 'reconcile_last_run_age_seconds',
    help: 'Seconds since the last reconciliation finished (absent before the first).',
    registers: [registry],
    async collect() {
      const last = await refresh();
      this.reset();
      if (last !== null) this.set((now() - last.finishedAt) / 1000);
    },
  });
  new Gauge({
    name: 'reconcile_last_run_clean',
    help: '1 when the last finished reconciliation found nothing missing, extra, duplicated or mismatched.',
    registers: [registry],
    collect() {
      this.reset();
      if (cached !== null) this.set(hasFindings(cached.summary) ? 0 : 1);
    },
  });
  new Gauge({
    name: 'reconcile_last_run_findings',
    help: 'Findings of the last finished reconciliation, by category.',
    labelNames: ['category'],
    registers: [registry],
    collect() {
      this.reset();
      if (cached === null) return;
      const s = cached.summary;
      this.set({ category: 'missing' }, s.missing);
      this.set({ category: 'extra' }, s.extra);
      this.set({ category: 'duplicated' }, s.duplicated);
      this.set({ category: 'mismatch' }, s.mismatched);
    },
  });
  const runs = new Counter({
    name: 'reconcile_runs_total',
    help: 'Reconciliation runs this process ended, by outcome.',
    labelNames: ['outcome'],
    registers: [registry],
  });
  return {
    ended: (run: RunRecord) =>
      runs.inc({
        outcome:
          run.state === 'done'
            ? run.summary !== null && hasFindings(run.summary)
              ? 'findings'
              : 'clean'
            : 'failed',
      }),
  };
}
