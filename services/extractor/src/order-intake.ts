import {
  contentHashOf,
  discardMarkerKey,
  type EventEmitter,
  enqueueBulk,
  type OrderLoadData,
  orderDoneKey,
  type PageFetchData,
  parseEvent,
  recheckJobId,
} from '@wdt-k3/jobs';
import type { RedisConnection } from '@wdt-k3/runtime';
import type { Queue } from 'bullmq';
import type { Counter } from 'prom-client';

/**
 * What each order read from WDT already is, in one round trip for the page (every key under the
 * queues' hash tag, so one Cluster slot): discarded by an operator, dead-lettered, queued or being
 * loaded, done (with the content hash the loader saw), or new. An order dead-lettered or discarded
 * is not loaded again by a re-read (issue 13): only an operator's replay or undiscard, or the
 * loader's sweep of parked orders, sends it again. "Done" is the loader's done record
 * (`orderDoneKey`, kept for days) or, for a loader of an older version, the completed job's
 * return value: completed jobs are kept only briefly (EXTRACT_KEEP_COMPLETED_S), so their WDT
 * payloads do not fill Redis.
 */
const CLASSIFY = `
local out = {}
for i = 1, #KEYS, 4 do
  local verdict = 'new'
  local job = KEYS[i]
  if redis.call('EXISTS', KEYS[i + 2]) == 1 then
    verdict = 'discarded'
  elseif redis.call('EXISTS', KEYS[i + 1]) == 1 then
    verdict = 'dead'
  elseif redis.call('HEXISTS', job, 'failedReason') == 1 then
    verdict = 'dead'
  elseif redis.call('EXISTS', job) == 1 and redis.call('HEXISTS', job, 'finishedOn') == 0 then
    verdict = 'queued'
  else
    local done = redis.call('GET', KEYS[i + 3])
    if done then
      verdict = 'done:' .. done
    elseif redis.call('EXISTS', job) == 1 then
      local ok, decoded = pcall(cjson.decode, redis.call('HGET', job, 'returnvalue') or 'null')
      local hash = ''
      if ok and type(decoded) == 'table' and type(decoded['contentHash']) == 'string' then hash = decoded['contentHash'] end
      verdict = 'done:' .. hash
    end
  end
  out[#out + 1] = verdict
end
return out
`;

export type IntakeVerdict = 'new' | 'recheck' | 'queued' | 'done' | 'dead' | 'discarded';

export interface IntakeDeps {
  readonly redis: RedisConnection;
  readonly prefix: string;
  readonly ordersQueue: Queue;
  readonly failedQueue: Queue;
  readonly events: EventEmitter;
  readonly verdicts: Counter<'verdict'>;
  readonly now: () => number;
  /** removeOnComplete of the order jobs (EXTRACT_KEEP_COMPLETED_S, EXTRACT_KEEP_COMPLETED_JOBS). */
  readonly keepCompleted?: { readonly age: number; readonly count: number };
}

const text = (value: unknown): string | null =>
  typeof value === 'string' && value !== '' ? value : typeof value === 'number' ? String(value) : null;

export function createOrderIntake(deps: IntakeDeps) {
  const classify = async (ids: readonly string[], hashes: readonly string[]): Promise<IntakeVerdict[]> => {
    if (ids.length === 0) return [];
    const keys = ids.flatMap((id) => [
      deps.ordersQueue.toKey(id),
      deps.failedQueue.toKey(id),
      discardMarkerKey(deps.prefix, id),
      orderDoneKey(deps.prefix, id),
    ]);
    const raw = (await deps.redis.eval(CLASSIFY, keys.length, ...keys)) as string[];
    return raw.map((verdict, index) => {
      if (!verdict.startsWith('done:')) return verdict as IntakeVerdict;
      const seen = verdict.slice('done:'.length);
      // A loader that predates content hashes left none: treat the order as done.
      return seen !== '' && seen !== hashes[index] ? 'recheck' : 'done';
    });
  };

  /**
   * Enqueues the new orders of a page, and a recheck of each order WDT changed after it was
   * loaded (the loader finds its bill and reports the change), with their `order.extracted`
   * events written first. Returns how many were enqueued.
   */
  return async (
    data: PageFetchData,
    orders: readonly Record<string, unknown>[],
    ids: readonly string[],
  ): Promise<number> => {
    const hashes = orders.map(contentHashOf);
    const verdicts = await classify(ids, hashes);
    const source: OrderLoadData['source'] = {
      runId: data.runId,
      kind: data.kind,
      pageNo: data.pageNo,
      fetchedAt: deps.now(),
    };
    const jobs: Array<{ order: Record<string, unknown>; id: string; hash: string; key: string }> = [];
    verdicts.forEach((verdict, index) => {
      deps.verdicts.inc({ verdict });
      const order = orders[index] as Record<string, unknown>;
      const id = ids[index] as string;
      const hash = hashes[index] as string;
      if (verdict === 'new') jobs.push({ order, id, hash, key: id });
      if (verdict === 'recheck') jobs.push({ order, id: recheckJobId(id, hash), hash, key: id });
    });
    if (jobs.length === 0) return 0;
    await deps.events.emit(
      jobs.map(({ order, hash, key }) =>
        parseEvent('order.extracted', {
          orderKey: key,
          at: deps.now(),
          stockoutId: text(order.stockout_id),
          orderNo: text(order.order_no),
          stockoutNo: text(order.stockout_no),
          srcTradeNo: text(order.src_trade_no),
          logisticsNo: text(order.logistics_no),
          shopNo: text(order.shop_no),
          warehouseNo: text(order.warehouse_no),
          consignTime: text(order.consign_time),
          wdtStatus: typeof order.status === 'number' ? order.status : null,
          contentHash: hash,
          runId: data.runId,
          runKind: data.kind,
        }),
      ),
    );
    await enqueueBulk(
      deps.ordersQueue,
      'orderLoad',
      jobs.map(({ order, id, hash }) => ({
        data: { order, source, contentHash: hash },
        options: {
          jobId: id,
          ...(deps.keepCompleted === undefined ? {} : { removeOnComplete: { ...deps.keepCompleted } }),
        },
      })),
    );
    return jobs.length;
  };
}
