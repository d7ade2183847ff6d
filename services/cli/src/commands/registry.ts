import { ALERT_COMMANDS } from './alerts.ts';
import { dryRun } from './dry-run.ts';
import { failedDiscard } from './failed-discard.ts';
import { failedList } from './failed-list.ts';
import { failedReplay } from './failed-replay.ts';
import { failedShow } from './failed-show.ts';
import { failedUndiscard, orderShow, reportDataQuality } from './orders.ts';
import { pause, resume } from './pipeline.ts';
import { reconcile, reconcileShow, reconcileSyncMissing } from './reconcile.ts';
import { status } from './status.ts';
import { backfill, syncOrders } from './sync.ts';
import type { CommandSpec } from './types.ts';
import { watermarkSet } from './watermark.ts';

/** Every command, in the order help lists them; each maps to one admin route (status to four reads). */
export const COMMANDS: readonly CommandSpec[] = [
  status,
  failedList,
  failedShow,
  failedReplay,
  failedDiscard,
  failedUndiscard,
  orderShow,
  reportDataQuality,
  backfill,
  syncOrders,
  watermarkSet,
  dryRun,
  reconcile,
  reconcileShow,
  reconcileSyncMissing,
  pause,
  resume,
  ...ALERT_COMMANDS,
];
