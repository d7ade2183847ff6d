/**
 * Orders mapped per second for a 3-row order, on one core. Target ≥ 50,000/s (the mapping must
 * never be the loader's bottleneck); printed, never asserted. Run:
 *   node packages/mapping/bench/mapping.bench.ts [--summary <file>]
 *   --summary: appends the parse + map row as a JSON line (scripts/bench.sh's table).
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  DEFAULT_MAPPING_PROFILE,
  type MappingLookups,
  mapStockoutToSalOutstock,
  parseWdtStockoutOrder,
  wdtStockoutOrderSchema,
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

const ROUNDS = 7;

/**
 * Several rounds, reported as median and range: on a shared 2-vCPU VM one round of the same code
 * measured anywhere from 39,000 to 93,000 parse + map orders/s, so a single figure misleads.
 */
function measure(label: string, iterations: number, run: () => unknown): number {
  for (let i = 0; i < 20_000; i++) run(); // warm-up so the JIT has compiled the hot path
  const rates: number[] = [];
  let sink = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) if (run()) sink++;
    rates.push(iterations / (Number(process.hrtime.bigint() - start) / 1e9));
  }
  rates.sort((a, b) => a - b);
  const show = (rate: number | undefined) => Math.round(rate ?? 0).toLocaleString('en-US');
  const median = show(rates[Math.floor(ROUNDS / 2)]).padStart(10);
  const range = `${show(rates[0])}–${show(rates[ROUNDS - 1])}`;
  console.log(`${label.padEnd(20)} ${median} orders/s median (${range}; ${sink} ok)`);
  if (sink !== iterations * ROUNDS) throw new Error(`${label}: ${iterations * ROUNDS - sink} runs failed`);
  return rates[Math.floor(ROUNDS / 2)] ?? 0;
}

const { values } = parseArgs({ options: { summary: { type: 'string' } } });

const parsed = parseWdtStockoutOrder(rawOrder);
if (!parsed.ok) throw new Error(`bench order does not parse: ${JSON.stringify(parsed.issues)}`);
const order = parsed.value;
const map = () => mapStockoutToSalOutstock(order, DEFAULT_MAPPING_PROFILE, lookups).ok;
if (!map()) throw new Error('bench order does not map');

const iterations = 50_000;
console.log(
  `3-row order, ${ROUNDS} rounds of ${iterations.toLocaleString('en-US')} iterations, Node ${process.version}`,
);
measure('map (parsed order)', iterations, map);
measure('parse wire order', iterations, () => parseWdtStockoutOrder(rawOrder).ok);
// The schema alone: the path an order with a problem takes (rare, and then it is dead-lettered).
measure('zod schema', iterations, () => wdtStockoutOrderSchema.safeParse(rawOrder).success);
const both = measure('parse + map', iterations, () => {
  const result = parseWdtStockoutOrder(rawOrder);
  return result.ok && mapStockoutToSalOutstock(result.value, DEFAULT_MAPPING_PROFILE, lookups).ok;
});
if (values.summary !== undefined) {
  const row = {
    name: 'mapping',
    figure: `${Math.round(both).toLocaleString('en-US')} orders/s`,
    note: `parse + map a 3-row order, one core, median of ${ROUNDS} rounds`,
  };
  appendFileSync(values.summary, `${JSON.stringify(row)}\n`);
}
