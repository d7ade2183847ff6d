import { orderJobId, type WalkStep } from '@wdt-k3/jobs';
import { createRandom } from '@wdt-k3/sim-data';
import { jsonControl } from '@wdt-k3/testkit';
import { createWdtClient, type Interval, uncovered, type WdtClient } from '@wdt-k3/wdt-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  decideRange,
  decideRank,
  pageSizeOf,
  type RankTally,
  rangeOf,
  rankPageSize,
  type StepDecision,
} from '../src/walk-steps.ts';
import { startWdtSim, WDT, type WdtSim } from './harness.ts';

const PAGE_SIZE = 7;
const FROM_MS = Date.UTC(2026, 9, 1, 2, 0, 0);

interface Audited {
  stockoutId: number;
  initially: boolean;
  now: boolean;
  changes: unknown[];
}

/**
 * The walk's decisions, run against the simulator without BullMQ: pending steps are taken in a
 * random order (as concurrent page jobs would be), a failed call is retried before its step goes
 * on (as BullMQ retries a job), a rank walk's tally is kept in memory as Redis keeps it, and the
 * delays between later rank walks are skipped.
 */
async function walk(
  wdt: WdtClient,
  window: Interval,
  byModified: boolean,
  random: () => number,
): Promise<{ read: Set<string>; covered: Interval[]; calls: number; steps: Record<string, number> }> {
  const read = new Set<string>();
  const covered: Interval[] = [];
  const tallies = new Map<
    string,
    { firstTotal: number; pageSize: number; pages: Map<number, number>; ids: Set<string> }
  >();
  const pending: WalkStep[] = [{ kind: 'keyset', fromMs: window.fromMs, toMs: window.toMs, seq: 0 }];
  let calls = 0;
  const steps: Record<string, number> = {};
  while (pending.length > 0) {
    const [step] = pending.splice(Math.floor(random() * pending.length), 1) as [WalkStep];
    steps[step.kind] = (steps[step.kind] ?? 0) + 1;
    const { range, pageNo } = rangeOf(step);
    const pageSize = pageSizeOf(step, PAGE_SIZE);
    let page: Awaited<ReturnType<WdtClient['queryStockoutPage']>> | undefined;
    while (page === undefined) {
      calls += 1;
      page = await wdt
        .queryStockoutPage({
          pageNo,
          pageSize,
          status: [95],
          byModified,
          ...(range === null ? {} : { startTime: range.fromMs, endTime: range.toMs }),
        })
        .catch(() => undefined);
      if (calls > 5000) throw new Error('the walk does not end');
    }
    const ids = page.orders.map(orderJobId);
    for (const id of ids) read.add(id);
    const answer = { rows: page.orders, totalCount: page.totalCount, requestedPageSize: pageSize, ids };
    let decision: StepDecision;
    if (step.kind !== 'rank') decision = decideRange(step, answer, byModified ? 'modified' : 'consign_time');
    else {
      const walkId = `${step.second?.fromMs}-${step.attempt}`;
      if (step.phase === 'count')
        tallies.set(walkId, {
          firstTotal: page.totalCount ?? 0,
          pageSize: rankPageSize(answer),
          pages: new Map([[0, ids.length]]),
          ids: new Set(ids),
        });
      const tally = tallies.get(walkId);
      if (step.phase === 'page' && tally !== undefined) {
        tally.pages.set(step.pageNo, ids.length);
        for (const id of ids) tally.ids.add(id);
      }
      const view: RankTally | undefined =
        tally === undefined
          ? undefined
          : {
              firstTotal: tally.firstTotal,
              pageSize: tally.pageSize,
              returnedByPage: Object.fromEntries([...tally.pages].map(([k, v]) => [`p${k}`, v])),
              distinct: tally.ids.size,
            };
      decision = decideRank(step, answer, view);
      if (decision.unstable !== undefined && decision.next.length === 0) throw new Error(decision.unstable);
    }
    covered.push(...decision.covered);
    pending.push(...decision.next);
  }
  return { read, covered, calls, steps };
}

