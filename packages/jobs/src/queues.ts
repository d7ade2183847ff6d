/**
 * Queue names of the pipeline. All live under one `{hash-tag}` prefix (runtime's queuePrefix),
 * so flows whose parent and children sit in different queues work on Redis Cluster too.
 */
export const QUEUES = {
  /** Extractor control: the scheduler tick, backfills, sync-these-orders, window commits. */
  sync: 'wdt-sync',
  /** One job per WDT page to fetch. Rate-limited queue-wide (WDT allows ~60 calls a minute). */
  pages: 'wdt-pages',
  /** One job per stock-out order, consumed by the loader fleet. */
  orders: 'orders',
  /** Dead letters: orders that failed for good, waiting for a person. Nothing consumes it. */
  failed: 'orders-failed',
  /** Reconciliation runs (issue 17): the daily schedule and each run's comparison, after its WDT pages. */
  reconcile: 'reconcile',
} as const;

export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];
export const QUEUE_NAMES: readonly QueueName[] = Object.values(QUEUES);
