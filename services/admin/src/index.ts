export { type AdminAppDeps, buildAdminApp } from './app.ts';
export { AUDIT_ACTIONS, type AuditAction, type AuditEntry, auditKey } from './audit.ts';
export { type AdminConfig, isLoopbackHost, loadConfig } from './config.ts';
export type { DryRun, DryRunIssue } from './context.ts';
export {
  createDryRun,
  type DryRunDeps,
  type DryRunLookups,
  k3DryRunLookups,
  openDryRun,
  wdtOrderFetcher,
} from './dry-run.ts';
export { type DryRunSettings, dryRunEnvFields } from './dry-run-config.ts';
export {
  ADMIN_ERROR_CODES,
  ADMIN_ERRORS,
  AdminError,
  type AdminErrorCode,
  type ErrorBody,
} from './errors.ts';
export {
  type AdminToken,
  createTokenVerifier,
  type Principal,
  parseTokenSpecs,
  type TokenScope,
} from './tokens.ts';
