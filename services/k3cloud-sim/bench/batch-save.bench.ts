/**
 * Prints how many bills/s the simulator accepts through the real client: BatchSave of 50
 * SAL_OUTSTOCK bills (linked to generated sales orders), signature auth, cost model off, simulator
 * and client in one process over a real socket. Printed, never asserted.
 * Run: node services/k3cloud-sim/bench/batch-save.bench.ts [bills=20000] [concurrency=4]
 */
import { createK3CloudClient } from '@wdt-k3/k3cloud-client';
import { bills as buildBills, CREDENTIALS, smallDataset, startSim } from '../test/helpers.ts';

const total = Number(process.argv[2] ?? 20_000);
const concurrency = Number(process.argv[3] ?? 4);
const BATCH = 50;
const dataset = smallDataset(21, total);
const sim = await startSim({ datasets: [dataset] });
const k3 = createK3CloudClient({
  baseUrl: sim.baseUrl,
  auth: { kind: 'signature', ...CREDENTIALS },
  maxConcurrentRequests: concurrency,
});

const rssBefore = process.memoryUsage().rss;
let next = 0;
let saved = 0;
const started = performance.now();
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (next < total) {
      const from = next;
      next += BATCH;
      const result = await k3.batchSave(
        'SAL_OUTSTOCK',
        buildBills(dataset, from, Math.min(BATCH, total - from)),
      );
      saved += result.bills.filter((bill) => bill.status === 'saved').length;
    }
  }),
);
const seconds = (performance.now() - started) / 1000;
const stats = (await sim.control('GET', '/_sim/stats')) as { bills: number; maxConcurrency: number };
k3.close();
await sim.close();
const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(0);
console.log(
  `k3cloud-sim: ${saved.toLocaleString()} of ${total.toLocaleString()} bills saved in ${seconds.toFixed(2)} s (batches of ${BATCH}, ${concurrency} in flight, cost model off)`,
);
console.log(
  `k3cloud-sim: ${Math.round(saved / seconds).toLocaleString()} bills/s; simulator holds ${stats.bills.toLocaleString()} bills, max concurrency ${stats.maxConcurrency}`,
);
console.log(`k3cloud-sim: RSS ${mib(rssBefore)} MiB → ${mib(process.memoryUsage().rss)} MiB`);
