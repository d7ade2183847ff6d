import type { PageFetchData } from '@wdt-k3/jobs';
import type { MappingProfile } from '@wdt-k3/mapping';
import { wdtBillOf } from './comparable.ts';
import type { ReconcileStore } from './store.ts';

/**
 * What the extractor's page handler does with a reconciliation page's rows instead of enqueueing
 * them: each order's comparable bill, through the loader's mapping and profile, written to the
 * run's store before the page job completes. Enqueues nothing (returns 0).
 */
export function createReconcileIntake(store: ReconcileStore, profile: MappingProfile) {
  return async (data: PageFetchData, orders: readonly Record<string, unknown>[]): Promise<number> => {
    await store.writeWdtBills(
      data.runId,
      orders.map((order) => wdtBillOf(order, profile)),
    );
    return 0;
  };
}
