import {
  createExtractorStatusStore,
  createSyncState,
  type ExtractorStatusStore,
  readRefusals,
  readSignals,
  type SyncState,
} from '@wdt-k3/jobs';
import { changedOrders, readLedgerLag } from '@wdt-k3/ledger';
import { createReconcileStore } from '@wdt-k3/reconcile';
import type { RedisConnection } from '@wdt-k3/runtime';
import type { Queue } from 'bullmq';
import type pg from 'pg';
import type { ChannelStatus } from '../engine/types.ts';
import { DeadLetterScanner } from './dead-letters.ts';
import type { Snapshot, SourceName } from './types.ts';

/** Minutes of signals read per evaluation: the longest window a rule may ask for. */
const SIGNAL_MINUTES = 60;

export interface SourceDeps {
  readonly redis: RedisConnection;
  readonly prefix: string;
  readonly ordersQueue: Queue;
  readonly failedQueue: Queue;
  /** The ledger's pool; without it the `ledger` source is off (and its rule skipped). */
  readonly ledger?: pg.Pool;
  /** The channels' delivery status, as the alerter keeps it. */
  readonly channels: () => readonly ChannelStatus[];
}

export interface Collector {
  /** The snapshot parts `needed` asks for; a failing source is left out and named in `errors`. */
  collect(
    now: number,
    needed: ReadonlySet<SourceName>,
  ): Promise<{ snapshot: Snapshot; errors: Partial<Record<SourceName, string>> }>;
  /** Sources this deployment can provide at all (`ledger` needs DATABASE_URL). */
  readonly available: ReadonlySet<SourceName>;
}

async function ordersPart(queue: Queue): Promise<NonNullable<Snapshot['orders']>> {
  const [counts, oldest, workers] = await Promise.all([
    queue.getJobCounts('waiting', 'prioritized', 'active', 'delayed'),
    oldestWaitingSince(queue),
    // CLIENT LIST; some managed Redis refuse it: then the rule judges by jobs started alone.
    queue.getWorkersCount().catch(() => null),
  ]);
  return {
    waiting: (counts.waiting ?? 0) + (counts.prioritized ?? 0),
    active: counts.active ?? 0,
    delayed: counts.delayed ?? 0,
    oldestWaitingSince: oldest,
    workers,
  };
}

/** As the admin API's queue stats: creation plus delay, or the last start of a retried job. */
async function oldestWaitingSince(queue: Queue): Promise<number | null> {
  const [id] = await queue.getRanges(['wait'], 0, 0, true);
  if (id === undefined) return null;
  const job = await queue.getJob(id);
  if (job === undefined) return null;
  return Math.max(job.timestamp + (job.opts.delay ?? 0), job.processedOn ?? 0);
}

async function extractorPart(
  state: SyncState,
  status: ExtractorStatusStore,
): Promise<NonNullable<Snapshot['extractor']>> {
  const [watermark, lastTick, read] = await Promise.all([
    state.getWatermark(),
    state.getLastTick(),
    status.read(),
  ]);
  return { status: read, watermark, lastTick };
}

export function createCollector(deps: SourceDeps): Collector {
  const scanner = new DeadLetterScanner(deps.failedQueue, deps.redis);
  const state = createSyncState(deps.redis, deps.prefix);
  const status = createExtractorStatusStore(deps.redis, deps.prefix);
  const reconciliations = createReconcileStore(deps.redis, deps.prefix);
  const readers: Record<SourceName, ((now: number) => Promise<Partial<Snapshot>>) | null> = {
    deadLetters: async () => ({ deadLetters: await scanner.groups() }),
    extractor: async () => ({ extractor: await extractorPart(state, status) }),
    orders: async () => ({ orders: await ordersPart(deps.ordersQueue) }),
    signals: async (now) => ({
      signals: {
        window: await readSignals(deps.redis, deps.prefix, now, SIGNAL_MINUTES),
        refusals: await readRefusals(deps.redis, deps.prefix),
      },
    }),
    ledgerLag: async (now) => ({ ledgerLag: await readLedgerLag(deps.redis, deps.prefix, now) }),
    ledger:
      deps.ledger === undefined
        ? null
        : async () => ({ ledger: { changed: await changedOrders(deps.ledger as pg.Pool) } }),
    channels: async () => ({ channels: deps.channels() }),
    reconciliation: async () => ({ reconciliation: await reconciliations.latest() }),
  };
  const available = new Set((Object.keys(readers) as SourceName[]).filter((name) => readers[name] !== null));
  return {
    available,
    collect: async (now, needed) => {
      const errors: Partial<Record<SourceName, string>> = {};
      const parts = await Promise.all(
        [...needed].map(async (name) => {
          const read = readers[name];
          if (read === null) return {};
          try {
            return await read(now);
          } catch (err) {
            errors[name] = err instanceof Error ? err.message : String(err);
            return {};
          }
        }),
      );
      return { snapshot: Object.assign({ now }, ...parts) as Snapshot, errors };
    },
  };
}
