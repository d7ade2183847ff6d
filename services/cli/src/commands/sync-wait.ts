import { setTimeout as sleep } from 'node:timers/promises';
import {
  type OrderWithTimeline,
  orderSearchSchema,
  type SyncJobAnswer,
  syncJobSchema,
} from '@wdt-k3/admin-contract';
import { languageOf } from '@wdt-k3/jobs';
import { commandUsageError, stringOption } from '../args.ts';
import { pathOf } from '../client.ts';
import { ApiError, EXIT, type ExitCode } from '../errors.ts';
import { formatTable } from '../table.ts';
import { parseDuration } from './alerts.ts';
import { readAnswer } from './answers.ts';
import type { CommandContext, CommandSpec, OptionSpecs, ParsedArgs } from './types.ts';
import { type Outcome, type WaitText, waitText } from './wait-text.ts';

/**
 * `--wait` for `backfill` and `sync orders`: poll the admin (`GET /sync/jobs/:id`, then the
 * ledger) until the run has committed and every order has an outcome, or the deadline passes.
 * A person watches, so every 2 s is plenty; the loader's own retries take minutes.
 */
const POLL_MS = 2_000;
/** The loader retries an order for about half an hour (10 attempts, backoff from 2 s) before it dead-letters it. */
const DEFAULT_WAIT_TIMEOUT = '30m';

export const WAIT_OPTIONS: OptionSpecs = {
  wait: { type: 'boolean', description: 'wait until every order has an outcome, and print it' },
  'wait-timeout': {
    type: 'string',
    value: 'DURATION',
    description: `how long --wait waits: 90s, 10m, 1h (default ${DEFAULT_WAIT_TIMEOUT})`,
  },
  lang: { type: 'string', value: 'zh-CN|en', description: 'language of --wait’s report (WDT_K3_LANG)' },
};

export interface Waiting {
  readonly deadlineMs: number;
  readonly timeout: string;
  readonly text: WaitText;
}

/** The --wait settings, or null without --wait; a bad duration or --dry-run with it is a usage error. */
export function waitingOf(ctx: CommandContext, args: ParsedArgs, command: CommandSpec): Waiting | null {
  const timeout = stringOption(args, 'wait-timeout');
  if (args.values.wait !== true) {
    if (timeout !== undefined) throw commandUsageError(command, '--wait-timeout needs --wait');
    return null;
  }
  if (args.values['dry-run'] === true)
    throw commandUsageError(
      command,
      '--wait cannot follow a dry run: it loads nothing, so nothing has an outcome',
    );
  const text = timeout ?? DEFAULT_WAIT_TIMEOUT;
  const ms = parseDuration(text);
  if (ms === null || ms < 1_000)
    throw commandUsageError(
      command,
      `--wait-timeout must be a duration such as 90s, 10m or 1h, got "${text}"`,
    );
  const lang = stringOption(args, 'lang');
  return {
    deadlineMs: Date.now() + ms,
    timeout: text,
    text: waitText(lang === undefined ? ctx.language : languageOf(lang)),
  };
}

async function readJob(ctx: CommandContext, jobId: string): Promise<SyncJobAnswer> {
  const { body } = await ctx.client.request({ method: 'GET', path: pathOf('sync', 'jobs', jobId) });
  return readAnswer(syncJobSchema, body, 'GET /sync/jobs/{id}');
}

/** Sleeps one poll, or less when the deadline is nearer; false once the deadline has passed. */
async function nextPoll(waiting: Waiting): Promise<boolean> {
  const left = waiting.deadlineMs - Date.now();
  if (left <= 0) return false;
  await sleep(Math.min(POLL_MS, left));
  return true;
}

/** The job once committed or failed; at the deadline, whatever it was then. */
async function untilCommitted(ctx: CommandContext, jobId: string, waiting: Waiting): Promise<SyncJobAnswer> {
  let shown = '';
  for (;;) {
    const job = await readJob(ctx, jobId);
    if (job.state !== shown) ctx.out.error([waiting.text.waiting(jobId, job.state, job.runId)]);
    shown = job.state;
    if (job.state === 'committed' || job.state === 'failed' || !(await nextPoll(waiting))) return job;
  }
}

// --- sync orders --wait ------------------------------------------------------------------------

