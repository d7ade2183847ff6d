import { DEFAULT_MAPPING_PROFILE, mapStockoutToSalOutstock, parseWdtStockoutOrder } from '@wdt-k3/mapping';
import type { DryRun } from '../src/context.ts';
import type { RawOrder } from './orders.ts';

/**
 * A DryRun built from the real mapping over orders the test holds, in place of WDT: parse, then
 * map under the default profile with no K3 facts (link mode optional). The production port adds
 * the WDT fetch and the K3 lookups around the same two calls.
 */
export function mappingDryRun(ordersByStockoutNo: ReadonlyMap<string, RawOrder>): DryRun {
  return async (stockoutNo) => {
    const order = ordersByStockoutNo.get(stockoutNo);
    if (order === undefined) return { found: false };
    const parsed = parseWdtStockoutOrder(order);
    if (!parsed.ok) return { found: true, order, result: { ok: false, issues: parsed.issues } };
    const mapped = mapStockoutToSalOutstock(
      parsed.value,
      DEFAULT_MAPPING_PROFILE,
      { salesmanNumber: null, salesOrder: null },
      { linkMode: 'optional' },
    );
    return mapped.ok
      ? { found: true, order, result: { ok: true, model: mapped.value, unlinked: mapped.unlinked } }
      : { found: true, order, result: { ok: false, issues: mapped.issues } };
  };
}
