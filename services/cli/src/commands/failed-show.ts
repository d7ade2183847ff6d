import { z } from 'zod';
import { flagOption } from '../args.ts';
import { pathOf } from '../client.ts';
import { EXIT } from '../errors.ts';
import { formatBeijing, plural, prettyJson } from '../format.ts';
import type { Style } from '../output.ts';
import { cleanCell, formatFields, formatTable, indent } from '../table.ts';
import { readAnswer } from './answers.ts';
import type { CommandSpec } from './types.ts';

export const issueSchema = z.object({ code: z.string(), path: z.string(), message: z.string() });

const letterSchema = z.object({
  order: z.record(z.string(), z.unknown()),
  source: z.object({
    runId: z.string(),
    kind: z.string(),
    pageNo: z.number().nullable(),
    fetchedAt: z.number(),
  }),
  error: z.object({
    code: z.string(),
    message: z.string(),
    retryable: z.boolean(),
    msgCode: z.number().nullable(),
    fieldErrors: z.array(z.object({ field: z.string().nullable(), message: z.string() })),
  }),
  attemptsMade: z.number(),
  firstEnqueuedAt: z.number(),
  failedAt: z.number(),
  history: z.array(z.object({ at: z.number(), attempt: z.number(), code: z.string(), message: z.string() })),
});

export const detailSchema = z.object({
  id: z.string(),
  readable: z.boolean(),
  createdAt: z.number(),
  replaysSoFar: z.number(),
  deadLetter: letterSchema.nullable(),
  raw: z.unknown().optional(),
  problems: z.array(z.string()).optional(),
  orderCheck: z.object({ ok: z.boolean(), issues: z.array(issueSchema) }).nullable(),
});

export type Detail = z.output<typeof detailSchema>;
type Letter = z.output<typeof letterSchema>;

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

export function issueTable(issues: ReadonlyArray<z.output<typeof issueSchema>>, style: Style): string[] {
  return indent(
    formatTable(
      [{ header: 'CODE' }, { header: 'PATH' }, { header: 'MESSAGE' }],
      issues.map((issue) => [issue.code, issue.path, issue.message]),
      style.bold,
    ),
  );
}

function summaryFields(detail: Detail, letter: Letter, style: Style): string[] {
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
  return formatFields([
    ['Dead letter', detail.id],
    ['Error', `${style.red(error.code)} (${retry}): ${cleanCell(error.message)}`],
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

function letterLines(detail: Detail, letter: Letter, style: Style): string[] {
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
    ...summaryFields(detail, letter, style),
    ...(fieldErrors.length === 0 ? [] : ['', 'K3 field errors:', ...indent(fieldTable)]),
    ...(check === null || check.ok ? [] : ['', 'Replay check issues:', ...issueTable(check.issues, style)]),
    '',
    'Attempts:',
    ...indent(history),
  ];
}

export function renderDetail(detail: Detail, style: Style): string[] {
  const footer = [
    '',
    `Full order: wdt-k3 failed show ${detail.id} --order (edit it, then failed replay --order-file).`,
  ];
  if (detail.deadLetter !== null) return [...letterLines(detail, detail.deadLetter, style), ...footer];
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
      ctx.out.line(prettyJson(storedOrder(readAnswer(detailSchema, body, `GET /failed/${id}`))));
    } else if (ctx.json) ctx.out.json(body);
    else ctx.out.lines(renderDetail(readAnswer(detailSchema, body, `GET /failed/${id}`), ctx.out.style));
    return EXIT.ok;
  },
};
