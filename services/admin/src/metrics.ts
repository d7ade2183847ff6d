import type { DeadLetterIndex, PipelineQueues } from '@wdt-k3/jobs';
import { createMetricsRegistry } from '@wdt-k3/runtime';
import { Gauge, type Registry } from 'prom-client';
import type { DeadLetterSummary } from './dead-letter-query.ts';
import { JOB_STATES, type QueueStats, readAllQueueStats } from './queue-stats.ts';

/**
 * Prometheus gauges read from Redis on each scrape (no background polling: an admin replica
 * nobody scrapes costs nothing). The dead-letter gauge scans the DLQ, cheap once its summaries
 * are cached (see DeadLetterIndex).
 */
export function createAdminMetrics(
  queues: PipelineQueues,
  index: DeadLetterIndex<DeadLetterSummary>,
  now: () => number,
): Registry {
  const registry = createMetricsRegistry('admin');
  // prom-client collects every metric at once; the two queue gauges share one read per scrape.
  let inflight: Promise<QueueStats[]> | undefined;
  const stats = (): Promise<QueueStats[]> => {
    inflight ??= readAllQueueStats(queues, now()).finally(() => {
      inflight = undefined;
    });
    return inflight;
  };
  new Gauge({
    name: 'wdtk3_queue_jobs',
    help: 'Jobs per queue and state (BullMQ getJobCounts).',
    labelNames: ['queue', 'state'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const queue of await stats()) {
        for (const state of JOB_STATES) this.set({ queue: queue.queue, state }, queue.counts[state]);
      }
    },
  });
  new Gauge({
    name: 'wdtk3_queue_oldest_waiting_seconds',
    help: 'Age of the oldest waiting job per queue; 0 when none waits.',
    labelNames: ['queue'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const queue of await stats()) {
        this.set({ queue: queue.queue }, queue.oldestWaitingSeconds ?? 0);
      }
    },
  });
  new Gauge({
    name: 'wdtk3_dead_letters',
    help: 'Dead letters per error code.',
    labelNames: ['code'],
    registers: [registry],
    async collect() {
      this.reset();
      const byCode = new Map<string, number>();
      for (const summary of await index.scan()) byCode.set(summary.code, (byCode.get(summary.code) ?? 0) + 1);
      for (const [code, count] of byCode) this.set({ code }, count);
    },
  });
  return registry;
}
