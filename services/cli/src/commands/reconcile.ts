import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  type ReportItemAnswer,
  type RunRecordAnswer,
  reconcileReportSchema,
  reconcileStartAnswerSchema,
  syncMissingAnswerSchema,
} from '@wdt-k3/admin-contract';
import { reportCsv, summaryLine, writeReportXlsx } from '@wdt-k3/reconcile';
import { commandUsageError, flagOption, requireOption, stringOption } from '../args.ts';
import type { AdminClient } from '../client.ts';
import { pathOf } from '../client.ts';
import { EXIT } from '../errors.ts';
import { readAnswer } from './answers.ts';
import type { CommandContext, CommandSpec, ParsedArgs } from './types.ts';

/** How often `--wait` asks for progress: a person watching, not a test waiting. */
const POLL_MS = 2_000;
const PAGE = 5_000;

type Lang = 'zh-CN' | 'en';
const langOf = (args: ParsedArgs): Lang => (stringOption(args, 'lang') === 'en' ? 'en' : 'zh-CN');

async function getRun(client: AdminClient, id: string): Promise<RunRecordAnswer> {
  const { body } = await client.request({
    method: 'GET',
    path: pathOf('reconciliations', id),
    query: { limit: 1 },
  });
  return readAnswer(reconcileReportSchema, body, 'GET /reconciliations/{id}').run;
}

/** Every item of a finished run's report, a page of the JSON route at a time. */
async function* itemsOf(client: AdminClient, id: string): AsyncGenerator<ReportItemAnswer[]> {
  for (let offset = 0; ; offset += PAGE) {
    const { body } = await client.request({
      method: 'GET',
      path: pathOf('reconciliations', id),
      query: { offset, limit: PAGE },
    });
    const { items } = readAnswer(reconcileReportSchema, body, 'GET /reconciliations/{id}');
    if (items.length > 0) yield items;
    if (items.length < PAGE) return;
  }
}

async function writeReports(ctx: CommandContext, args: ParsedArgs, run: RunRecordAnswer): Promise<void> {
  const lang = langOf(args);
  const csv = stringOption(args, 'csv');
  const xlsx = stringOption(args, 'xlsx');
  if (csv !== undefined) {
    await pipeline(Readable.from(reportCsv(itemsOf(ctx.client, run.id), lang)), createWriteStream(csv));
    ctx.out.line(`CSV: ${csv}`);
  }
  if (xlsx !== undefined) {
    const out = createWriteStream(xlsx);
    await writeReportXlsx(run, () => itemsOf(ctx.client, run.id), out, lang);
    if (!out.writableFinished) await once(out, 'finish');
    ctx.out.line(`XLSX: ${xlsx}`);
  }
}

/** Prints the summary line (and the reasons of missing orders); exit 0 when it found nothing. */
async function finish(ctx: CommandContext, args: ParsedArgs, run: RunRecordAnswer): Promise<0 | 1> {
  if (ctx.json) ctx.out.json(run);
  else {
    ctx.out.line(summaryLine(run, langOf(args)));
    const reasons = Object.entries(run.summary?.missingByReason ?? {});
    if (reasons.length > 0) ctx.out.line(`  ${reasons.map(([why, n]) => `${why} ${n}`).join(' · ')}`);
  }
  if (run.state === 'done') await writeReports(ctx, args, run);
  return run.state === 'done' ? EXIT.ok : EXIT.apiError;
}

