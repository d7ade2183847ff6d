export { type BlockingNumber, blockingNumbers, type FieldError } from './blocking.ts';
export {
  type DeadLetterData,
  deadLetterSchema,
  type ExtractFilter,
  type ExtractWindow,
  extractFilterSchema,
  fieldErrorSchema,
  JOBS,
  type JobData,
  type JobDefinition,
  type JobInput,
  type JobKey,
  type JobKeysOf,
  jobKeysOf,
  type OrderLoadData,
  type OrderSource,
  orderLoadSchema,
  orderSourceSchema,
  type PageFetchData,
  type ReconcileCompareData,
  type ReconcileFilter,
  type ReconcilePeriod,
  type RunKind,
  reconcileFilterSchema,
  reconcilePeriodSchema,
  type WalkStep,
  walkStepSchema,
  windowSchema,
} from './catalog.ts';
export {
  type CodeDescription,
  type CodeText,
  DEAD_LETTER_CODES,
  type DeadLetterCode,
  describeCode,
  isDeadLetterCode,
  LANGUAGES,
  type Language,
  languageOf,
} from './dead-letter-codes.ts';
export {
  type DiscardOutcome,
  discardDeadLetter,
  idText,
  type UndiscardOutcome,
  undiscardOrder,
} from './dead-letters/discard.ts';
export { DEAD_LETTER_ERROR_CODES, DeadLetterError, type DeadLetterErrorCode } from './dead-letters/errors.ts';
export {
  decodeFailureReason,
  type Failure,
  failureError,
  formatAttemptLog,
} from './dead-letters/failure.ts';
export { DeadLetterIndex } from './dead-letters/listing.ts';
export {
  type DeadLetterDeps,
  type Replayed,
  replayDeadLetter,
  replaysSoFar,
} from './dead-letters/replay.ts';
export {
  deadLetterIdOf,
  deadLetterLockKey,
  type LoadedDeadLetter,
  loadDeadLetter,
} from './dead-letters/store.ts';
export {
  deadLetterJob,
  reconcileDeadLetters,
} from './dead-letters/write.ts';
export {
  assertHandlers,
  createProcessor,
  type EnqueueOptions,
  enqueue,
  enqueueBulk,
  type HandlersFor,
  type JobHandler,
  parseJobData,
} from './dispatch.ts';
export { JOB_ERROR_CODES, JobError, type JobErrorCode } from './errors.ts';
export {
  createEventEmitter,
  type EventEmitter,
  type EventEmitterOptions,
  eventsEnvSchema,
} from './event-emitter.ts';
export {
  blockingNumberSchema,
  decodeEvent,
  discardMarkerKey,
  EVENT_SCHEMAS,
  EVENT_TYPES,
  type EventData,
  type EventInput,
  type EventType,
  eventStreamKey,
  type OrderEvent,
  orderDoneKey,
  orderKeyOf,
  parseEvent,
} from './events.ts';
export {
  createExtractorStatusStore,
  type ExtractorStatus,
  type ExtractorStatusStore,
  extractorStatusKey,
  type RunFailure,
  type WdtRefusal,
} from './extractor-status.ts';
export {
  commitJobId,
  contentHashOf,
  orderJobId,
  recheckJobId,
  replayJobId,
  stableHash,
  VOLATILE_ORDER_FIELDS,
} from './ids.ts';
export {
  HEARTBEAT_RETENTION_MS,
  type LoaderBeat,
  type LoaderCounters,
  type LoaderFleetEntry,
  type LoaderHeartbeat,
  loaderHeartbeatKey,
  readLoaderFleet,
  startLoaderHeartbeat,
} from './loader-heartbeat.ts';
export { closeQueues, openQueues, type PipelineQueues } from './open-queues.ts';
export { ORDER_ERROR_CODES, type OrderErrorCode } from './order-codes.ts';
export { QUEUE_NAMES, QUEUES, type QueueName } from './queues.ts';
export {
  createSignalRecorder,
  REFUSING_SYSTEMS,
  type Refusal,
  type RefusingSystem,
  readRefusals,
  readSignals,
  refusalsKey,
  SIGNAL_NAMES,
  SIGNALS,
  type SignalName,
  type SignalRecorder,
  type SignalWindow,
  signalBucketKey,
} from './signals.ts';
export {
  type CursorState,
  createSyncState,
  type InflightRun,
  type RunSummary,
  type SyncState,
  syncStateKeys,
} from './sync-state.ts';