interface NumberOutcome {
  readonly number: string;
  readonly by: 'stockoutNo' | 'srcTid';
  /** not_found: WDT has none; unknown: WDT has it, the ledger not yet; otherwise its orders' states. */
  readonly outcome: Outcome | null;
  readonly orders: readonly OrderWithTimeline[];
}

const settled = (n: NumberOutcome): boolean =>
  n.outcome === 'not_found' || (n.orders.length > 0 && n.orders.every((order) => order.state !== 'pending'));

async function ordersOf(ctx: CommandContext, number: string): Promise<OrderWithTimeline[] | null> {
  try {
    const { body } = await ctx.client.request({ method: 'GET', path: '/orders', query: { number } });
    return readAnswer(orderSearchSchema, body, 'GET /orders').orders;
  } catch (err) {
    if (err instanceof ApiError && err.code === 'ADMIN_NOT_FOUND') return null;
    throw err;
  }
}

async function untilSettled(
  ctx: CommandContext,
  lookups: SyncJobAnswer['lookups'],
  waiting: Waiting,
): Promise<NumberOutcome[]> {
  let outcomes: NumberOutcome[] = lookups.map((lookup) => ({
    number: lookup.number,
    by: lookup.by,
    outcome: lookup.found === 0 ? 'not_found' : 'unknown',
    orders: [],
  }));
  let shown = -1;
  for (;;) {
    outcomes = await Promise.all(
      outcomes.map(async (n) => {
        if (settled(n)) return n;
        const orders = await ordersOf(ctx, n.number);
        return orders === null ? n : { ...n, outcome: null, orders };
      }),
    );
    const done = outcomes.filter(settled).length;
    if (done !== shown) ctx.out.error([waiting.text.settled(done, outcomes.length, true)]);
    shown = done;
    if (done === outcomes.length || !(await nextPoll(waiting))) return outcomes;
  }
}

function orderRow(number: string, order: OrderWithTimeline, text: WaitText): string[] {
  const outcome: Outcome = order.state;
  const at =
    outcome === 'saved' || outcome === 'changed'
      ? order.savedAt
      : outcome === 'dead'
        ? order.deadAt
        : order.updatedAt;
  const detail =
    outcome === 'saved' || outcome === 'changed'
      ? text.bill(order.billNo ?? '?', order.k3Fid)
      : outcome === 'dead'
        ? `${order.lastCode ?? '?'}: ${order.lastMessage ?? ''}`
        : outcome === 'discarded'
          ? text.discardedBy(order.discardedBy ?? '?', order.discardReason ?? '')
          : order.lastCode === null
            ? ''
            : text.lastAttempt(order.attempts, order.lastCode);
  return [number, order.orderNo ?? order.orderKey, text.outcome[outcome], at?.beijing ?? '-', detail];
}

/** Exit 4 when some order ended outside K3, else 5 when some had no outcome by the deadline. */
function exitOf(outcomes: readonly Outcome[]): ExitCode {
  if (outcomes.some((o) => o === 'dead' || o === 'discarded' || o === 'not_found')) return EXIT.notInK3;
  if (outcomes.some((o) => o === 'pending' || o === 'unknown')) return EXIT.timedOut;
  return EXIT.ok;
}

function summaryParts(counts: ReadonlyMap<string, number>): string[] {
  return [...counts].filter(([, n]) => n > 0).map(([what, n]) => `${what} ${n}`);
}

