/**
 * The deploy tier's checks of the order ledger service and its PostgreSQL: the orders the demo
 * moves end in the ledger (read through the admin API, as an operator would), and a ledger killed
 * with SIGKILL mid-projection loses nothing: the stream keeps every event it has not acknowledged,
 * so after a restart it catches up. Down / up is checked with the queue state (checks.ts).
 */
import { waitFor } from '@wdt-k3/testkit';
import { describeAccount, settleAndAccount } from './accounting.ts';
import type { TierContext } from './checks.ts';
import { ordersIn } from './demo-plan.ts';
import { describeLedger, orderWithTimeline, settleLedger } from './ledger-accounting.ts';
import { unhealthyServices } from './stack.ts';

/** The first run's orders, all saved in the ledger: as many as K3 holds bills, one found by its number. */
export async function ledgerHoldsFirstRun(ctx: TierContext): Promise<string> {
  const expected = ordersIn(ctx.plan.dataset, [ctx.plan.windows.first]);
  const result = await settleLedger(ctx.pipeline, expected, 120_000);
  const bills = await ctx.pipeline.k3BillCount();
  const saved = (await ctx.pipeline.ledgerCounts()).saved ?? 0;
  if (saved !== bills) throw new Error(`/ledger/counts shows ${saved} saved orders, K3 holds ${bills} bills`);
  // The middle one of the window, so neither edge's overlap decides which order is asked for.
  const sample = [...expected].sort()[Math.floor(expected.size / 2)] as string;
  return `/ledger/counts: ${saved} saved = ${bills} bills in K3; ${describeLedger(result)}; ${await orderWithTimeline(ctx.pipeline, sample)}`;
}

/**
 * The ledger container killed with SIGKILL while it projects a backfill's saves; K3 gets the
 * rest meanwhile. Once it is started again (`docker compose start ledger`, what an operator does)
 * the ledger holds every order of every window moved so far, nothing else.
 */
export async function ledgerKilled(ctx: TierContext): Promise<string> {
  const { dataset, windows } = ctx.plan;
  const everything = ordersIn(dataset, [
    windows.first,
    windows.scale,
    windows.state,
    windows.kill,
    windows.ledger,
  ]);
  // The K3 simulator started empty at the down / up of stateSurvives.
  const inK3 = ordersIn(dataset, [windows.state, windows.kill, windows.ledger]);
  const backfilled = ordersIn(dataset, [windows.ledger]);
  const victim = (await ctx.stack.containers()).find((c) => c.service === 'ledger' && c.running);
  if (victim === undefined) throw new Error('no ledger running');
  const savedNow = async (): Promise<number> => (await ctx.pipeline.ledgerCounts()).saved ?? 0;
  const before = await savedNow();
  // Slow K3 (1 s + 50 ms a bill per BatchSave, 4 at once) so the backfill's saves keep coming.
  await ctx.pipeline.setK3Latency({ enabled: true, baseMs: 1_000, perBillMs: 50 });
  await ctx.pipeline.backfill(windows.ledger.fromMs, windows.ledger.toMs);
  await waitFor(async () => (await savedNow()) > before, {
    timeoutMs: 180_000,
    intervalMs: 250,
    description: 'the ledger to be projecting saves of the backfill',
  });
  const atKill = await savedNow();
  await ctx.stack.docker(['kill', '--signal', 'KILL', victim.id]);
  if (atKill - before >= backfilled.size)
    throw new Error(`the ledger had the whole backfill (${atKill - before}) before the kill`);
  const k3 = await settleAndAccount(ctx.pipeline, inK3, 420_000);
  await ctx.pipeline.setK3Latency({ enabled: false });
  const whileDown = await savedNow();
  const after = (await ctx.stack.containers({ all: true })).find((c) => c.id === victim.id);
  const fate =
    after === undefined
      ? 'gone'
      : after.running
        ? `running again (restarts: ${after.restartCount})`
        : `exited ${after.exitCode}`;
  if (after?.running !== true) await ctx.stack.compose(['start', 'ledger'], 120_000);
  await waitFor(async () => (await unhealthyServices(ctx.stack, { loader: 3 })).length === 0, {
    timeoutMs: 120_000,
    intervalMs: 1_000,
    description: 'every service healthy again, the ledger included',
  });
  const result = await settleLedger(ctx.pipeline, everything, 180_000);
  const sample = [...backfilled].sort().at(-1) as string;
  return (
    `killed ${victim.name} (-s KILL) with ${atKill - before}/${backfilled.size} of the backfill in the ledger, it ${fate}; ` +
    `K3 meanwhile: ${describeAccount(k3)}; the ledger then showed ${whileDown - before}; after docker compose start ledger: ` +
    `${describeLedger(result)}; ${await orderWithTimeline(ctx.pipeline, sample)}`
  );
}
