export { type ExtractorConfig, loadConfig } from './config.ts';
export {
  type Extractor,
  type ExtractorDeps,
  startExtractor,
  TICK_SCHEDULER_ID,
} from './extractor.ts';
export { buildRunFlow, type RunSpec } from './flows.ts';
export { type PageResult, toStockoutQuery } from './page-handler.ts';
export { commitJobId, planIncrementalRun, splitWindows } from './planner.ts';
export type { FetchStockoutPage } from './wdt-fetch.ts';
export { type QueueLimiter, wdtQueueLimiter, worstCaseCalls } from './wdt-limiter.ts';
