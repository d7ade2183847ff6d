import type { ReconcileFilter, ReconcilePeriod } from '@wdt-k3/jobs';
import type { FieldDifference, SideTotals } from './compare.ts';

export const CATEGORIES = ['missing', 'extra', 'duplicated', 'mismatch'] as const;
export type Category = (typeof CATEGORIES)[number];

/**
 * Why an order is in WDT but not in K3, as far as the ledger (or, without it, Redis) knows:
 * `dead-lettered` with its code, `discarded` by whom and why, `pending` (extracted, not settled
 * yet), `unmappable` (the mapping refuses it; the loader dead-letters such an order), `saved`
 * (the pipeline saved it, and the bill is gone from K3: deleted by hand?), `never-extracted`
 * (the ledger has never seen it), `unknown` (no ledger, no trace left in Redis).
 */
export const MISSING_REASONS = [
  'dead-lettered',
  'discarded',
  'pending',
  'unmappable',
  'saved',
  'never-extracted',
  'unknown',
] as const;
export type MissingReasonKind = (typeof MISSING_REASONS)[number];

export interface MissingReason {
  readonly kind: MissingReasonKind;
  readonly code: string | null;
  readonly by: string | null;
  readonly note: string | null;
}

export interface MissingItem {
  readonly category: 'missing';
  readonly billNo: string;
  readonly stockoutId: string;
  readonly stockoutNo: string | null;
  readonly consignTime: string | null;
  readonly customer: string;
  readonly rows: number;
  readonly quantity: string;
  readonly amount: string;
  readonly reason: MissingReason;
}

export interface ExtraItem {
  readonly category: 'extra';
  readonly billNo: string;
  readonly fid: number;
  readonly date: string;
  readonly customer: string;
  readonly rows: number;
  readonly quantity: string;
  readonly amount: string;
  /** What the ledger knows of the number: a WDT order of another day, or nothing (made by hand). */
  readonly note: string | null;
}

export interface DuplicatedItem {
  readonly category: 'duplicated';
  readonly billNo: string;
  /** `K3`: bills of one number; `WDT`: stock-outs sharing one order number. */
  readonly side: 'K3' | 'WDT';
  readonly copies: number;
  readonly fids: readonly number[];
  readonly stockoutIds: readonly string[];
}

export interface MismatchItem {
  readonly category: 'mismatch';
  readonly billNo: string;
  readonly stockoutId: string;
  readonly fid: number;
  readonly differences: readonly FieldDifference[];
}

export type ReportItem = MissingItem | ExtraItem | DuplicatedItem | MismatchItem;

export interface RunSummary {
  readonly missing: number;
  readonly extra: number;
  readonly duplicated: number;
  readonly mismatched: number;
  /** false with a shop or warehouse filter: K3 bills carry no shop, so extras cannot be told. */
  readonly extraChecked: boolean;
  readonly wdt: SideTotals;
  readonly k3: SideTotals;
  /** Missing orders by reason (`dead-lettered:K3_BASEDATA_MISSING`, `saved`, …). */
  readonly missingByReason: Readonly<Record<string, number>>;
}

export const RUN_STATES = ['reading-wdt', 'reading-k3', 'done', 'failed'] as const;
export type RunState = (typeof RUN_STATES)[number];

export interface RunRecord {
  readonly id: string;
  readonly period: ReconcilePeriod;
  readonly filter: ReconcileFilter;
  readonly state: RunState;
  readonly trigger: 'schedule' | 'api';
  readonly requestedBy: string | null;
  readonly createdAt: number;
  readonly finishedAt: number | null;
  readonly progress: { readonly wdtPages: number; readonly wdtOrders: number; readonly k3Bills: number };
  readonly summary: RunSummary | null;
  readonly error: { readonly code: string; readonly message: string } | null;
}

/** True when the run found anything a person must look at. */
export const hasFindings = (summary: RunSummary): boolean =>
  summary.missing + summary.extra + summary.duplicated + summary.mismatched > 0;
