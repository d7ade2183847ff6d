import type { Logger, RedisConnection } from '@wdt-k3/runtime';

/**
 * The audit trail: one Redis stream entry per action, `{ at, who, action, target, details }`,
 * `details` as JSON. Capped at about 100,000 entries (approximate MAXLEN trims whole macro-nodes,
 * which is cheap); at a few hundred bytes an entry that is ~30 MB at most. Never holds a token:
 * `who` is the token's name.
 */
export const AUDIT_MAX_ENTRIES = 100_000;

export const AUDIT_ACTIONS = [
  'dead-letter.replay',
  'dead-letter.bulk-replay',
  'dead-letter.discard',
  'pipeline.pause',
  'pipeline.resume',
  'sync.backfill',
  'sync.orders',
  'order.dry-run',
  'ui.write',
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
  read(limit: number, before?: string): Promise<{ entries: AuditEntry[]; nextBefore: string | null }>;
}

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
  return {
    write: (record) => writeMany([record]),
    writeMany,
    read: async (limit, before) => {
      const raw = await redis.xrevrange(key, before === undefined ? '+' : `(${before}`, '-', 'COUNT', limit);
      const entries = raw.map(([id, values]) => toEntry(id, values));
      return { entries, nextBefore: entries.length === limit ? (entries.at(-1)?.id ?? null) : null };
    },
  };
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
