import { Counter, Histogram, type Registry } from 'prom-client';

export function createLoaderMetrics(registry: Registry) {
  const registers = [registry];
  return {
    billsSaved: new Counter({
      name: 'loader_bills_saved_total',
      help: 'SAL_OUTSTOCK bills written by this loader',
      registers,
    }),
    billsAlreadySaved: new Counter({
      name: 'loader_bills_already_saved_total',
      help: 'Orders whose bill was already in K3 (found by FBillNo or refused as a duplicate number)',
      registers,
    }),
    attemptsFailed: new Counter({
      name: 'loader_attempts_failed_total',
      help: 'Failed order attempts by error code (retried or not)',
      labelNames: ['code', 'retryable'],
      registers,
    }),
    deadLetters: new Counter({
      name: 'loader_dead_letters_total',
      help: 'Orders moved to the dead-letter queue, by error code',
      labelNames: ['code'],
      registers,
    }),
    sideWritesFailed: new Counter({
      name: 'loader_side_writes_failed_total',
      help: 'Writes next to an order that failed and were given up (the order itself goes on): attempt events, job logs, lookup cache entries',
      labelNames: ['kind'],
      registers,
    }),
    unlinked: new Counter({
      name: 'loader_orders_unlinked_total',
      help: 'Bills saved without a sales-order link (linkMode=optional)',
      registers,
    }),
    batchSize: new Histogram({
      name: 'loader_batch_size',
      help: 'Bills per BatchSave batch (before the existing-number check)',
      buckets: [1, 2, 5, 10, 20, 50, 100, 200],
      registers,
    }),
    k3Seconds: new Histogram({
      name: 'loader_k3_request_duration_seconds',
      help: 'Latency of K3Cloud calls made while saving',
      labelNames: ['operation', 'outcome'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60],
      registers,
    }),
    claimRoundTrips: new Counter({
      name: 'loader_claim_round_trips_total',
      help: 'Redis round trips of the bill-claims script, by what started them (acquire = one per batch)',
      labelNames: ['reason'],
      registers,
    }),
    claimWaits: new Counter({
      name: 'loader_claim_waits_total',
      help: 'Order jobs moved to delayed because another batch held their bill number',
      registers,
    }),
    claimsLost: new Counter({
      name: 'loader_claims_lost_total',
      help: 'Bill claims found gone or taken at a renewal (the process was paused past the claim TTL)',
      registers,
    }),
    lookupCache: new Counter({
      name: 'loader_lookup_cache_total',
      help: 'Lookup cache hits and misses',
      labelNames: ['lookup', 'result'],
      registers,
    }),
  };
}

export type LoaderMetrics = ReturnType<typeof createLoaderMetrics>;
