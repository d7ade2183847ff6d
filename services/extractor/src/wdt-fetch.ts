import { type ExtractorStatusStore, type RunKind, SIGNALS, type SignalRecorder } from '@wdt-k3/jobs';
import { isAppError, type Logger } from '@wdt-k3/runtime';
import { rateLimitOf, type StockoutPage, type StockoutPageQuery, WDT_ERROR_CODES } from '@wdt-k3/wdt-client';
import { type Queue, RateLimitError, UnrecoverableError } from 'bullmq';
import type { ExtractorMetrics } from './metrics.ts';

export type FetchStockoutPage = (query: StockoutPageQuery, signal?: AbortSignal) => Promise<StockoutPage>;

/** Codes that mean our own request was malformed (a bug), not that WDT refused who we are. */
const OUR_MISTAKES: ReadonlySet<string> = new Set([
  WDT_ERROR_CODES.QUERY_INVALID,
  WDT_ERROR_CODES.WINDOW_TOO_LARGE,
  WDT_ERROR_CODES.OPTIONS_INVALID,
]);

export interface WdtFetchDeps {
  readonly fetchPage: FetchStockoutPage;
  readonly pagesQueue: Queue;
  readonly status: ExtractorStatusStore;
  readonly metrics: ExtractorMetrics;
  /** Calls and rate-limit answers for the alerter (optional: tests of the fetch alone). */
  readonly signals?: SignalRecorder;
  readonly logger: Logger;
  readonly now: () => number;
  /** Wait after a WDT rate-limit answer; default: what the answer implies. */
  readonly rateLimitBackoffMs: number | undefined;
}

/**
 * One WDT call with what every call needs: latency and error metrics, calls counted by run kind
 * (the budget's split between extraction, backfills and the sweep), the queue-wide pause on a
 * rate-limit answer (without spending the page's attempts), a non-retryable error turned into
 * BullMQ's UnrecoverableError, and WDT refusing our credentials recorded for `/health`.
 */
export function createWdtFetch(deps: WdtFetchDeps) {
  return async (
    query: StockoutPageQuery,
    context: { runId: string; kind: RunKind },
    signal: AbortSignal | undefined,
  ): Promise<StockoutPage> => {
    const started = performance.now();
    deps.metrics.wdtCalls.inc({ kind: context.kind });
    deps.signals?.count(SIGNALS.wdtCalls);
    try {
      const page = await deps.fetchPage(query, signal);
      deps.metrics.wdtRequestSeconds.observe({ outcome: 'ok' }, (performance.now() - started) / 1000);
      await deps.status.recordWdtOk(deps.now());
      return page;
    } catch (err) {
      deps.metrics.wdtRequestSeconds.observe({ outcome: 'error' }, (performance.now() - started) / 1000);
      const code = isAppError(err) ? err.code : 'WDT_UNKNOWN';
      deps.metrics.wdtErrors.inc({ code });
      const rateLimit = rateLimitOf(err);
      if (rateLimit !== undefined) {
        // Pause the whole page queue (every replica) instead of burning this job's attempts.
        const waitMs = deps.rateLimitBackoffMs ?? rateLimit.retryAfterMs;
        deps.metrics.rateLimited.inc();
        deps.signals?.count(SIGNALS.wdtRateLimited);
        deps.logger.warn({ waitMs, runId: context.runId }, 'wdt rate limit, pausing page queue');
        await deps.pagesQueue.rateLimit(waitMs);
        throw new RateLimitError();
      }
      if (isAppError(err) && !err.retryable) {
        if (!OUR_MISTAKES.has(err.code))
          await deps.status.recordWdtRefusal({ code: err.code, message: err.message, at: deps.now() });
        throw new UnrecoverableError(`${err.code}: ${err.message}`);
      }
      throw err;
    }
  };
}

export type WdtFetch = ReturnType<typeof createWdtFetch>;
