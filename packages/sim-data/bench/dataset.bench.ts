/**
 * Prints how fast the generator produces orders and how much memory a 1M-order dataset costs
 * (it is lazy: orders are generated when read). Run: node packages/sim-data/bench/dataset.bench.ts
 */
import { createDataset } from '../src/index.ts';

const count = Number(process.argv[2] ?? 1_000_000);
const from = Date.UTC(2026, 0, 1);
const before = process.memoryUsage().rss;
const dataset = createDataset({ seed: 1, count, fromMs: from, toMs: from + 30 * 86_400_000 });
let rows = 0;
const started = performance.now();
for (let i = 0; i < count; i += 1) rows += dataset.orderAt(i).details_list.length;
const seconds = (performance.now() - started) / 1000;
const after = process.memoryUsage().rss;
console.log(
  `sim-data: generated ${count.toLocaleString()} orders (${rows.toLocaleString()} rows) in ${seconds.toFixed(2)} s`,
);
console.log(
  `sim-data: ${Math.round(count / seconds).toLocaleString()} orders/s, ${(rows / count).toFixed(2)} rows/order`,
);
console.log(`sim-data: RSS ${(before / 2 ** 20).toFixed(0)} MiB → ${(after / 2 ** 20).toFixed(0)} MiB`);