async function waitFor(ctx: CommandContext, id: string): Promise<RunRecordAnswer> {
  for (;;) {
    const run = await getRun(ctx.client, id);
    if (run.state === 'done' || run.state === 'failed') return run;
    ctx.out.error([
      `${id}: ${run.state} · WDT pages ${run.progress.wdtPages} · orders ${run.progress.wdtOrders} · K3 bills ${run.progress.k3Bills}`,
    ]);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

const reportOptions = {
  csv: { type: 'string', value: 'PATH', description: 'write the report as CSV' },
  xlsx: { type: 'string', value: 'PATH', description: 'write the report as an XLSX workbook' },
  lang: { type: 'string', value: 'zh-CN|en', description: 'language of the summary and reports (zh-CN)' },
} as const;

export const reconcile: CommandSpec = {
  path: ['reconcile'],
  args: '',
  summary: 'Reconcile WDT against K3 for whole days (对账): missing, extra, duplicated, mismatched',
  help: [
    'D is yyyy-MM-dd, a Beijing day; --to is included. One run per period at a time.',
    'Prints: 对账 2026-11-30: WDT 12,431 · K3 12,429 · 漏单 2 · 多单 0 · 重复 0 · 不一致 1',
  ],
  options: {
    from: { type: 'string', value: 'D', description: 'first day (required)' },
    to: { type: 'string', value: 'D', description: 'last day, included (default: --from)' },
    shop: { type: 'string', value: 'NO', description: 'only this WDT shop (extras are then not checked)' },
    warehouse: {
      type: 'string',
      value: 'NO',
      description: 'only this WDT warehouse (extras are then not checked)',
    },
    wait: { type: 'boolean', description: 'wait for the result, printing progress' },
    ...reportOptions,
  },
  positionals: [0, 0],
  examples: ['wdt-k3 reconcile --from 2026-11-30 --wait --xlsx 对账-2026-11-30.xlsx'],
  run: async (ctx, args) => {
    const from = requireOption(args, 'from', reconcile);
    const to = stringOption(args, 'to') ?? from;
    const shopNo = stringOption(args, 'shop');
    const warehouseNo = stringOption(args, 'warehouse');
    const { body } = await ctx.client.request({
      method: 'POST',
      path: '/reconciliations',
      body: {
        from,
        to,
        ...(shopNo === undefined ? {} : { shopNo }),
        ...(warehouseNo === undefined ? {} : { warehouseNo }),
      },
    });
    const started = readAnswer(reconcileStartAnswerSchema, body, 'POST /reconciliations').run;
    if (!flagOption(args, 'wait')) {
      if (ctx.json) ctx.out.json(body);
      else
        ctx.out.line(
          `Reconciliation ${started.id} started; see it with: wdt-k3 reconciliation show ${started.id}`,
        );
      return EXIT.ok;
    }
    return finish(ctx, args, await waitFor(ctx, started.id));
  },
};

export const reconcileShow: CommandSpec = {
  path: ['reconciliation', 'show'],
  args: '<id>',
  summary: 'A reconciliation: its summary line, and its report as CSV / XLSX',
  options: { wait: { type: 'boolean', description: 'wait until it has finished' }, ...reportOptions },
  positionals: [1, 1],
  run: async (ctx, args) => {
    const id = args.positionals[0] as string;
    if (!/^rc-[a-z0-9-]+$/.test(id)) throw commandUsageError(reconcileShow, `not a reconciliation id: ${id}`);
    const run = flagOption(args, 'wait') ? await waitFor(ctx, id) : await getRun(ctx.client, id);
    if (run.state !== 'done' && run.state !== 'failed') {
      ctx.out.line(
        `${id}: ${run.state} · WDT pages ${run.progress.wdtPages} · orders ${run.progress.wdtOrders} · K3 bills ${run.progress.k3Bills}`,
      );
      return EXIT.ok;
    }
    return finish(ctx, args, run);
  },
};

export const reconcileSyncMissing: CommandSpec = {
  path: ['reconciliation', 'sync-missing'],
  args: '<id>',
  summary:
    'Enqueue the missing orders of a reconciliation for syncing (dead-lettered and discarded ones are left to you)',
  options: {},
  positionals: [1, 1],
  run: async (ctx, args) => {
    const id = args.positionals[0] as string;
    const { body } = await ctx.client.request({
      method: 'POST',
      path: pathOf('reconciliations', id, 'sync-missing'),
    });
    if (ctx.json) ctx.out.json(body);
    else {
      const answer = readAnswer(syncMissingAnswerSchema, body, 'POST /reconciliations/{id}/sync-missing');
      const skipped = Object.entries(answer.skipped).map(([why, n]) => `${why} ${n}`);
      ctx.out.line(
        `Enqueued ${answer.enqueued} missing orders for syncing.${skipped.length > 0 ? ` Left for a person: ${skipped.join(', ')}.` : ''}`,
      );
    }
    return EXIT.ok;
  },
};
