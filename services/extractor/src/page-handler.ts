import { enqueueBulk, type OrderLoadData, orderJobId, type PageFetchData } from '@wdt-k3/jobs';
import { isAppError, type Logger, type RedisConnection } from '@wdt-k3/runtime';
import { planPages, rateLimitOf, type StockoutPage, type StockoutPageQuery } from '@wdt-k3/wdt-client';
import { type Job, type Queue, RateLimitError, UnrecoverableError } from 'bullmq';
import { type PagePolicy, pageJobOptions } from './flows.ts';
import type { ExtractorMetrics } from './metrics.ts';
import { pageJobId, siblingPageJobId } from './planner.ts';

export type FetchStockoutPage = (query: StockoutPageQuery, signal?: AbortSignal) => Promise<StockoutPage>;

export interface PageHandlerDeps {
  readonly fetchPage: FetchStockoutPage;
  readonly pagesQueue: Queue;
  readonly ordersQueue: Queue;
  readonly redis: RedisConnection;
  readonly prefix: string;
  readonly metrics: ExtractorMetrics;
  readonly logger: Logger;
  readonly now: () => number;
  /** Wait after a WDT rate-limit answer; default: what the answer implies. */
  readonly rateLimitBackoffMs: number | undefined;
  readonly pagePolicy: PagePolicy;
}

export interface PageResult {
  readonly orders: number;
  readonly enqueued: number;
  readonly duplicates: number;
  readonly totalCount: number | null;
}

export function toStockoutQuery(data: PageFetchData): StockoutPageQuery {
  const query: StockoutPageQuery = {
    pageNo: data.pageNo,
    pageSize: data.pageSize,
    status: data.filter.status,
    byModified: data.filter.byModified,
    ...(data.filter.shopNo === undefined ? {} : { shopNo: data.filter.shopNo }),
    ...(data.filter.warehouseNo === undefined ? {} : { warehouseNo: data.filter.warehouseNo }),
    ...(data.window === null ? {} : { startTime: data.window.fromMs, endTime: data.window.toMs }),
  };
  if (data.numberFilter === null) return query;
  return 'stockoutNo' in data.numberFilter
    ? { ...query, stockoutNo: data.numberFilter.stockoutNo }
    : { ...query, srcTid: data.numberFilter.srcTid };
}

/** A non-object list element still travels (and is dead-lettered by the loader with a reason). */
const asOrder = (item: unknown): Record<string, unknown> =>
  item !== null && typeof item === 'object' && !Array.isArray(item)
    ? (item as Record<string, unknown>)
    : { _malformed: item };

export function createPageHandler(deps: PageHandlerDeps) {
  const fetch = async (data: PageFetchData, signal: AbortSignal | undefined): Promise<StockoutPage> => {
    const started = performance.now();
    try {
      const page = await deps.fetchPage(toStockoutQuery(data), signal);
      deps.metrics.wdtRequestSeconds.observe({ outcome: 'ok' }, (performance.now() - started) / 1000);
      return page;
    } catch (err) {
      deps.metrics.wdtRequestSeconds.observe({ outcome: 'error' }, (performance.now() - started) / 1000);
      const code = isAppError(err) ? err.code : 'UNKNOWN';
      deps.metrics.wdtErrors.inc({ code });
      const rateLimit = rateLimitOf(err);
      if (rateLimit !== undefined) {
        // Pause the whole page queue (every replica) instead of burning this job's attempts.
        const waitMs = deps.rateLimitBackoffMs ?? rateLimit.retryAfterMs;
        deps.metrics.rateLimited.inc();
        deps.logger.warn(
          { waitMs, runId: data.runId, pageNo: data.pageNo },
          'wdt rate limit, pausing page queue',
        );
        await deps.pagesQueue.rateLimit(waitMs);
        throw new RateLimitError();
      }
      if (isAppError(err) && !err.retryable) throw new UnrecoverableError(`${err.code}: ${err.message}`);
      throw err;
    }
  };

  /** Page 0 knows total_count: the window's other pages join the run, last page first. */
  const addFollowingPages = async (job: Job<PageFetchData>, page: StockoutPage): Promise<void> => {
    const data = job.data;
    const parent = job.parent;
    if (parent?.id === undefined) return;
    const parentRef = { id: parent.id, queue: parent.queueKey };
    const returned = page.orders.length;
    let pages: number[] = [];
    let pageSize = data.pageSize;
    if (data.pageNo === 0 && page.totalCount !== undefined) {
      // Page by the size WDT actually honoured, never by the size we asked for.
      if (returned > 0 && returned < data.pageSize && page.totalCount > returned) pageSize = returned;
      pages = planPages(page.totalCount, pageSize);
    } else if ((data.pageNo === 0 || data.forward === true) && returned >= data.pageSize) {
      pages = [data.pageNo + 1];
    }
    if (pages.length === 0) return;
    const jobId = job.id ?? pageJobId(data.runId, 'x', data.pageNo);
    const forward = page.totalCount === undefined;
    await enqueueBulk(
      deps.pagesQueue,
      'pageFetch',
      pages.map((pageNo) => ({
        data: { ...data, pageNo, pageSize, ...(forward ? { forward: true } : {}) },
        options: {
          ...pageJobOptions(deps.pagePolicy),
          jobId: siblingPageJobId(jobId, pageNo),
          parent: parentRef,
          failParentOnFailure: true,
        },
      })),
    );
  };

  const enqueueOrders = async (data: PageFetchData, orders: Record<string, unknown>[]): Promise<number> => {
    const ids = orders.map(orderJobId);
    const pipeline = deps.redis.pipeline();
    for (const id of ids) pipeline.exists(`${deps.prefix}:${deps.ordersQueue.name}:${id}`);
    const existing = ((await pipeline.exec()) ?? []).map(([, value]) => value === 1);
    const source: OrderLoadData['source'] = {
      runId: data.runId,
      kind: data.kind,
      pageNo: data.pageNo,
      fetchedAt: deps.now(),
    };
    // An order already queued (overlap, repeated backfill) is skipped; the deterministic job id
    // would make BullMQ ignore it anyway, this only lets us count it.
    const fresh = orders.flatMap((order, index) =>
      existing[index] === true ? [] : [{ order, id: ids[index] as string }],
    );
    await enqueueBulk(
      deps.ordersQueue,
      'orderLoad',
      fresh.map(({ order, id }) => ({ data: { order, source }, options: { jobId: id } })),
    );
    return fresh.length;
  };

  return async (
    job: Job<PageFetchData>,
    _token: string | undefined,
    signal: AbortSignal | undefined,
  ): Promise<PageResult> => {
    const data = job.data;
    const page = await fetch(data, signal);
    deps.metrics.pagesFetched.inc({ kind: data.kind });
    await addFollowingPages(job, page);
    const orders = page.orders.map(asOrder);
    deps.metrics.ordersSeen.inc({ kind: data.kind }, orders.length);
    const enqueued = data.dryRun ? 0 : await enqueueOrders(data, orders);
    const duplicates = data.dryRun ? 0 : orders.length - enqueued;
    deps.metrics.ordersEnqueued.inc({ kind: data.kind }, enqueued);
    deps.metrics.duplicatesSkipped.inc({ kind: data.kind }, duplicates);
    return { orders: orders.length, enqueued, duplicates, totalCount: page.totalCount ?? null };
  };
}
