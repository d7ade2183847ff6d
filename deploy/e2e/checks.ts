/**
 * The deploy tier's checks on a running stack. Each waits on a condition it can name (a count in
 * K3, a queue state, a container's health), never on a fixed sleep, and returns one line for the
 * report; a failed expectation throws with what was seen.
 */
import { waitFor } from '@wdt-k3/testkit';
import type { Say } from '../engine/tools.ts';
import { describeAccount, settleAndAccount } from './accounting.ts';
import { type DemoPlan, ordersIn } from './demo-plan.ts';
import { describeLedger, settleLedger } from './ledger-accounting.ts';
import { loaderBillsSaved, type Pipeline, pending } from './pipeline.ts';
import { type ContainerState, type Stack, unhealthyServices } from './stack.ts';

export interface TierContext {
  readonly stack: Stack;
  readonly pipeline: Pipeline;
  readonly plan: DemoPlan;
  readonly say: Say;
  /** `docker compose up -d --wait` with the tier's files and variables, plus `extra`. */
  up(extra?: readonly string[]): Promise<void>;
}

export async function expectHealthy(
  ctx: TierContext,
  replicas: Readonly<Record<string, number>> = {},
): Promise<string> {
  const problems = await unhealthyServices(ctx.stack, replicas);
  if (problems.length > 0) throw new Error(`not every service is healthy: ${problems.join('; ')}`);
  const services = await ctx.stack.services();
  const running = (await ctx.stack.containers()).filter((c) => c.running).length;
  return `${services.length} services (${services.join(', ')}), ${running} containers, all healthy`;
}

const loaders = async (stack: Stack): Promise<ContainerState[]> =>
  (await stack.containers()).filter((c) => c.service === 'loader' && c.running);

export async function firstRunFlows(ctx: TierContext): Promise<string> {
  const expected = ordersIn(ctx.plan.dataset, [ctx.plan.windows.first]);
  return describeAccount(await settleAndAccount(ctx.pipeline, expected, 300_000));
}

export async function scaleLoaders(ctx: TierContext): Promise<string> {
  await ctx.up(['--scale', 'loader=3']);
  await expectHealthy(ctx, { loader: 3 });
  const fleet = await loaders(ctx.stack);
  const before = await Promise.all(fleet.map((c) => loaderBillsSaved(ctx.stack, c.id)));
  // K3's cost model (a BatchSave holds one of 4 slots for 150 ms + 20 ms a bill) keeps each
  // loader's 100 job slots busy long enough that the others must take jobs too.
  await ctx.pipeline.setK3Latency({ enabled: true });
  await ctx.pipeline.backfill(ctx.plan.windows.scale.fromMs, ctx.plan.windows.scale.toMs);
  const { first, scale } = ctx.plan.windows;
  const result = await settleAndAccount(ctx.pipeline, ordersIn(ctx.plan.dataset, [first, scale]), 300_000);
  const after = await Promise.all(fleet.map((c) => loaderBillsSaved(ctx.stack, c.id)));
  const saved = fleet.map((c, i) => ({ name: c.name, bills: (after[i] ?? 0) - (before[i] ?? 0) }));
  const idle = saved.filter((s) => s.bills === 0);
  if (idle.length > 0)
    throw new Error(`loaders that consumed nothing: ${idle.map((s) => s.name).join(', ')}`);
  await ctx.pipeline.setK3Latency({ enabled: false });
  return `3 loaders saved ${saved.map((s) => s.bills).join(' + ')} bills of the backfill; ${describeAccount(result)}`;
}

export async function adminAuth(ctx: TierContext): Promise<string> {
  const withToken = await ctx.pipeline.admin('GET', '/queues');
  const without = await ctx.pipeline.admin('GET', '/queues', { token: null });
  const wrong = await ctx.pipeline.admin('GET', '/queues', { token: 'x'.repeat(40) });
  const code = (answer: { body: unknown }): unknown =>
    (answer.body as { error?: { code?: unknown } } | null)?.error?.code;
  const seen = `with token ${withToken.status}, without ${without.status} ${String(code(without))}, wrong ${wrong.status}`;
  if (
    withToken.status !== 200 ||
    without.status !== 401 ||
    code(without) !== 'ADMIN_UNAUTHORIZED' ||
    wrong.status !== 401
  )
    throw new Error(`admin auth: ${seen}`);
  const logs = (await ctx.stack.compose(['logs', '--no-color', 'admin'])).stdout;
  if (logs.includes(ctx.pipeline.endpoints.token)) throw new Error('the admin logged its token');
  return `${seen}; the token is not in the admin's log`;
}

