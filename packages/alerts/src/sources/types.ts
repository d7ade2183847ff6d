import type { ExtractorStatus, Refusal, RefusingSystem, SignalWindow } from '@wdt-k3/jobs';
import type { LedgerLag } from '@wdt-k3/ledger';
import type { LatestResult } from '@wdt-k3/reconcile';
import type { ChannelStatus } from '../engine/types.ts';

/**
 * What the rules judge, gathered once per evaluation. Each part comes from one source; a source
 * that failed (Redis hiccup, PostgreSQL down) or is not configured (no DATABASE_URL) is absent,
 * and the rules that need it are skipped — their alerts keep the state they had.
 */
export const SOURCE_NAMES = [
  'deadLetters',
  'extractor',
  'orders',
  'signals',
  'ledgerLag',
  'ledger',
  'channels',
  'reconciliation',
] as const;
export type SourceName = (typeof SOURCE_NAMES)[number];

export interface BlockingCount {
  readonly kind: string;
  readonly number: string;
  readonly orders: number;
}

/** The dead letters of one error code. */
export interface DeadLetterGroup {
  readonly code: string;
  readonly count: number;
  readonly oldestAt: number;
  readonly newestAt: number;
  /** Up to five order numbers, newest first. */
  readonly orderNos: readonly string[];
  /** The base-data numbers behind them, most orders first (top ten). */
  readonly blocking: readonly BlockingCount[];
  /** The newest letter's message (K3's words), cut to 200 characters. */
  readonly message: string;
}

export interface Snapshot {
  readonly now: number;
  readonly deadLetters?: { readonly groups: readonly DeadLetterGroup[]; readonly total: number };
  readonly extractor?: {
    readonly status: ExtractorStatus;
    readonly watermark: number | null;
    readonly lastTick: number | null;
  };
  readonly orders?: {
    readonly waiting: number;
    readonly active: number;
    readonly delayed: number;
    /** When the oldest waiting order job became due; null when none waits. */
    readonly oldestWaitingSince: number | null;
    /** BullMQ workers connected to the orders queue; null when Redis does not say (CLIENT LIST off). */
    readonly workers: number | null;
  };
  readonly signals?: {
    readonly window: SignalWindow;
    readonly refusals: Partial<Record<RefusingSystem, Refusal>>;
  };
  readonly ledgerLag?: LedgerLag;
  readonly ledger?: {
    readonly changed: {
      readonly count: number;
      readonly oldestAt: number | null;
      readonly orderNos: readonly string[];
    };
  };
  readonly channels?: readonly ChannelStatus[];
  /** The last finished reconciliation (the reconciler's `{p}:reconcile:latest`); null before the first. */
  readonly reconciliation?: LatestResult | null;
}
