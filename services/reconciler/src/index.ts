export { loadConfig, type ReconcilerConfig } from './config.ts';
export { DAILY_SCHEDULER_ID, type Reconciler, startReconciler } from './reconciler.ts';
