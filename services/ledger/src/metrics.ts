import type { LedgerConsumer, ProjectionResult } from '@wdt-k3/ledger';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export function createLedgerMetrics(registry: Registry, lag: () => ReturnType<LedgerConsumer['lag']>) {
  const registers = [registry];
  const projected = new Counter({
    name: 'ledger_events_projected_total',
    help: 'Events written into the ledger, by type',
    labelNames: ['type'],
    registers,
  });
  const rejected = new Counter({
    name: 'ledger_events_rejected_total',
    help: 'Stream entries that were not valid events, kept in ledger_rejected_events with the reason',
    registers,
  });
  const batchSeconds = new Histogram({
    name: 'ledger_batch_duration_seconds',
    help: 'Time to project one batch (one PostgreSQL transaction)',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers,
  });
  const failures = new Counter({
    name: 'ledger_batch_failures_total',
    help: 'Batches PostgreSQL (or Redis) refused; they are tried again',
    registers,
  });
  new Gauge({
    name: 'ledger_lag_events',
    help: 'Events in the stream not yet projected into the ledger',
    registers,
    async collect() {
      this.set((await lag()).events);
    },
  });
  new Gauge({
    name: 'ledger_lag_seconds',
    help: 'Age of the oldest event not yet projected (0 when none)',
    registers,
    async collect() {
      this.set(((await lag()).oldestMs ?? 0) / 1000);
    },
  });
  return {
    onBatch(result: ProjectionResult, seconds: number): void {
      for (const [type, n] of Object.entries(result.byType)) projected.inc({ type }, n);
      rejected.inc(result.rejected);
      batchSeconds.observe(seconds);
    },
    onError(): void {
      failures.inc();
    },
  };
}
