export { formatBeijingTime, parseBeijingTime } from '@wdt-k3/runtime';
export { createWdtClient, type WdtClient, type WdtClientOptions } from './client.ts';
export {
  resolveWdtSettings,
  type WdtEnv,
  type WdtSettings,
  wdtEnvFields,
  wdtEnvSchema,
  wdtRequiredEnvFields,
} from './env.ts';
export { minuteRemainderMs, parseStockoutResponse, type StockoutPage } from './envelope.ts';
export {
  isWdtError,
  type RateLimit,
  rateLimitOf,
  WDT_ERROR_CODES,
  WdtError,
  type WdtErrorCode,
  type WdtErrorOptions,
} from './errors.ts';
export { planPages, planWindows, type TimeWindow } from './planning.ts';
export { MAX_PAGE_SIZE, MAX_WINDOW_MS, type StockoutPageQuery, toBusinessParams } from './query.ts';
export {
  buildQimenRequest,
  encodeForm,
  type QimenCredentials,
  type QimenRequest,
  STOCKOUT_QUERY_METHOD,
  WDT_TARGET_APP_KEY,
} from './request.ts';
export { qimenStringToSign, SIGN_METHODS, type SignMethod, signQimen } from './sign.ts';
export {
  type Interval,
  keysetOutcome,
  type RankWalkTally,
  type SegmentAnswer,
  type SegmentOutcome,
  type SplitReason,
  sliceOutcome,
  sortedTimes,
  splitEvenly,
  type TimeField,
  uncovered,
  verifyRankWalk,
} from './walk.ts';
