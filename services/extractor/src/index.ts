export { type ExtractorConfig, loadConfig } from './config.ts';
export {
  type Extractor,
  type ExtractorDeps,
  slidingWindowLimiter,
  startExtractor,
  TICK_SCHEDULER_ID,
} from './extractor.ts';
export { buildRunFlow, type RunSpec } from './flows.ts';
export { type FetchStockoutPage, type PageResult, toStockoutQuery } from './page-handler.ts';
export { commitJobId, planIncrementalRun, splitWindows } from './planner.ts';
