import { createWdtClient, type StockoutPageQuery, type WdtClient } from '@wdt-k3/wdt-client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CREDENTIALS, DAY_MS, DAY0_MS, type RunningSim, startSim } from './support.ts';

const WINDOW: Omit<StockoutPageQuery, 'pageNo'> = {
  startTime: DAY0_MS,
  endTime: DAY0_MS + DAY_MS,
  pageSize: 50,
  status: [95],
};

interface Audited {
  stockoutId: number;
  initially: boolean;
  now: boolean;
  changes: Array<{ kind: string; inResult: boolean; atMs: number }>;
}

/** The churn fault: rows leave at any rank (page 0 included) and latent rows enter, by seed. */
describe('churn while paging', () => {
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
  beforeEach(async () => {
    await sim.control('POST', '/_sim/reset');
    await sim.control('POST', '/_sim/generate', {
      count: 250,
      from: DAY0_MS,
      to: DAY0_MS + DAY_MS,
      seed: 41,
    });
  });

  const ids = async (pageNo: number): Promise<number[]> =>
    (await wdt.queryStockoutPage({ ...WINDOW, pageNo })).orders.map((order) => order.stockout_id as number);
  const audit = async (): Promise<Audited[]> =>
    (
      await sim.control<{ rows: Audited[] }>('POST', '/_sim/audit', {
        from: DAY0_MS,
        to: DAY0_MS + DAY_MS,
        status: [95],
      })
    ).rows;
  const changes = async () =>
    (await sim.control<{ changes: Array<{ stockoutId: number; kind: string }> }>('GET', '/_sim/changes'))
      .changes;

  it('takes rows out at random ranks of the whole result, page 0 included, and logs each', async () => {
    await sim.control('PUT', '/_sim/faults', { seed: 3, churn: { leave: { min: 2, max: 3 } } });
    const pageZeroRanks: number[] = [];
    for (let call = 0; call < 10; call += 1) {
      const before = await ids(0).then(async (first) => [...first, ...(await ids(1)), ...(await ids(2))]);
      const left = (await changes()).map((change) => change.stockoutId);
      for (const id of left) if (before.slice(0, 50).includes(id)) pageZeroRanks.push(before.indexOf(id));
    }
    expect(pageZeroRanks.length).toBeGreaterThan(0);
    const rows = await audit();
    const left = rows.filter((row) => row.initially && !row.now);
    expect(left.length).toBe((await changes()).length);
    expect(left.every((row) => row.changes.length === 1 && row.changes[0]?.kind === 'left')).toBe(true);
    expect(rows.filter((row) => row.initially && row.now)).toHaveLength(250 - left.length);
  });

  it('hides latent rows until the fault reveals them at their rank, with a fresh modified time', async () => {
    await sim.control('PUT', '/_sim/faults', {
      seed: 5,
      churn: { enter: { min: 1, max: 2 }, latentShare: 0.2 },
    });
    const first = await wdt.queryStockoutPage({ ...WINDOW, pageNo: 0 });
    const visibleAtStart = first.totalCount ?? 0;
    expect(visibleAtStart).toBeLessThan(225);
    expect(visibleAtStart).toBeGreaterThan(175);
    for (let call = 0; call < 5; call += 1) await ids(call % 4);
    const entered = (await changes()).filter((change) => change.kind === 'entered');
    expect(entered.length).toBeGreaterThanOrEqual(6);
    const total = (await wdt.queryStockoutPage({ ...WINDOW, pageNo: 0 })).totalCount ?? 0;
    // The last call's draw happened after its answer: total counts everything revealed before it.
    expect(total).toBeGreaterThanOrEqual(visibleAtStart + entered.length);
    const rows = await audit();
    const revealed = rows.filter((row) => !row.initially && row.now);
    expect(revealed.map((row) => row.stockoutId).sort()).toEqual(
      (await changes())
        .filter((c) => c.kind === 'entered')
        .map((c) => c.stockoutId)
        .sort(),
    );
    const stats = await sim.control<{ orders: { latent: number } }>('GET', '/_sim/stats');
    expect(stats.orders.latent).toBe(250 - visibleAtStart - revealed.length);
  });

  it('repeats exactly for the same seed and the same calls', async () => {
    const run = async (): Promise<unknown> => {
      await sim.control('POST', '/_sim/reset');
      await sim.control('POST', '/_sim/generate', {
        count: 250,
        from: DAY0_MS,
        to: DAY0_MS + DAY_MS,
        seed: 41,
      });
      await sim.control('PUT', '/_sim/faults', {
        seed: 9,
        churn: { leave: { min: 1, max: 3 }, enter: { min: 0, max: 2 }, latentShare: 0.1 },
      });
      for (const pageNo of [0, 4, 3, 2, 1, 0]) await ids(pageNo);
      return changes();
    };
    const once = await run();
    expect(await run()).toEqual(once);
  });

  it('answers garbage and 1012 to the shares asked for', async () => {
    await sim.control('PUT', '/_sim/faults', { seed: 2, garbageRate: 0.3, rateLimitedRate: 0.3 });
    const outcomes = new Map<string, number>();
    for (let call = 0; call < 40; call += 1) {
      const code = await wdt.queryStockoutPage({ ...WINDOW, pageNo: 0 }).then(
        () => 'ok',
        (err: { code: string }) => err.code,
      );
      outcomes.set(code, (outcomes.get(code) ?? 0) + 1);
    }
    expect(outcomes.get('WDT_BAD_RESPONSE') ?? 0).toBeGreaterThan(3);
    expect(outcomes.get('WDT_RATE_LIMITED') ?? 0).toBeGreaterThan(3);
    expect(outcomes.get('ok') ?? 0).toBeGreaterThan(3);
  });
});
