import { backfillAnswerSchema, syncOrdersAnswerSchema } from '@wdt-k3/admin-contract';
import { commandUsageError, flagOption, listOption, requireOption } from '../args.ts';
import { EXIT } from '../errors.ts';
import { plural } from '../format.ts';
import { readAnswer } from './answers.ts';
import { WAIT_OPTIONS, waitForBackfill, waitForOrderSync, waitingOf } from './sync-wait.ts';
import type { CommandSpec } from './types.ts';

const DRY_RUN_NOTE = ' Dry run: orders are fetched and mapped; the loader writes nothing.';

/** At most this many numbers are echoed; the rest are counted. */
const SHOWN_NUMBERS = 10;

function numbers(list: readonly string[], one: string, many: string): string {
  const shown = list.slice(0, SHOWN_NUMBERS).join(', ');
  const more = list.length > SHOWN_NUMBERS ? `, … ${list.length - SHOWN_NUMBERS} more` : '';
  return `${plural(list.length, one, many)} (${shown}${more})`;
}

export const backfill: CommandSpec = {
  path: ['backfill'],
  args: '',
  summary: 'Queue a backfill of a time window (sync.backfill); the watermark is left alone',
  help: [
    'T is "yyyy-MM-dd HH:mm:ss" in Beijing time (as WDT writes it) or ISO-8601 with an offset.',
    'The window may span at most 366 days and may not end more than 5 minutes in the future.',
    'With --wait: waits for the run to commit and its orders to settle, then counts them by outcome and dead-letter code; exit 0 when all are in K3, 4 when some are not, 5 when the wait timed out.',
  ],
  options: {
    from: { type: 'string', value: 'T', description: 'start of the window, included (required)' },
    to: { type: 'string', value: 'T', description: 'end of the window, excluded (required)' },
    'dry-run': { type: 'boolean', description: 'fetch and map, but let the loader write nothing' },
    ...WAIT_OPTIONS,
  },
  positionals: [0, 0],
  examples: [
    'wdt-k3 backfill --from "2024-03-01 00:00:00" --to "2024-03-08 00:00:00"',
    'wdt-k3 backfill --from "2024-03-18 00:00:00" --to "2024-03-19 00:00:00" --wait --wait-timeout 1h',
  ],
  run: async (ctx, args) => {
    const from = requireOption(args, 'from', backfill);
    const to = requireOption(args, 'to', backfill);
    const dryRun = flagOption(args, 'dry-run');
    const waiting = waitingOf(ctx, args, backfill);
    const { body } = await ctx.client.request({
      method: 'POST',
      path: '/sync/backfill',
      body: { from, to, dryRun },
    });
    if (waiting !== null) {
      const { jobId } = readAnswer(backfillAnswerSchema, body, 'POST /sync/backfill');
      return waitForBackfill(ctx, { jobId, body }, waiting);
    }
    if (ctx.json) {
      ctx.out.json(body);
      return EXIT.ok;
    }
    const answer = readAnswer(backfillAnswerSchema, body, 'POST /sync/backfill');
    ctx.out.line(
      `Backfill queued as job ${ctx.out.style.bold(answer.jobId)}: ${answer.window.from} → ${answer.window.to} (Beijing).${answer.dryRun ? DRY_RUN_NOTE : ''}`,
    );
    return EXIT.ok;
  },
};

export const syncOrders: CommandSpec = {
  path: ['sync', 'orders'],
  args: '',
  summary: 'Queue a sync of named orders (sync.orders) by stock-out number or platform trade id',
  help: [
    'Repeat the options or give comma lists; at most 500 numbers in all, duplicates dropped.',
    'With --wait: one line per order once each has an outcome (in K3 with its bill, dead-lettered with its code, discarded, not in WDT); exit 0 when all are in K3, 4 when some are not, 5 when the wait timed out.',
  ],
  options: {
    'stockout-no': {
      type: 'string',
      multiple: true,
      value: 'N',
      description: 'a WDT stock-out number (order_no)',
    },
    tid: { type: 'string', multiple: true, value: 'T', description: 'a platform trade id (src_tid)' },
    'dry-run': { type: 'boolean', description: 'fetch and map, but let the loader write nothing' },
    ...WAIT_OPTIONS,
  },
  positionals: [0, 0],
  examples: [
    'wdt-k3 sync orders --stockout-no CK2024031800017 --tid 3849201847562019384',
    'wdt-k3 sync orders --stockout-no CK1,CK2,CK3',
    'wdt-k3 sync orders --stockout-no CK2024031800017 --wait --wait-timeout 10m',
  ],
  run: async (ctx, args) => {
    const stockoutNos = listOption(args, 'stockout-no');
    const srcTids = listOption(args, 'tid');
    if (stockoutNos.length + srcTids.length === 0) {
      throw commandUsageError(syncOrders, 'name at least one order: --stockout-no or --tid');
    }
    const dryRun = flagOption(args, 'dry-run');
    const waiting = waitingOf(ctx, args, syncOrders);
    const { body } = await ctx.client.request({
      method: 'POST',
      path: '/sync/orders',
      body: { stockoutNos, srcTids, dryRun },
    });
    if (waiting !== null) {
      const { jobId } = readAnswer(syncOrdersAnswerSchema, body, 'POST /sync/orders');
      return waitForOrderSync(ctx, { jobId, body }, waiting);
    }
    if (ctx.json) {
      ctx.out.json(body);
      return EXIT.ok;
    }
    const answer = readAnswer(syncOrdersAnswerSchema, body, 'POST /sync/orders');
    const what = [
      answer.stockoutNos.length === 0 ? null : numbers(answer.stockoutNos, 'stock-out', 'stock-outs'),
      answer.srcTids.length === 0 ? null : numbers(answer.srcTids, 'trade id', 'trade ids'),
    ].filter((part) => part !== null);
    ctx.out.line(
      `Sync queued as job ${ctx.out.style.bold(answer.jobId)} for ${what.join(' and ')}.${answer.dryRun ? DRY_RUN_NOTE : ''}`,
    );
    return EXIT.ok;
  },
};
