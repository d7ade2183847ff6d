import type { DeadLetterIndex, EventEmitter, PipelineQueues, SyncState } from '@wdt-k3/jobs';
import type { Logger, RedisConnection } from '@wdt-k3/runtime';
import type pg from 'pg';
import type { Registry } from 'prom-client';
import type { AuditLog } from './audit.ts';
import type { DeadLetterSummary } from './dead-letter-query.ts';

export interface DryRunIssue {
  readonly code: string;
  readonly path: string;
  readonly message: string;
}

/**
 * Fetch one stock-out from WDT and map it without writing anything: the K3 model, or the issues.
 * A port: the real one needs the WDT client and K3 lookups and is wired in main.ts.
 */
export type DryRun = (
  stockoutNo: string,
  signal?: AbortSignal,
) => Promise<
  | { found: false }
  | {
      found: true;
      order: Record<string, unknown>;
      result: { ok: true; model: object; unlinked: boolean } | { ok: false; issues: DryRunIssue[] };
    }
>;

/**
 * Map one WDT order (a dead letter's, or an edit of it) as the loader would, writing nothing: the
 * parse, the K3 lookups when K3 is configured, the mapping under MAPPING_PROFILE. The console's
 * bill preview and its check before an edited replay.
 */
export type PreviewOrder = (
  order: Record<string, unknown>,
  signal?: AbortSignal,
) => Promise<
  { ok: true; model: Record<string, unknown>; unlinked: boolean } | { ok: false; issues: DryRunIssue[] }
>;

/** What the dead-letter actions need (packages/jobs does them; see dead-letter-deps.ts). */
export interface DeadLetterContext {
  readonly queues: PipelineQueues;
  /** The event stream the ledger reads (replays, discards). */
  readonly events: EventEmitter;
  readonly redis: RedisConnection;
  readonly prefix: string;
  readonly now: () => number;
  readonly index: DeadLetterIndex<DeadLetterSummary>;
  readonly audit: AuditLog;
  readonly logger: Logger;
}

/** What the routes share; built once by buildAdminApp. */
export interface AppContext extends DeadLetterContext {
  readonly queues: PipelineQueues;
  readonly redis: RedisConnection;
  readonly syncState: SyncState;
  readonly dryRun: DryRun | undefined;
  readonly index: DeadLetterIndex<DeadLetterSummary>;
  readonly audit: AuditLog;
  readonly registry: Registry;
  readonly logger: Logger;
  /** The order ledger, when DATABASE_URL is set. */
  readonly ledger: pg.Pool | undefined;
}
