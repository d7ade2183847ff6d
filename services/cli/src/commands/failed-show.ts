import {
  type DeadLetterData,
  type DeadLetterDetail,
  deadLetterDetailSchema,
  type MapIssue,
} from '@wdt-k3/admin-contract';
import { describeCode, type Language } from '@wdt-k3/jobs';
import { flagOption } from '../args.ts';
import { pathOf } from '../client.ts';
import { EXIT } from '../errors.ts';
import { formatBeijing, plural, prettyJson } from '../format.ts';
import type { Style } from '../output.ts';
import { cleanCell, formatFields, formatTable, indent } from '../table.ts';
import { readAnswer } from './answers.ts';
import type { CommandSpec } from './types.ts';

type Detail = DeadLetterDetail;
type Letter = DeadLetterData;

const text = (value: unknown): string | null =>
  (typeof value === 'string' && value.trim() !== '') || typeof value === 'number' ? String(value) : null;

function orderLine(order: Readonly<Record<string, unknown>>): string {
  const lines = Array.isArray(order.details_list) ? order.details_list.length : null;
  const parts = [
    text(order.order_no) ?? text(order.stockout_no) ?? '(no order_no)',
    text(order.stockout_id) === null ? null : `stock-out id ${text(order.stockout_id)}`,
    text(order.src_trade_no) === null ? null : `trade ${text(order.src_trade_no)}`,
    text(order.shop_no) === null ? null : `shop ${text(order.shop_no)}`,
    text(order.nick_name) === null ? null : `customer ${text(order.nick_name)}`,
    lines === null ? null : plural(lines, 'line'),
  ];
  return cleanCell(parts.filter((part) => part !== null).join(' · '));
}

export function issueTable(issues: readonly MapIssue[], style: Style): string[] {
  return indent(
    formatTable(
      [{ header: 'CODE' }, { header: 'PATH' }, { header: 'MESSAGE' }],
      issues.map((issue) => [issue.code, issue.path, issue.message]),
      style.bold,
    ),
  );
}

function summaryFields(detail: Detail, letter: Letter, style: Style, language: Language): string[] {
  const { error, source } = letter;
  const page = source.pageNo === null ? '' : `, page ${source.pageNo}`;
  const check = detail.orderCheck;
  const verdict =
    check === null
      ? '-'
      : check.ok
        ? 'ok: the stored order passes the wire schema'
        : 'fails: a replay needs an edited order or --force';
  const retry = error.retryable ? 'retryable' : 'not retryable';
  const explained = describeCode(error.code, language);
  return formatFields([
    ['Dead letter', detail.id],
    ['Error', `${style.red(error.code)} (${retry}): ${cleanCell(error.message)}`],
    ['Meaning', `${explained.title}: ${explained.meaning}`],
    ['What to do', explained.action],
    ...(error.msgCode === null ? [] : ([['K3 msgCode', String(error.msgCode)]] as const)),
    ['Order', orderLine(letter.order)],
    [
      'Failed at',
      `${formatBeijing(letter.failedAt)} (Beijing) after ${plural(letter.attemptsMade, 'attempt')}`,
    ],
    ['First queued', `${formatBeijing(letter.firstEnqueuedAt)} (Beijing)`],
    ['Source', `${source.kind} run ${source.runId}${page}, fetched ${formatBeijing(source.fetchedAt)}`],
    ['Replays', `${detail.replaysSoFar} so far`],
    ['Replay check', verdict],
  ]);
}

function letterLines(detail: Detail, letter: Letter, style: Style, language: Language): string[] {
  const { fieldErrors } = letter.error;
  const check = detail.orderCheck;
  const fieldTable = formatTable(
    [{ header: 'FIELD' }, { header: 'MESSAGE' }],
    fieldErrors.map((fieldError) => [fieldError.field ?? '-', fieldError.message]),
    style.bold,
  );
  const history = formatTable(
    [
      { header: '#', align: 'right' },
      { header: 'AT (BEIJING)' },
      { header: 'CODE' },
      { header: 'MESSAGE', maxWidth: 80 },
    ],
    letter.history.map((entry) => [
      String(entry.attempt),
      formatBeijing(entry.at),
      entry.code,
      entry.message,
    ]),
    style.bold,
  );
  return [
    ...summaryFields(detail, letter, style, language),
    ...(fieldErrors.length === 0
      ? []
      : [
          '',
          letter.error.code.startsWith('MAP_') ? 'Mapping problems:' : 'K3 field errors:',
          ...indent(fieldTable),
        ]),
    ...(check === null || check.ok ? [] : ['', 'Replay check issues:', ...issueTable(check.issues, style)]),
    '',
    'Attempts:',
    ...indent(history),
  ];
}

function renderDetail(detail: Detail, style: Style, language: Language = 'zh-CN'): string[] {
  const footer = [
    '',
    `Full order: wdt-k3 failed show ${detail.id} --order (edit it, then failed replay --order-file).`,
  ];
  if (detail.deadLetter !== null)
    return [...letterLines(detail, detail.deadLetter, style, language), ...footer];
  return [
    ...formatFields([
      [
        'Dead letter',
        `${detail.id} (${style.yellow('unreadable')}: its data does not match the catalog schema)`,
      ],
      ['Created at', `${formatBeijing(detail.createdAt)} (Beijing)`],
      ['Replays', `${detail.replaysSoFar} so far`],
    ]),
    '',
    'Problems:',
    ...(detail.problems ?? []).map((problem) => `  - ${cleanCell(problem)}`),
    '',
    'A replay needs an edited order: --order prints the raw data to start from.',
    ...footer,
  ];
}

/** What --order prints: the WDT order as stored, or the raw data of an unreadable dead letter. */
function storedOrder(detail: Detail): unknown {
  if (detail.deadLetter !== null) return detail.deadLetter.order;
  const raw = detail.raw;
  return typeof raw === 'object' && raw !== null && 'order' in raw ? (raw as { order: unknown }).order : raw;
}

export const failedShow: CommandSpec = {
  path: ['failed', 'show'],
  args: '<id>',
  summary: 'One dead letter: the error, K3 field errors, attempts and the WDT order',
  help: ['--order prints only the WDT order as JSON: save it, edit it, and replay it with --order-file.'],
  options: { order: { type: 'boolean', description: 'print only the stored WDT order, as JSON' } },
  positionals: [1, 1],
  examples: [
    'wdt-k3 failed show so-700611',
    'wdt-k3 failed show so-700611 --order > order.json && $EDITOR order.json',
    `wdt-k3 failed show so-700611 --json | jq '.deadLetter.error'`,
  ],
  run: async (ctx, args) => {
    const id = args.positionals[0] ?? '';
    const { body } = await ctx.client.request({ method: 'GET', path: pathOf('failed', id) });
    if (flagOption(args, 'order')) {
      ctx.out.line(prettyJson(storedOrder(readAnswer(deadLetterDetailSchema, body, `GET /failed/${id}`))));
    } else if (ctx.json) ctx.out.json(body);
    else
      ctx.out.lines(
        renderDetail(
          readAnswer(deadLetterDetailSchema, body, `GET /failed/${id}`),
          ctx.out.style,
          ctx.language,
        ),
      );
    return EXIT.ok;
  },
};
