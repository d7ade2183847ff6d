/**
 * Orders mapped per second for a 3-row order, on one core. Target ≥ 50,000/s (the mapping must
 * never be the loader's bottleneck); printed, never asserted. Run:
 *   node packages/mapping/bench/mapping.bench.ts
 */
import { readFileSync } from 'node:fs';
import {
  DEFAULT_MAPPING_PROFILE,
  type MappingLookups,
  mapStockoutToSalOutstock,
  parseWdtStockoutOrder,
} from '../src/index.ts';

// The realistic 3-row fixture (every field WDT documents, Chinese text, a gift row), so the
// parse figure includes the unknown fields a real order carries.
const rawOrder: unknown = JSON.parse(
  readFileSync(new URL('../test/fixtures/stockout-3-rows-gift.json', import.meta.url), 'utf8'),
);

const lookups: MappingLookups = {
  salesmanNumber: 'EMP001',
  salesOrder: {
    fid: 100120,
    billNo: '3849201847562019384',
    entries: [
      { entryId: 1, materialNumber: 'SPU-1001' },
      { entryId: 2, materialNumber: 'SPU-2002' },
      { entryId: 3, materialNumber: 'SPU-4004' },
    ],
  },
};

function measure(label: string, iterations: number, run: () => unknown): void {
  for (let i = 0; i < 20_000; i++) run(); // warm-up so the JIT has compiled the hot path
  let sink = 0;
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) if (run()) sink++;
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const perSecond = Math.round(iterations / seconds);
  console.log(`${label.padEnd(28)} ${perSecond.toLocaleString('en-US').padStart(10)} orders/s  (${sink} ok)`);
}

const parsed = parseWdtStockoutOrder(rawOrder);
if (!parsed.ok) throw new Error(`bench order does not parse: ${JSON.stringify(parsed.issues)}`);
const order = parsed.value;
const map = () => mapStockoutToSalOutstock(order, DEFAULT_MAPPING_PROFILE, lookups).ok;
if (!map()) throw new Error('bench order does not map');

const iterations = 200_000;
console.log(`3-row order, ${iterations.toLocaleString('en-US')} iterations, Node ${process.version}`);
measure('map (parsed order)', iterations, map);
measure('parse wire order', iterations, () => parseWdtStockoutOrder(rawOrder).ok);
measure('parse + map', iterations, () => {
  const result = parseWdtStockoutOrder(rawOrder);
  return result.ok && mapStockoutToSalOutstock(result.value, DEFAULT_MAPPING_PROFILE, lookups).ok;
});
