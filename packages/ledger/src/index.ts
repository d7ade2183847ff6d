export { type ActivityBucket, activity } from './activity.ts';
export {
  type ConsumerHooks,
  type ConsumerSettings,
  type LedgerConsumer,
  startLedgerConsumer,
} from './consumer.ts';
export { createPool, type DatabaseSettings, redactDatabaseUrl } from './database.ts';
export { diffBills, type FieldChange } from './diff.ts';
export { type DatabaseEnv, databaseEnvSchema, databaseUrlSchema, toDatabaseSettings } from './env.ts';
export {
  applyEvent,
  type BlockingNumber,
  compareEventIds,
  ORDER_STATES,
  type OrderRow,
  type OrderState,
} from './fold.ts';
export { LEDGER_GROUP, type LedgerLag, readLedgerLag } from './lag.ts';
export { migrate } from './migrate.ts';
export { MIGRATIONS, type Migration } from './migrations.ts';
export {
  changedOrders,
  counts,
  type DataQualityReport,
  dataQuality,
  decodeCursor,
  discardedKeys,
  findOrders,
  getOrder,
  type ListFilter,
  listOrders,
  type OrderPage,
  type RunOutcome,
  runOutcome,
  type TimelineEntry,
  timelineOf,
} from './queries.ts';
export { type ProjectionResult, projectBatch, rowFromDb, rowToDb, type StreamEntry } from './store.ts';
