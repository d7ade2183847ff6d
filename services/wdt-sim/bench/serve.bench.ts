/**
 * Pages per second the simulator serves from a 1,000,000-order dataset, and its memory.
 * Run: node services/wdt-sim/bench/serve.bench.ts [orders=1000000] [pages=3000] [concurrency=4]
 *
 * The simulator runs as its own process (the documented command), so its RSS is its own; the
 * client walks one-hour windows as the extractor does (page 0, then last page back to page 1),
 * 100 rows a page, no rate limit, `concurrency` windows at a time so the simulator rather than
 * the round trip is what is measured. Printed, never asserted.
 */
import { fileURLToPath } from 'node:url';
import { findFreePort, startProcess } from '@wdt-k3/testkit';
import { createWdtClient, planPages, planWindows } from '@wdt-k3/wdt-client';

const orders = Number(process.argv[2] ?? 1_000_000);
const pageBudget = Number(process.argv[3] ?? 3000);
const concurrency = Number(process.argv[4] ?? 4);
const fromMs = Date.UTC(2025, 11, 31, 16); // 2026-01-01 00:00:00 Beijing
const toMs = fromMs + 30 * 86_400_000;
const port = await findFreePort();
const credentials = { appKey: 'bench-key', appSecret: 'bench-secret', sid: 'bench' };

const sim = startProcess(process.execPath, [fileURLToPath(new URL('../src/main.ts', import.meta.url))], {
  name: 'wdt-sim',
  env: {
    WDT_SIM_PORT: String(port),
    WDT_SIM_APP_KEY: credentials.appKey,
    WDT_SIM_APP_SECRET: credentials.appSecret,
    WDT_SIM_SID: credentials.sid,
    WDT_SIM_ORDERS: String(orders),
    WDT_SIM_FROM: String(fromMs),
    WDT_SIM_TO: String(toMs),
    WDT_SIM_RATE_LIMIT_PER_MINUTE: '0',
  },
});
await sim.waitForLine(/wdt-sim listening/);
const base = `http://127.0.0.1:${port}`;
const rss = async (): Promise<number> =>
  ((await (await fetch(`${base}/_sim/stats`)).json()) as { rssBytes: number }).rssBytes;
const rssAtStart = await rss();
const wdt = createWdtClient({ baseUrl: base, ...credentials });

let pages = 0;
let rows = 0;
const windows = planWindows(fromMs, toMs, 3_600_000);
async function walkWindows(): Promise<void> {
  for (let window = windows.shift(); window !== undefined && pages < pageBudget; window = windows.shift()) {
    const query = { startTime: window.fromMs, endTime: window.toMs, pageSize: 100 };
    const first = await wdt.queryStockoutPage({ ...query, pageNo: 0 });
    pages += 1;
    rows += first.orders.length;
    for (const pageNo of planPages(first.totalCount ?? 0, 100)) {
      // Read first, then add: `rows += await …` would read `rows` before the await and lose updates.
      const page = await wdt.queryStockoutPage({ ...query, pageNo });
      rows += page.orders.length;
      pages += 1;
    }
  }
}
const started = performance.now();
try {
  await Promise.all(Array.from({ length: concurrency }, () => walkWindows()));
} finally {
  wdt.close();
}
const seconds = (performance.now() - started) / 1000;
const rssAtEnd = await rss();
await sim.stop();

const mib = (bytes: number): string => (bytes / 2 ** 20).toFixed(0);
console.log(
  `wdt-sim: ${orders.toLocaleString()}-order dataset, 100-row pages over HTTP (gzip), one-hour windows, ${concurrency} at a time`,
);
console.log(
  `wdt-sim: ${pages.toLocaleString()} pages (${rows.toLocaleString()} orders) in ${seconds.toFixed(1)} s → ${Math.round(pages / seconds).toLocaleString()} pages/s, ${Math.round(rows / seconds).toLocaleString()} orders/s`,
);
console.log(`wdt-sim: RSS ${mib(rssAtStart)} MiB at start → ${mib(rssAtEnd)} MiB after the run`);
