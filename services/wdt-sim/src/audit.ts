import { formatBeijingTime } from '@wdt-k3/runtime';
import { z } from 'zod';
import { factsOf, matchesFilter, type OrderFacts, type StockoutFilter } from './order-facts.ts';
import { windowBounds } from './selection.ts';
import type { SimState } from './sim-state.ts';
import { SHIPPED_STATUSES } from './stockout-query.ts';
import { timeInputSchema } from './time-input.ts';

/** `POST /_sim/audit`: a window as the extractor queries it (README "Accounting for every row"). */
export const auditBodySchema = z
  .object({
    from: timeInputSchema,
    /** Exclusive, like the extractor's windows. */
    to: timeInputSchema,
    status: z.array(z.number().int()).min(1).optional(),
    byModified: z.boolean().default(false),
    shopNo: z.string().min(1).optional(),
    warehouseNo: z.string().min(1).optional(),
  })
  .strict()
  .refine((body) => body.to > body.from, { message: 'to must be after from', path: ['to'] });

export interface AuditedRow {
  readonly stockoutId: number;
  readonly orderNo: string;
  /** In the result when the simulator started, was reset or got its dataset. */
  readonly initially: boolean;
  /** In the result now. */
  readonly now: boolean;
  /** Each fault change of this row, and whether it was in the result after it. */
  readonly changes: ReadonlyArray<{ at: string; atMs: number; kind: 'left' | 'entered'; inResult: boolean }>;
}

/**
 * Every stock-out that was in the window's result at any moment since the start (or the last
 * reset), with when it entered or left: what a walk of that window had to find, and what it
 * was allowed to miss.
 */
export function auditWindow(state: SimState, body: z.output<typeof auditBodySchema>): AuditedRow[] {
  const statuses = body.status ?? SHIPPED_STATUSES;
  const filter: StockoutFilter = {
    window: { startSec: Math.floor(body.from / 1000), endSec: Math.ceil(body.to / 1000) - 1 },
    timeField: body.byModified || statuses.some((status) => status < 95) ? 'modified' : 'consign',
    statuses,
    ...(body.shopNo === undefined ? {} : { shopNo: body.shopNo }),
    ...(body.warehouseNo === undefined ? {} : { warehouseNo: body.warehouseNo }),
  };
  const rows: AuditedRow[] = [];
  for (const stockoutId of candidates(state, filter)) {
    const row = auditRow(state, stockoutId, filter);
    if (row !== undefined) rows.push(row);
  }
  return rows.sort((a, b) => a.stockoutId - b.stockoutId);
}

function candidates(state: SimState, filter: StockoutFilter): Set<number> {
  const ids = new Set<number>(state.changes.all().map((change) => change.stockoutId));
  const dataset = state.store.dataset;
  if (dataset !== undefined) {
    const [from, to] = windowBounds(dataset, filter);
    for (let index = from; index < to; index += 1) ids.add(dataset.stockoutIdRange[0] + index);
  }
  for (const id of state.store.overlayIds()) ids.add(id);
  return ids;
}

function auditRow(state: SimState, stockoutId: number, filter: StockoutFilter): AuditedRow | undefined {
  const order = state.store.current(stockoutId);
  if (order === undefined) return undefined;
  const inResult = (facts: OrderFacts | null): boolean => facts !== null && matchesFilter(facts, filter);
  const latent = state.store.isLatent(stockoutId);
  const now = !latent && inResult(factsOf(order));
  const log = state.store.isLatent(stockoutId) ? [] : state.changes.of(stockoutId);
  const first = log[0];
  const initially = first === undefined ? now : inResult(first.before);
  const changes = log.map((change) => ({
    at: formatBeijingTime(change.atMs),
    atMs: change.atMs,
    kind: change.kind,
    inResult: inResult(change.after),
  }));
  if (!initially && !now && !changes.some((change) => change.inResult)) return undefined;
  return { stockoutId, orderNo: String(order.order_no ?? ''), initially, now, changes };
}
