import { type DeadLetterListing, deadLetterListingSchema } from '@wdt-k3/admin-contract';
import { z } from 'zod';
import { countOption, listOption, stringOption } from '../args.ts';
import type { AdminClient } from '../client.ts';
import { EXIT } from '../errors.ts';
import { keyValuesFirst, plural } from '../format.ts';
import type { Style } from '../output.ts';
import { formatTable } from '../table.ts';
import { readAnswer } from './answers.ts';
import type { CommandSpec, OptionSpecs, ParsedArgs } from './types.ts';

/** The filter options of `failed list` and the bulk `failed replay`, as the admin reads them. */
export const FILTER_OPTIONS: OptionSpecs = {
  code: {
    type: 'string',
    multiple: true,
    value: 'CODE',
    description: 'error code(s), e.g. K3_BASEDATA_MISSING (repeat or comma list)',
  },
  number: {
    type: 'string',
    value: 'N',
    description: 'any WDT number of the order: order_no, stockout_no/id, src_order_no, trade_no, src_tids',
  },
  from: {
    type: 'string',
    value: 'T',
    description: 'failed at or after T: "yyyy-MM-dd HH:mm:ss" (Beijing) or ISO-8601 with offset',
  },
  to: { type: 'string', value: 'T', description: 'failed before T (same forms as --from)' },
};

type Listing = DeadLetterListing;

/** Page size of --all: each page is a full DLQ scan server-side, so fewer pages cost less. */
const ALL_PAGE_SIZE = 500;
const MESSAGE_WIDTH = 60;

/** `byCode` as a table, biggest first. */
export function byCodeLines(byCode: Readonly<Record<string, number>>, style: Style): string[] {
  const rows = Object.entries(byCode)
    .sort(([codeA, a], [codeB, b]) => b - a || codeA.localeCompare(codeB))
    .map(([code, count]) => [code, String(count)]);
  return rows.length === 0
    ? []
    : formatTable([{ header: 'CODE' }, { header: 'COUNT', align: 'right' }], rows, style.bold);
}

function renderListing(listing: Listing, style: Style): string[] {
  if (listing.items.length === 0) {
    const lines = [listing.total === 0 ? 'No dead letters match.' : 'No more dead letters on this page.'];
    return listing.scanned > 0
      ? [
          ...lines,
          '',
          `Dead letters by code (${listing.scanned} in all):`,
          ...byCodeLines(listing.byCode, style),
        ]
      : lines;
  }
  const table = formatTable(
    [
      { header: 'ID' },
      { header: 'CODE' },
      { header: 'STOCK-OUT' },
      { header: 'FAILED AT (BEIJING)' },
      { header: 'ATTEMPTS', align: 'right' },
      { header: 'MESSAGE', maxWidth: MESSAGE_WIDTH },
    ],
    listing.items.map((item) => [
      item.id,
      item.code,
      item.orderNo ?? item.stockoutId ?? '-',
      item.failedAtBeijing,
      String(item.attemptsMade),
      keyValuesFirst(item.message),
    ]),
    style.bold,
  );
  const more =
    listing.nextCursor === null
      ? []
      : ['', `More: repeat with --cursor ${listing.nextCursor} (or --all for every page).`];
  return [
    ...table,
    '',
    `${listing.items.length} shown of ${plural(listing.total, 'match', 'matches')}. By code (every filter but --code):`,
    ...byCodeLines(listing.byCode, style),
    ...more,
  ];
}

function listQuery(args: ParsedArgs, command: CommandSpec, all: boolean) {
  const codes = listOption(args, 'code');
  const limit = countOption(args, 'limit', command) ?? (all ? ALL_PAGE_SIZE : undefined);
  return {
    code: codes.length === 0 ? undefined : codes.join(','),
    number: stringOption(args, 'number'),
    from: stringOption(args, 'from'),
    to: stringOption(args, 'to'),
    limit,
  };
}

const pageSchema = z.object({ items: z.array(z.unknown()), nextCursor: z.string().nullable() }).loose();

/**
 * Follows `nextCursor` to the end. The answer keeps the listing's shape, items untouched: every
 * page's items, the totals of the last page, `nextCursor: null`.
 */
async function fetchAll(
  client: AdminClient,
  query: Readonly<Record<string, string | number | undefined>>,
  cursor: string | undefined,
): Promise<Record<string, unknown>> {
  const items: unknown[] = [];
  let next = cursor;
  for (;;) {
    const { body } = await client.request({
      method: 'GET',
      path: '/failed',
      query: { ...query, cursor: next },
    });
    const page = readAnswer(pageSchema, body, 'GET /failed');
    items.push(...page.items);
    // A cursor that does not move would loop for ever; the API never answers one, but stop anyway.
    if (page.nextCursor === null || page.nextCursor === next) return { ...page, items, nextCursor: null };
    next = page.nextCursor;
  }
}

export const failedList: CommandSpec = {
  path: ['failed', 'list'],
  args: '',
  summary: 'List dead letters, oldest first, with totals by code',
  help: [
    'Shows one page (--limit, default 50, at most 500) and the cursor of the next; --all follows',
    'the cursors and prints every match (with --json: one answer with every page’s items).',
  ],
  options: {
    ...FILTER_OPTIONS,
    limit: { type: 'string', value: 'N', description: 'page size, 1–500 (default 50; 500 with --all)' },
    cursor: {
      type: 'string',
      value: 'C',
      description: 'start after this cursor (the "More:" line of a previous page)',
    },
    all: { type: 'boolean', description: 'follow the cursors to the last page' },
  },
  positionals: [0, 0],
  examples: [
    'wdt-k3 failed list --code K3_BASEDATA_MISSING --from "2024-03-18 00:00:00"',
    'wdt-k3 failed list --number CK2024031800017',
    "wdt-k3 failed list --all --json | jq -r '.items[].id'",
  ],
  run: async (ctx, args) => {
    const all = args.values.all === true;
    const query = listQuery(args, failedList, all);
    const cursor = stringOption(args, 'cursor');
    if (all) {
      const listing = await fetchAll(ctx.client, query, cursor);
      if (ctx.json) ctx.out.json(listing);
      else
        ctx.out.lines(
          renderListing(readAnswer(deadLetterListingSchema, listing, 'GET /failed'), ctx.out.style),
        );
      return EXIT.ok;
    }
    const { body } = await ctx.client.request({
      method: 'GET',
      path: '/failed',
      query: { ...query, cursor },
    });
    if (ctx.json) ctx.out.json(body);
    else
      ctx.out.lines(renderListing(readAnswer(deadLetterListingSchema, body, 'GET /failed'), ctx.out.style));
    return EXIT.ok;
  },
};