interface QueueSnapshot {
  readonly waiting: number;
  readonly completed: number;
  readonly failed: number;
  readonly deadLetters: number;
  readonly watermarkMs: number | null;
  /** The ledger's orders per state (PostgreSQL, through the admin API), as JSON. */
  readonly ledger: string;
}

async function snapshot(pipeline: Pipeline): Promise<QueueSnapshot> {
  const orders = (await pipeline.queues()).orders?.counts ?? {};
  return {
    waiting: orders.waiting ?? -1,
    completed: orders.completed ?? -1,
    failed: orders.failed ?? -1,
    deadLetters: (await pipeline.deadLetters()).total,
    watermarkMs: await pipeline.watermarkMs(),
    ledger: JSON.stringify(await pipeline.ledgerCounts()),
  };
}

function sameState(label: string, before: QueueSnapshot, after: QueueSnapshot): void {
  const kept =
    after.waiting === before.waiting &&
    after.completed === before.completed &&
    after.failed === before.failed &&
    after.deadLetters === before.deadLetters &&
    after.ledger === before.ledger &&
    (after.watermarkMs ?? 0) >= (before.watermarkMs ?? 0);
  if (!kept)
    throw new Error(`${label} changed the queue state: ${JSON.stringify(before)} → ${JSON.stringify(after)}`);
}

/** Redis answering again, admin reading the queues, every running service healthy. */
async function settledAfterRestart(
  ctx: TierContext,
  replicas: Readonly<Record<string, number>>,
): Promise<void> {
  await waitFor(
    async () => (await unhealthyServices(ctx.stack, replicas)).length === 0 && (await snapshot(ctx.pipeline)),
    {
      timeoutMs: 180_000,
      intervalMs: 1_000,
      description: 'every service healthy and the admin reading the queues again',
    },
  );
}

/**
 * Waiting orders, the watermark, finished jobs and the ledger (PostgreSQL's named volume) survive
 * `restart redis` and `down` / `up`.
 */
export async function stateSurvives(ctx: TierContext): Promise<string> {
  const { first, scale, state } = ctx.plan.windows;
  // The ledger has every order moved so far before anything is stopped.
  await settleLedger(ctx.pipeline, ordersIn(ctx.plan.dataset, [first, scale]), 120_000);
  await ctx.stack.compose(['stop', 'loader'], 120_000);
  await ctx.pipeline.backfill(state.fromMs, state.toMs);
  const expected = ordersIn(ctx.plan.dataset, [state]);
  await waitFor(
    async () => {
      const queues = await ctx.pipeline.queues();
      return (
        queues.orders?.counts.waiting === expected.size &&
        pending(queues['wdt-pages']) === 0 &&
        (await ctx.pipeline.ledgerCounts()).pending === expected.size
      );
    },
    {
      timeoutMs: 180_000,
      intervalMs: 1_000,
      description: `${expected.size} orders waiting with the loaders stopped, and pending in the ledger`,
    },
  );
  const before = await snapshot(ctx.pipeline);
  await ctx.stack.compose(['restart', 'redis'], 120_000);
  await settledAfterRestart(ctx, { loader: 0 });
  sameState('docker compose restart redis', before, await snapshot(ctx.pipeline));
  await ctx.stack.compose(['down'], 180_000);
  const volumes = (
    await ctx.stack.docker([
      'volume',
      'ls',
      '--quiet',
      '--filter',
      `label=com.docker.compose.project=${ctx.stack.project}`,
    ])
  ).stdout.trim();
  for (const volume of ['redis-data', 'postgres-data'])
    if (!volumes.split('\n').some((name) => name === `${ctx.stack.project}_${volume}`))
      throw new Error(
        `docker compose down removed the ${volume} volume (left: ${volumes.replace(/\n/g, ', ')})`,
      );
  await ctx.up(['--scale', 'loader=0']);
  await settledAfterRestart(ctx, { loader: 0 });
  sameState('docker compose down / up', before, await snapshot(ctx.pipeline));
  // The K3 simulator started empty with the new stack: it must now get exactly the waiting orders.
  await ctx.up(['--scale', 'loader=3']);
  const result = await settleAndAccount(ctx.pipeline, expected, 300_000);
  // The ledger kept the earlier windows' orders and now has these too.
  const ledger = await settleLedger(ctx.pipeline, ordersIn(ctx.plan.dataset, [first, scale, state]), 120_000);
  return (
    `${before.waiting} waiting orders, ${before.completed} completed jobs, the watermark and the ledger (${before.ledger}) ` +
    `kept across restart redis and down/up; then ${describeAccount(result)}; ${describeLedger(ledger)}`
  );
}

