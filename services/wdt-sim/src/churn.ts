import { formatBeijingTime } from '@wdt-k3/runtime';
import { factsOf, matchesFilter, type StockoutFilter } from './order-facts.ts';
import type { SimState } from './sim-state.ts';
import type { StockoutQuery } from './stockout-query.ts';

/**
 * The paging faults, applied after each successful page of a window query (README "Modify rows
 * while paging" and "Churn"). They change the result of the very filter just served, so the
 * next page of the same walk sees every later row moved.
 */
export function changeAfterPage(state: SimState, query: StockoutQuery): void {
  modifyAtFixedRanks(state, query);
  churn(state, query.filter);
}

/** `modifyWhilePaging`: rows at ranks [fromRank, fromRank + n) leave (default: just past page 0). */
function modifyAtFixedRanks(state: SimState, query: StockoutQuery): void {
  const fault = state.faults.current.modifyWhilePaging;
  if (fault === null) return;
  const selection = state.store.select(query.filter);
  const from = fault.fromRank ?? query.pageSize;
  const wanted = Math.max(0, Math.min(fault.rowsPerCall, selection.total - from));
  const to = from + state.faults.takeModifyBudget(wanted);
  const ids: number[] = [];
  for (let rank = from; rank < to; rank += 1) ids.push(selection.stockoutIdAt(rank));
  for (const id of ids) leave(state, id, query.filter);
}

/** `churn`: rows leave at uniformly random ranks (page 0 included) and latent rows enter. */
function churn(state: SimState, filter: StockoutFilter): void {
  const fault = state.faults.current.churn;
  if (fault === null) return;
  const draw = (range: { min: number; max: number }): number =>
    range.min + Math.floor(state.faults.churnRandom() * (range.max - range.min + 1));
  const leaving = draw(fault.leave);
  const entering = draw(fault.enter);
  const selection = state.store.select(filter);
  const ranks = new Set<number>();
  const wanted = state.faults.takeModifyBudget(Math.min(leaving, selection.total));
  while (ranks.size < wanted) ranks.add(Math.floor(state.faults.churnRandom() * selection.total));
  const leavers = [...ranks].map((rank) => selection.stockoutIdAt(rank));
  for (const id of leavers) leave(state, id, filter);
  if (entering === 0) return;
  const candidates = state.store.latentCandidates(filter).filter((id) => wouldMatch(state, id, filter));
  const chosen = new Set<number>();
  const budget = state.faults.takeModifyBudget(Math.min(entering, candidates.length));
  while (chosen.size < budget)
    chosen.add(candidates[Math.floor(state.faults.churnRandom() * candidates.length)] as number);
  for (const id of chosen) enter(state, id, filter);
}

function wouldMatch(state: SimState, stockoutId: number, filter: StockoutFilter): boolean {
  const order = state.store.current(stockoutId);
  if (order === undefined) return false;
  const mode = state.faults.current.churn?.enteredModified ?? 'auto';
  if (mode === 'now' || (mode === 'auto' && filter.timeField === 'consign'))
    order.modified = formatBeijingTime(state.now());
  return matchesFilter(factsOf(order), filter);
}

function leave(state: SimState, stockoutId: number, filter: StockoutFilter): void {
  const before = state.store.current(stockoutId);
  const nowMs = state.now();
  if (before === undefined || !state.store.change(stockoutId, (order) => leaveResult(order, filter, nowMs)))
    return;
  const after = state.store.current(stockoutId) as Record<string, unknown>;
  state.changes.record({
    stockoutId,
    atMs: nowMs,
    kind: 'left',
    before: factsOf(before),
    after: factsOf(after),
  });
  state.stats.recordModified(stockoutId);
}

/**
 * A latent row becomes visible at its rank. Consign-time results: a stock-out consigned in the
 * past that WDT shows late, so its `modified` is now (a trailing sweep by modified time finds it).
 * Modified-time results: it keeps its modified time, inside the window (README says so);
 * `enteredModified` overrides either.
 */
function enter(state: SimState, stockoutId: number, filter: StockoutFilter): void {
  const nowMs = state.now();
  const mode = state.faults.current.churn?.enteredModified ?? 'auto';
  const fresh = mode === 'now' || (mode === 'auto' && filter.timeField === 'consign');
  const revealed = state.store.reveal(stockoutId, (order) => {
    if (fresh) order.modified = formatBeijingTime(nowMs);
  });
  if (!revealed) return;
  const after = state.store.current(stockoutId) as Record<string, unknown>;
  state.changes.record({ stockoutId, atMs: nowMs, kind: 'entered', before: null, after: factsOf(after) });
  state.stats.recordEntered(stockoutId);
}

/** Consign-time results: shipped → completed (or back to audited when 110 is asked for too). */
function leaveResult(order: Record<string, unknown>, filter: StockoutFilter, nowMs: number): void {
  if (filter.timeField === 'modified') {
    const afterWindow = filter.window === undefined ? nowMs : (filter.window.endSec + 1) * 1000;
    order.modified = formatBeijingTime(Math.max(nowMs, afterWindow));
    return;
  }
  order.status = [110, 55, 5].find((status) => !filter.statuses.includes(status)) ?? -1;
  order.modified = formatBeijingTime(nowMs);
}
