import {
  type BulkReplayResult,
  bulkReplayResultSchema,
  type ReplayOutcome,
  replayOutcomeSchema,
} from '@wdt-k3/admin-contract';
import { commandUsageError, countOption, flagOption, listOption, stringOption } from '../args.ts';
import { pathOf } from '../client.ts';
import { EXIT, type ExitCode } from '../errors.ts';
import { plural } from '../format.ts';
import type { Style } from '../output.ts';
import { formatTable, indent } from '../table.ts';
import { readAnswer } from './answers.ts';
import { FILTER_OPTIONS } from './failed-list.ts';
import type { CommandContext, CommandSpec, ParsedArgs } from './types.ts';

type BulkOutcome = BulkReplayResult;

const KEPT_WARNING =
  'The dead letter was kept (removing it failed); the loader removes it once the replay succeeds.';

function renderReplay(outcome: ReplayOutcome, style: Style): string[] {
  return [
    `Replayed ${outcome.id} as job ${style.bold(outcome.jobId)} in orders${outcome.edited ? ' (edited order)' : ''}.`,
    ...(outcome.deadLetterRemoved ? [] : [style.yellow(KEPT_WARNING)]),
  ];
}

/** `skipped[].issues` is the error's details: MAP_* issues for a 422, `{ id }` for a 404. */
function skipReason(issues: unknown): string {
  const list = (issues as { issues?: unknown } | null)?.issues;
  if (!Array.isArray(list)) return '';
  return list
    .map((issue) => {
      const { code, path } = (issue ?? {}) as { code?: unknown; path?: unknown };
      return [code, path].filter((part) => typeof part === 'string' && part !== '').join(' at ');
    })
    .join('; ');
}

function renderBulk(result: BulkOutcome, style: Style): string[] {
  if (result.dryRun) {
    return [
      `Dry run: ${plural(result.matched, 'dead letter')} match; a replay would take ${result.selected.length}:`,
      ...result.selected.map((id) => `  ${id}`),
    ];
  }
  const summary = `Matched ${result.matched}: replayed ${result.replayed.length}, skipped ${result.skipped.length}, failed ${result.failed.length}, not attempted ${result.notAttempted.length}.`;
  const section = (title: string, header: string[], rows: string[][]): string[] => {
    const table = formatTable(
      header.map((text) => ({ header: text })),
      rows,
      style.bold,
    );
    return rows.length === 0 ? [] : ['', title, ...indent(table)];
  };
  return [
    summary,
    ...section(
      'Replayed:',
      ['ID', 'JOB'],
      result.replayed.map((r) => [r.id, r.deadLetterRemoved ? r.jobId : `${r.jobId} (dead letter kept)`]),
    ),
    ...section(
      'Skipped (left as they are):',
      ['ID', 'CODE', 'ISSUES'],
      result.skipped.map((s) => [s.id, s.code, skipReason(s.issues)]),
    ),
    ...section(
      'Failed:',
      ['ID', 'CODE', 'MESSAGE'],
      result.failed.map((f) => [f.id, f.code, f.message]),
    ),
    ...(result.notAttempted.length === 0
      ? []
      : ['', style.red(`Not attempted (Redis became unavailable): ${result.notAttempted.join(', ')}`)]),
  ];
}

