/**
 * Prints how many bills/s the simulator accepts through the real client: BatchSave of 50
 * SAL_OUTSTOCK bills (linked to generated sales orders), signature auth, cost model off, simulator
 * and client in one process over a real socket. Printed, never asserted; the bench fails only when
 * a bill is not saved. Also what a stored bill costs: the heap and array buffers the process holds
 * after a full garbage collection, with the client closed, before the saves and after, over the
 * bills stored (issue 15: ≤ 1 KB a bill, so a 1,000,000-order benchmark fits).
 * Run: node --expose-gc services/k3cloud-sim/bench/batch-save.bench.ts [bills=20000] [concurrency=4] [--summary <file>]
 */
import { appendFileSync } from 'node:fs';
import { createK3CloudClient } from '@wdt-k3/k3cloud-client';
import { bills as buildBills, CREDENTIALS, smallDataset, startSim } from '../test/helpers.ts';

const summaryAt = process.argv.indexOf('--summary');
const summary = summaryAt === -1 ? undefined : process.argv[summaryAt + 1];
const positional = process.argv.slice(2, summaryAt === -1 ? undefined : summaryAt);
const total = Number(positional[0] ?? 20_000);
const concurrency = Number(positional[1] ?? 4);
const collect = (globalThis as { gc?: () => void }).gc;
if (collect === undefined)
  throw new Error('run with node --expose-gc (the bytes per bill need a full collection)');
/** Heap in use plus array buffers (Buffers) after a full collection: what the process keeps. */
const held = (): number => {
  collect();
  collect();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
};
const BATCH = 50;
const dataset = smallDataset(21, total);
const sim = await startSim({ datasets: [dataset] });
const k3 = createK3CloudClient({
  baseUrl: sim.baseUrl,
  auth: { kind: 'signature', ...CREDENTIALS },
  maxConcurrentRequests: concurrency,
});

const heldBefore = held();
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
// The client is closed and the requests are done: what is left on top is the simulator's store.
const bytesPerBill = (held() - heldBefore) / stats.bills;
await sim.close();
const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(0);
console.log(
  `k3cloud-sim: ${saved.toLocaleString()} of ${total.toLocaleString()} bills saved in ${seconds.toFixed(2)} s (batches of ${BATCH}, ${concurrency} in flight, cost model off)`,
);
console.log(
  `k3cloud-sim: ${Math.round(saved / seconds).toLocaleString()} bills/s; simulator holds ${stats.bills.toLocaleString()} bills, max concurrency ${stats.maxConcurrency}`,
);
console.log(`k3cloud-sim: RSS ${mib(rssBefore)} MiB → ${mib(process.memoryUsage().rss)} MiB`);
console.log(
  `k3cloud-sim: ${Math.round(bytesPerBill).toLocaleString()} bytes held per stored bill (heap + buffers after a full GC, ${stats.bills.toLocaleString()} bills)`,
);
if (saved !== total) {
  console.error(`k3cloud-sim: ${total - saved} bills not saved`);
  process.exit(1);
}
if (summary !== undefined)
  appendFileSync(
    summary,
    `${JSON.stringify({
      name: 'k3cloud-sim store',
      figure: `${Math.round(bytesPerBill).toLocaleString()} B/bill`,
      note: `heap + buffers after a full GC over ${stats.bills.toLocaleString()} bills; ${Math.round(saved / seconds).toLocaleString()} bills/s`,
    })}\n`,
  );
