export { Fleet, type FleetMember } from './fleet.ts';
export { type LocalRunOptions, parseOptions, USAGE } from './options.ts';
export { formatSummary, reconcile, type Summary } from './reconcile.ts';
export { type LocalRun, startLocalRun } from './run.ts';
export { type DatasetWindow, type Endpoints, startServices } from './services.ts';
