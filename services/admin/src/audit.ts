import type { Logger, RedisConnection } from '@wdt-k3/runtime';

/**
 * The audit trail: one Redis stream entry per action, `{ at, who, action, target, details }`,
 * `details` as JSON. Capped at about 100,000 entries (approximate MAXLEN trims whole macro-nodes,
 * which is cheap); at a few hundred bytes an entry that is ~30 MB at most. Never holds a token:
 * `who` is the token's name.
 */
const AUDIT_MAX_ENTRIES = 100_000;

export const AUDIT_ACTIONS = [
  'dead-letter.replay',
  'dead-letter.replay-refused',
  'dead-letter.bulk-replay',
  'dead-letter.discard',
  'pipeline.pause',
  'pipeline.resume',
  'sync.backfill',
  'sync.orders',
  'sync.watermark',
  'order.dry-run',
  'order.undiscard',
  'reconcile.start',
  'reconcile.sync-missing',
  'ui.write',
  'console.sign-in',
  'console.sign-out',
  'alert.silence',
  'alert.ack',
  'alert.unsilence',
  'alert.test',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface AuditRecord {
  readonly who: string;
  readonly action: AuditAction;
  readonly target: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

export interface AuditEntry {
  readonly id: string;
  readonly at: number;
  readonly who: string;
  readonly action: string;
  readonly target: string;
  readonly details: unknown;
}

export function auditKey(prefix: string): string {
  return `${prefix}:admin:audit`;
}

export interface AuditLog {
  /**
   * Appends one entry. The action it records has already happened, so a failed write is logged
   * (with the record) rather than turned into a failed answer about a done action.
   */
  write(record: AuditRecord): Promise<void>;
  writeMany(records: readonly AuditRecord[]): Promise<void>;
  /** Newest first; `before` is an entry id from a previous page (exclusive). */
  read(limit: number, before?: string): Promise<AuditPageResult>;
  /**
   * Newest first, only entries matching the filter. Scans at most AUDIT_SEARCH_SCAN entries per
   * call: `nextBefore` then continues the scan where it stopped, even with fewer than `limit`.
   */
  search(filter: AuditFilter, limit: number, before?: string): Promise<AuditPageResult>;
}

interface AuditPageResult {
  readonly entries: AuditEntry[];
  readonly nextBefore: string | null;
}

interface AuditFilter {
  readonly who?: string | undefined;
  readonly action?: string | undefined;
  /** `at` ≥ fromMs */
  readonly fromMs?: number | undefined;
  /** `at` < toMs */
  readonly toMs?: number | undefined;
}

/** Entries one search reads at most (~300 bytes each): a filter that matches nothing stays cheap. */
const AUDIT_SEARCH_SCAN = 5_000;
const SEARCH_CHUNK = 500;

const matchesFilter = (entry: AuditEntry, filter: AuditFilter): boolean =>
  (filter.who === undefined || entry.who === filter.who) &&
  (filter.action === undefined || entry.action === filter.action) &&
  (filter.fromMs === undefined || entry.at >= filter.fromMs) &&
  (filter.toMs === undefined || entry.at < filter.toMs);

export function createAuditLog(
  redis: RedisConnection,
  prefix: string,
  now: () => number,
  logger: Logger,
): AuditLog {
  const key = auditKey(prefix);
  const fields = (record: AuditRecord): string[] => [
    'at',
    String(now()),
    'who',
    record.who,
    'action',
    record.action,
    'target',
    record.target,
    'details',
    JSON.stringify(record.details ?? {}),
  ];
  const writeMany = async (records: readonly AuditRecord[]): Promise<void> => {
    if (records.length === 0) return;
    try {
      const pipeline = redis.pipeline();
      for (const record of records)
        pipeline.xadd(key, 'MAXLEN', '~', AUDIT_MAX_ENTRIES, '*', ...fields(record));
      const replies = (await pipeline.exec()) ?? [];
      const failed = replies.find(([err]) => err !== null);
      if (failed?.[0]) throw failed[0];
    } catch (err) {
      logger.error({ err, records }, 'audit write failed');
    }
  };
  const read = async (limit: number, before?: string): Promise<AuditPageResult> => {
    const raw = await redis.xrevrange(key, before === undefined ? '+' : `(${before}`, '-', 'COUNT', limit);
    const entries = raw.map(([id, values]) => toEntry(id, values));
    return { entries, nextBefore: entries.length === limit ? (entries.at(-1)?.id ?? null) : null };
  };
  const search = async (filter: AuditFilter, limit: number, before?: string): Promise<AuditPageResult> => {
    const found: AuditEntry[] = [];
    let cursor = before;
    for (let scanned = 0; scanned < AUDIT_SEARCH_SCAN; scanned += SEARCH_CHUNK) {
      const page = await read(SEARCH_CHUNK, cursor);
      for (const entry of page.entries) {
        cursor = entry.id;
        // Newest first: past `from` nothing older can match (entries are written in time order).
        if (filter.fromMs !== undefined && entry.at < filter.fromMs)
          return { entries: found, nextBefore: null };
        if (!matchesFilter(entry, filter)) continue;
        found.push(entry);
        if (found.length === limit) return { entries: found, nextBefore: entry.id };
      }
      if (page.nextBefore === null) return { entries: found, nextBefore: null };
    }
    return { entries: found, nextBefore: cursor ?? null };
  };
  return { write: (record) => writeMany([record]), writeMany, read, search };
}

function toEntry(id: string, values: readonly string[]): AuditEntry {
  const map = new Map<string, string>();
  for (let index = 0; index + 1 < values.length; index += 2)
    map.set(values[index] ?? '', values[index + 1] ?? '');
  let details: unknown = {};
  try {
    details = JSON.parse(map.get('details') ?? '{}');
  } catch {
    details = { unparsed: map.get('details') };
  }
  return {
    id,
    at: Number(map.get('at') ?? 0),
    who: map.get('who') ?? '',
    action: map.get('action') ?? '',
    target: map.get('target') ?? '',
    details,
  };
}
