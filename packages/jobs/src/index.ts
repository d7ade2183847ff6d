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
  type RunKind,
  windowSchema,
} from './catalog.ts';
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
export { orderJobId, replayJobId } from './ids.ts';
export { closeQueues, openQueues, type PipelineQueues } from './open-queues.ts';
export { QUEUE_NAMES, QUEUES, type QueueName } from './queues.ts';
export {
  createSyncState,
  type InflightRun,
  type RunSummary,
  type SyncState,
  syncStateKeys,
} from './sync-state.ts';