describe('the window walk, against the simulator, over many seeds', () => {
  let sim: WdtSim;
  let wdt: WdtClient;
  beforeAll(async () => {
    sim = await startWdtSim({ now: () => FROM_MS + 3 * 86_400_000 });
    wdt = createWdtClient({ baseUrl: `${sim.url}/router/qm`, ...WDT, now: () => FROM_MS + 3 * 86_400_000 });
  });
  afterAll(async () => {
    wdt.close();
    await sim.close();
  });

  // Sparse seconds (300 orders in 2 h), dense ones (300 in 40 s: seconds that fill a page of 7
  // are read by rank) and crowded ones (300 in 10 s, a third latent: rank walks that rows enter
  // while they are read), each by consign and by modified time.
  const spans = [2 * 3_600_000, 40_000, 10_000];
  const cases = Array.from({ length: 48 }, (_, index) => ({
    seed: index + 1,
    spanMs: spans[index % 3] as number,
    byModified: index % 4 === 0,
  }));

  it.each(cases)(
    'seed $seed: every row that stayed in the result is read (span $spanMs ms, byModified $byModified)',
    async ({ seed, spanMs, byModified }) => {
      const control = jsonControl(sim.url);
      await control('POST', '/_sim/reset');
      await control('POST', '/_sim/generate', { count: 300, from: FROM_MS, to: FROM_MS + spanMs, seed });
      await sim.faults({
        seed,
        errorRate: 0.1,
        churn:
          spanMs === 10_000
            ? { leave: { min: 0, max: 1 }, enter: { min: 0, max: 1 }, latentShare: 0.3 }
            : { leave: { min: 0, max: 3 }, enter: { min: 0, max: 2 }, latentShare: 0.1 },
      });
      // Modified times run up to 5 s after the consign time: the modified-time window covers them.
      const window = { fromMs: FROM_MS, toMs: FROM_MS + spanMs + (byModified ? 10_000 : 0) };
      const result = await walk(wdt, window, byModified, createRandom(seed * 7919));
      expect(uncovered(window, result.covered)).toEqual([]);
      const audit = await control<{ rows: Audited[] }>('POST', '/_sim/audit', {
        from: window.fromMs,
        to: window.toMs,
        status: [95],
        byModified,
      });
      const stayed = audit.rows.filter((row) => row.initially && row.now && row.changes.length === 0);
      expect(stayed.length).toBeGreaterThan(100);
      const missing = stayed
        .filter((row) => !result.read.has(`so-${row.stockoutId}`))
        .map((row) => row.stockoutId);
      expect(missing).toEqual([]);
    },
  );

  it.each([61, 62, 63, 64, 65, 66])(
    'seed %i: a second holding more rows than WDT’s largest page is read by rank, again until nothing moved',
    async (seed) => {
      // WDT capping pages at 10 rows: a second of 30 rows can only be read by rank.
      const capped = await startWdtSim({ now: () => FROM_MS + 3 * 86_400_000, pageSizeMax: 10 });
      const client = createWdtClient({
        baseUrl: `${capped.url}/router/qm`,
        ...WDT,
        now: () => FROM_MS + 3 * 86_400_000,
      });
      try {
        const control = jsonControl(capped.url);
        await control('POST', '/_sim/generate', { count: 300, from: FROM_MS, to: FROM_MS + 10_000, seed });
        await capped.faults({ seed, errorRate: 0.1, churn: { leave: { min: 0, max: 2 }, maxRows: 12 } });
        const window = { fromMs: FROM_MS, toMs: FROM_MS + 10_000 };
        const result = await walk(client, window, false, createRandom(seed));
        expect(uncovered(window, result.covered)).toEqual([]);
        const audit = await control<{ rows: Audited[] }>('POST', '/_sim/audit', {
          from: window.fromMs,
          to: window.toMs,
          status: [95],
        });
        const stayed = audit.rows.filter((row) => row.initially && row.now);
        expect(stayed.length).toBeGreaterThanOrEqual(288);
        expect(stayed.filter((row) => !result.read.has(`so-${row.stockoutId}`))).toEqual([]);
        expect((await capped.stats()).modifiedRows.length).toBeGreaterThan(0);
        expect(result.steps.rank).toBeGreaterThan(0);
      } finally {
        client.close();
        await capped.close();
      }
    },
  );
});
