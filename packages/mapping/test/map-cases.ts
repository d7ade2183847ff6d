import {
  type MappingLookups,
  mapStockoutToSalOutstock,
  parseMappingProfile,
  type SalOutstockModel,
} from '../src/index.ts';
import { parsed, type RawOrder, type RawRow, rawOrder, salesOrderFor } from './orders.ts';

/** One mapping case: a wire order (merged over `rawOrder`), a profile merged over the default. */
export interface MapInput {
  order?: RawOrder;
  rows?: RawRow[];
  profile?: Record<string, unknown>;
  salesman?: string | null;
}

/** Maps with a salesman and a sales order that matches every row; a failure is a broken test. */
export function mapped({ order = {}, rows, profile = {}, salesman = 'EMP001' }: MapInput): SalOutstockModel {
  const wdt = parsed(rawOrder(order, rows));
  const effective = parseMappingProfile(profile);
  const lookups: MappingLookups = { salesmanNumber: salesman, salesOrder: salesOrderFor(wdt, effective) };
  const result = mapStockoutToSalOutstock(wdt, effective, lookups);
  if (!result.ok) throw new Error(`expected a bill, got ${JSON.stringify(result.issues)}`);
  return result.value;
}
