import { createHash } from 'node:crypto';

/**
 * Order job id, derived from WDT's `stockout_id` (its unique record id): the same order
 * enqueued twice is one job while the first is retained. BullMQ rejects ids that are all
 * digits or contain ':', hence the `so-` prefix. An order without a usable stockout_id gets
 * an id from its content, so it is still enqueued (and dead-lettered by the loader) exactly once.
 */
export function orderJobId(order: Readonly<Record<string, unknown>>): string {
  const raw = order.stockout_id;
  const id =
    typeof raw === 'number' && Number.isSafeInteger(raw)
      ? String(raw)
      : typeof raw === 'string'
        ? raw.trim()
        : '';
  if (/^[A-Za-z0-9_-]{1,64}$/.test(id)) return `so-${id}`;
  return `so-x-${createHash('sha256').update(stableJson(order)).digest('hex').slice(0, 32)}`;
}

/** The id of the n-th replay of a dead letter: a fresh id, so BullMQ does not ignore it. */
export function replayJobId(originalJobId: string, replayNumber: number): string {
  return `${originalJobId.replace(/-r\d+$/, '')}-r${replayNumber}`;
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    );
    return `{${entries.map(([key, inner]) => `${JSON.stringify(key)}:${stableJson(inner)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
