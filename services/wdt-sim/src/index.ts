export { buildWdtSimApp } from './app.ts';
export { loadConfig, type WdtSimConfig } from './config.ts';
export { type Faults, faultsSchema, type ScriptStep } from './faults.ts';
export { MODIFIED_AFTER_CONSIGN_MAX_SEC } from './order-store.ts';
export { STOCKOUT_METHODS, verifyQimenSignature } from './qimen-auth.ts';
export { GATEWAY_CODES, WDT_CODES } from './responses.ts';
export type { WdtSimOptions } from './sim-state.ts';
export type { CallShape, StatsSnapshot } from './stats.ts';
export { SHIPPED_STATUSES } from './stockout-query.ts';