export async function waitForOrderSync(
  ctx: CommandContext,
  queued: { readonly jobId: string; readonly body: unknown },
  waiting: Waiting,
): Promise<ExitCode> {
  const { text } = waiting;
  const job = await untilCommitted(ctx, queued.jobId, waiting);
  const numbers = job.state === 'committed' ? await untilSettled(ctx, job.lookups, waiting) : [];
  if (ctx.json) ctx.out.json({ queued: queued.body, job, orders: numbers });
  if (job.state === 'failed') {
    ctx.out.error([text.runFailed(text.kind.orders, job.jobId, job.failedReason ?? '?')]);
    return EXIT.notInK3;
  }
  if (job.state !== 'committed') {
    ctx.out.error([text.timedOut(waiting.timeout)]);
    return EXIT.timedOut;
  }
  const rows = numbers.flatMap((n) =>
    n.orders.length === 0
      ? [
          [
            n.number,
            '-',
            text.outcome[n.outcome ?? 'unknown'],
            '-',
            n.outcome === 'unknown' ? text.notInLedger : '',
          ],
        ]
      : n.orders.map((order) => orderRow(n.number, order, text)),
  );
  const outcomes = numbers.flatMap((n) =>
    n.orders.length === 0 ? [n.outcome ?? 'unknown'] : n.orders.map((order) => order.state),
  );
  if (!ctx.json) {
    const counts = new Map<string, number>();
    for (const outcome of outcomes)
      counts.set(text.outcome[outcome], (counts.get(text.outcome[outcome]) ?? 0) + 1);
    ctx.out.lines([
      ...formatTable(
        text.columns.map((header) => ({ header })),
        rows,
        ctx.out.style.bold,
      ),
      '',
      text.summary(outcomes.length, summaryParts(counts)),
    ]);
  }
  const code = exitOf(outcomes);
  if (code === EXIT.timedOut) ctx.out.error([text.timedOut(waiting.timeout)]);
  return code;
}

// --- backfill --wait ---------------------------------------------------------------------------

const unsettledOf = (job: SyncJobAnswer): number =>
  job.ledger === null || job.read === null
    ? 0
    : Math.max(0, job.read.enqueued - job.ledger.orders) + (job.ledger.byState.pending ?? 0);

export async function waitForBackfill(
  ctx: CommandContext,
  queued: { readonly jobId: string; readonly body: unknown },
  waiting: Waiting,
): Promise<ExitCode> {
  const { text } = waiting;
  let job = await untilCommitted(ctx, queued.jobId, waiting);
  let shown = -1;
  while (job.state === 'committed' && unsettledOf(job) > 0) {
    const total = job.read?.enqueued ?? 0;
    const done = total - unsettledOf(job);
    if (done !== shown) ctx.out.error([text.settled(done, total, false)]);
    shown = done;
    if (!(await nextPoll(waiting))) break;
    job = await readJob(ctx, queued.jobId);
  }
  if (ctx.json) ctx.out.json({ queued: queued.body, job });
  if (job.state === 'failed') {
    ctx.out.error([text.runFailed(text.kind.backfill, job.jobId, job.failedReason ?? '?')]);
    return EXIT.notInK3;
  }
  if (job.state !== 'committed' || job.read === null || job.runId === null) {
    ctx.out.error([text.timedOut(waiting.timeout)]);
    return EXIT.timedOut;
  }
  if (job.ledger === null) {
    if (!ctx.json) ctx.out.line(text.committed(job.jobId, job.runId, job.read));
    ctx.out.error([text.noLedger]);
    return EXIT.apiError;
  }
  const { byState, deadByCode } = job.ledger;
  const n = (state: string): number => byState[state] ?? 0;
  const missing = Math.max(0, job.read.enqueued - job.ledger.orders);
  if (!ctx.json) {
    const counts = new Map<string, number>([
      [text.outcome.saved, n('saved') + n('changed')],
      [text.outcome.dead, n('dead')],
      [text.outcome.discarded, n('discarded')],
      [text.outcome.pending, n('pending')],
      [text.outcome.unknown, missing],
    ]);
    const codes = Object.entries(deadByCode).sort(([a, x], [b, y]) => y - x || a.localeCompare(b));
    ctx.out.lines([
      text.committed(job.jobId, job.runId, job.read),
      text.summary(job.read.enqueued, summaryParts(counts)),
      ...(codes.length === 0
        ? []
        : [
            '',
            text.codes,
            ...formatTable(
              [{ header: text.codeColumns[0] }, { header: text.codeColumns[1], align: 'right' as const }],
              codes.map(([code, count]) => [code, String(count)]),
              ctx.out.style.bold,
            ).map((line) => `  ${line}`),
          ]),
    ]);
  }
  const code =
    n('dead') + n('discarded') > 0 ? EXIT.notInK3 : n('pending') + missing > 0 ? EXIT.timedOut : EXIT.ok;
  if (code === EXIT.timedOut) ctx.out.error([text.timedOut(waiting.timeout)]);
  return code;
}
