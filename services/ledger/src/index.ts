export { type LedgerConfig, loadConfig } from './config.ts';
export { ledgerHealthChecks } from './health.ts';
