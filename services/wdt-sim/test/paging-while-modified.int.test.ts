import { createWdtClient, planPages, type StockoutPageQuery, type WdtClient } from '@wdt-k3/wdt-client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CREDENTIALS, DAY_MS, DAY0_MS, type RunningSim, startSim } from './support.ts';

const PAGE_SIZE = 100;
const WINDOW: Omit<StockoutPageQuery, 'pageNo'> = {
  startTime: DAY0_MS,
  endTime: DAY0_MS + DAY_MS,
  pageSize: PAGE_SIZE,
  status: [95],
};

/**
 * WDT's advice to page backwards, shown on the simulator's "modify rows while paging" fault: after
 * every page, 3 rows just past page 0 leave the result (shipped 95 → completed 110), moving every
 * later row up three ranks. Rows that really left are allowed to be missing; nothing else is.
 */
describe('paging while rows leave the result set', () => {
  let sim: RunningSim;
  let wdt: WdtClient;
  beforeAll(async () => {
    sim = await startSim();
    wdt = createWdtClient({ baseUrl: sim.baseUrl, ...CREDENTIALS, now: sim.clock.now });
  });
  afterAll(async () => {
    wdt.close();
    await sim.close();
  });

  let before: number[];
  beforeEach(async () => {
    await sim.control('POST', '/_sim/reset');
    await sim.control('POST', '/_sim/generate', {
      count: 250,
      from: DAY0_MS,
      to: DAY0_MS + DAY_MS,
      seed: 31,
    });
    before = await readPages([0, 1, 2]);
    expect(new Set(before).size).toBe(250);
    await sim.control('PUT', '/_sim/faults', { modifyWhilePaging: { rowsPerCall: 3 } });
  });

  async function readPages(pages: readonly number[]): Promise<number[]> {
    const ids: number[] = [];
    for (const pageNo of pages) {
      const page = await wdt.queryStockoutPage({ ...WINDOW, pageNo });
      ids.push(...page.orders.map((order) => order.stockout_id as number));
    }
    return ids;
  }

  /** Rows that never left the result set, i.e. rows a correct walk must return. */
  async function mustFind(): Promise<number[]> {
    const { modifiedRows } = await sim.control<{ modifiedRows: number[] }>('GET', '/_sim/stats');
    expect(modifiedRows.length).toBeGreaterThan(0);
    return before.filter((id) => !modifiedRows.includes(id));
  }

  it('backwards (page 0, then last to 1) misses none', async () => {
    const first = await wdt.queryStockoutPage({ ...WINDOW, pageNo: 0 });
    const pages = planPages(first.totalCount ?? 0, PAGE_SIZE);
    expect(pages).toEqual([2, 1]);
    const found = new Set([
      ...first.orders.map((order) => order.stockout_id as number),
      ...(await readPages(pages)),
    ]);
    const missing = (await mustFind()).filter((id) => !found.has(id));
    expect(missing).toEqual([]);
  });

  it('forwards (0, 1, 2) skips exactly the rows that moved across a page boundary it had passed', async () => {
    const found = new Set(await readPages([0, 1, 2]));
    const missing = (await mustFind()).filter((id) => !found.has(id));
    // After page 1 the rows at ranks 100–102 (already served) left, so old ranks 203–205 moved
    // up into page 1's range, which the forward walk had already read.
    expect(missing).toEqual(before.slice(203, 206));
  });
});
