import type { DeadLetterListing } from '@wdt-k3/admin-contract';
import type { AppContext } from './context.ts';
import { decodeCursor } from './cursor.ts';
import { type DeadLetterFilter, type DeadLetterSummary, pageDeadLetters } from './dead-letter-query.ts';
import { AdminError } from './errors.ts';
import { formatBeijing } from './instants.ts';

export interface ListingQuery {
  readonly code?: readonly string[] | undefined;
  readonly number?: string | undefined;
  readonly from?: number | undefined;
  readonly to?: number | undefined;
  readonly limit: number;
  readonly cursor?: string | undefined;
}

function toListItem(summary: DeadLetterSummary) {
  const { numbers: _numbers, ...item } = summary;
  return { ...item, failedAtBeijing: formatBeijing(summary.failedAt) };
}

/** `GET /failed` and the console's dead-letter pages: one scan of the DLQ, filtered and paged. */
export async function listDeadLetters(ctx: AppContext, query: ListingQuery): Promise<DeadLetterListing> {
  const after = query.cursor === undefined ? null : decodeCursor(query.cursor);
  if (query.cursor !== undefined && after === null) {
    throw new AdminError('ADMIN_BAD_REQUEST', 'invalid querystring', {
      issues: [{ in: 'querystring', path: 'cursor', message: 'not a cursor this service returned' }],
    });
  }
  const all = await ctx.index.scan();
  const filter: DeadLetterFilter = {
    codes: query.code,
    number: query.number,
    fromMs: query.from,
    toMs: query.to,
  };
  const page = pageDeadLetters(all, filter, after, query.limit);
  return { ...page, items: page.items.map(toListItem), scanned: all.length };
}
