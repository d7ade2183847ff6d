import type { OrderFacts } from './order-facts.ts';

/**
 * Every change the paging faults made, in order: which row, when (the simulator's clock), and
 * the filter facts before and after. A test replays it to know, for any filter, which rows were
 * in the result when, and so which rows a correct walk must have returned.
 */
interface RowChange {
  readonly stockoutId: number;
  readonly atMs: number;
  /** `left`: the row left the result it was served in; `entered`: a latent row became visible. */
  readonly kind: 'left' | 'entered';
  /** Null when the row was latent (not visible to any query) before the change. */
  readonly before: OrderFacts | null;
  readonly after: OrderFacts;
}

export interface ChangeLog {
  record(change: RowChange): void;
  all(): readonly RowChange[];
  /** The changes of one row, oldest first. */
  of(stockoutId: number): readonly RowChange[];
  reset(): void;
}

export function createChangeLog(): ChangeLog {
  let changes: RowChange[] = [];
  let byId = new Map<number, RowChange[]>();
  return {
    record(change) {
      changes.push(change);
      const list = byId.get(change.stockoutId) ?? [];
      list.push(change);
      byId.set(change.stockoutId, list);
    },
    all: () => changes,
    of: (stockoutId) => byId.get(stockoutId) ?? [],
    reset() {
      changes = [];
      byId = new Map();
    },
  };
}
