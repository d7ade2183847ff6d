export { type BillSaver, createBillSaver, type SaveOutcome } from './bill-saver.ts';
export { type LoaderConfig, loadConfig } from './config.ts';
export { LOADER_ERROR_CODES, OrderError } from './errors.ts';
export { type Loader, type LoaderDeps, startLoader } from './loader.ts';
export { createLookups, type Lookups } from './lookups.ts';
