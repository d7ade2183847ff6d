import type { PipelineQueues, SyncState } from '@wdt-k3/jobs';
import type { Logger, RedisConnection } from '@wdt-k3/runtime';
import type { Registry } from 'prom-client';
import type { AuditLog } from './audit.ts';
import type { DeadLetterIndex } from './dead-letter-index.ts';
import type { DeadLetterContext } from './dead-letters.ts';

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

/** What the routes share; built once by buildAdminApp. */
export interface AppContext extends DeadLetterContext {
  readonly queues: PipelineQueues;
  readonly redis: RedisConnection;
  readonly syncState: SyncState;
  readonly dryRun: DryRun | undefined;
  readonly index: DeadLetterIndex;
  readonly audit: AuditLog;
  readonly registry: Registry;
  readonly logger: Logger;
}