/** A loader killed with SIGKILL mid-batch: its jobs are taken over once their locks lapse. */
export async function loaderKilled(ctx: TierContext): Promise<string> {
  // Slow K3 (1 s + 50 ms a bill per BatchSave, 4 at once) so the kill lands mid-load.
  await ctx.pipeline.setK3Latency({ enabled: true, baseMs: 1_000, perBillMs: 50 });
  const [victim] = await loaders(ctx.stack);
  if (victim === undefined) throw new Error('no loader running');
  const before = await loaderBillsSaved(ctx.stack, victim.id);
  const { state, kill } = ctx.plan.windows;
  const expected = ordersIn(ctx.plan.dataset, [state, kill]);
  const backfilled = ordersIn(ctx.plan.dataset, [kill]).size;
  await ctx.pipeline.backfill(kill.fromMs, kill.toMs);
  await waitFor(async () => (await loaderBillsSaved(ctx.stack, victim.id)) > before, {
    timeoutMs: 180_000,
    intervalMs: 250,
    description: `${victim.name} to be saving bills of the backfill`,
  });
  const atKill = await ctx.pipeline.k3BillCount();
  await ctx.stack.docker(['kill', '--signal', 'KILL', victim.id]);
  if (atKill >= expected.size) throw new Error(`the load had finished (${atKill} bills) before the kill`);
  const result = await settleAndAccount(ctx.pipeline, expected, 420_000);
  const after = (await ctx.stack.containers({ all: true })).find((c) => c.id === victim.id);
  await ctx.pipeline.setK3Latency({ enabled: false });
  const fate =
    after === undefined
      ? 'gone'
      : after.running
        ? `running again (restarts: ${after.restartCount})`
        : `exited ${after.exitCode}`;
  await ctx.up(['--scale', 'loader=3']);
  await expectHealthy(ctx, { loader: 3 });
  const savedAtKill = atKill - (expected.size - backfilled);
  return `killed ${victim.name} (-s KILL) with ${savedAtKill}/${backfilled} of the backfill in K3, it ${fate}; ${describeAccount(result)}`;
}

/** No process in any container runs as root (docker top: the host's view of each container). */
export async function nonRoot(ctx: TierContext): Promise<string> {
  const problems: string[] = [];
  const seen: string[] = [];
  for (const c of (await ctx.stack.containers()).filter((x) => x.running)) {
    // docker top runs the host's ps over the container's processes; it needs the pid column.
    const rows = (await ctx.stack.docker(['top', c.id, '-eo', 'pid,uid,comm'])).stdout
      .trim()
      .split('\n')
      .slice(1);
    const uids = new Set(rows.map((row) => row.trim().split(/\s+/)[1] ?? ''));
    if (uids.has('0') || uids.has('root'))
      problems.push(`${c.name} runs a process as root: ${rows.join(' | ')}`);
    seen.push(`${c.service}:${[...uids].join('/')}`);
  }
  if (problems.length > 0) throw new Error(problems.join('; '));
  return `every process non-root (uid per container: ${[...new Set(seen)].join(', ')})`;
}