async function orderFromFile(ctx: CommandContext, path: string): Promise<Record<string, unknown>> {
  const where = path === '-' ? 'stdin' : path;
  let textValue: string;
  try {
    textValue = await ctx.readInput(path);
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    throw commandUsageError(
      failedReplay,
      `cannot read --order-file ${where} (${typeof code === 'string' ? code : String(err)})`,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(textValue);
  } catch (err) {
    throw commandUsageError(failedReplay, `--order-file ${where} is not JSON: ${(err as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw commandUsageError(failedReplay, `--order-file ${where} must hold one WDT order, a JSON object`);
  }
  if ('deadLetter' in value) {
    // The whole `failed show --json` answer instead of its order: a likely slip, and replaying it would fail.
    throw commandUsageError(
      failedReplay,
      `--order-file ${where} holds a whole dead letter; give its order (failed show <id> --order)`,
    );
  }
  return value as Record<string, unknown>;
}

async function replayOne(ctx: CommandContext, args: ParsedArgs, id: string): Promise<ExitCode> {
  const file = stringOption(args, 'order-file');
  const order = file === undefined ? undefined : await orderFromFile(ctx, file);
  const body = {
    ...(order === undefined ? {} : { order }),
    ...(flagOption(args, 'force') ? { force: true } : {}),
  };
  const answer = await ctx.client.request({ method: 'POST', path: pathOf('failed', id, 'replay'), body });
  if (ctx.json) ctx.out.json(answer.body);
  else
    ctx.out.lines(
      renderReplay(readAnswer(replayOutcomeSchema, answer.body, `POST /failed/${id}/replay`), ctx.out.style),
    );
  return EXIT.ok;
}

async function replayMany(ctx: CommandContext, args: ParsedArgs): Promise<ExitCode> {
  const codes = listOption(args, 'code');
  const limit = countOption(args, 'limit', failedReplay);
  if (args.values['order-file'] !== undefined)
    throw commandUsageError(failedReplay, '--order-file replays one dead letter: give its <id>');
  if (codes.length === 0 || limit === undefined) {
    throw commandUsageError(failedReplay, 'give a dead-letter <id>, or --code and --limit to replay in bulk');
  }
  const filter = {
    code: codes,
    number: stringOption(args, 'number'),
    from: stringOption(args, 'from'),
    to: stringOption(args, 'to'),
  };
  const body = {
    filter,
    limit,
    ...(flagOption(args, 'force') ? { force: true } : {}),
    ...(flagOption(args, 'dry-run') ? { dryRun: true } : {}),
  };
  const answer = await ctx.client.request({ method: 'POST', path: '/failed/replay', body });
  const result = readAnswer(bulkReplayResultSchema, answer.body, 'POST /failed/replay');
  if (ctx.json) ctx.out.json(answer.body);
  else ctx.out.lines(renderBulk(result, ctx.out.style));
  // Failures the API reported inside a 200 are still failures for a script.
  return result.failed.length > 0 || result.notAttempted.length > 0 ? EXIT.apiError : EXIT.ok;
}

export const failedReplay: CommandSpec = {
  path: ['failed', 'replay'],
  args: '[<id>]',
  summary: 'Replay one dead letter (optionally with an edited order), or many by filter',
  help: [
    'One:  wdt-k3 failed replay <id> [--order-file PATH|-] [--force]',
    'Bulk: wdt-k3 failed replay --code CODE --limit N [--number N] [--from T] [--to T] [--force] [--dry-run]',
    'A replay is a fresh order.load job (so-<id>-r<n>); the dead letter goes once the job is queued.',
    'Bulk replays take the oldest first and skip (leave alone) those that fail validation or are busy.',
    'Bulk exits 1 when any replay failed or was not attempted.',
  ],
  options: {
    'order-file': {
      type: 'string',
      value: 'PATH',
      description: 'replay with this edited WDT order (JSON; - reads stdin)',
    },
    force: { type: 'boolean', description: 'replay a stored order that fails validation anyway' },
    ...FILTER_OPTIONS,
    limit: { type: 'string', value: 'N', description: 'bulk: at most N dead letters, 1–1000 (required)' },
    'dry-run': { type: 'boolean', description: 'bulk: only list which dead letters would be replayed' },
  },
  positionals: [0, 1],
  examples: [
    'wdt-k3 failed replay so-700611',
    'wdt-k3 failed show so-700611 --order | jq \'.nick_name = "tb_new"\' | wdt-k3 failed replay so-700611 --order-file -',
    'wdt-k3 failed replay --code K3_BASEDATA_MISSING --limit 500 --dry-run',
  ],
  run: async (ctx, args) => {
    const id = args.positionals[0];
    if (id === undefined) return replayMany(ctx, args);
    const bulkOnly = ['code', 'number', 'from', 'to', 'limit', 'dry-run'].filter(
      (name) => args.values[name] !== undefined,
    );
    if (bulkOnly.length > 0) {
      throw commandUsageError(
        failedReplay,
        `--${bulkOnly[0]} is for bulk replays; with an <id> only --order-file and --force apply`,
      );
    }
    return replayOne(ctx, args, id);
  },
};
