import type { RedisConnection } from '@wdt-k3/runtime';
import type { WdtBill } from './comparable.ts';
import type { ReportItem, RunRecord, RunSummary } from './report.ts';

/**
 * A run's state in Redis, every key under the queues' `{prefix}` hash tag (one Cluster slot):
 *
 * - `{p}:reconcile:runs` — zset of run ids by creation time (the list);
 * - `{p}:reconcile:run:<id>` — hash: `record` (the RunRecord as JSON) and the counters the WDT
 *   pages raise (`wdtPages`);
 * - `{p}:reconcile:run:<id>:wdt` — hash FBillNo → `<stockout id>|<WdtBill JSON>`, written by each
 *   WDT page before its job completes (a page run twice writes the same fields: no double count);
 * - `{p}:reconcile:run:<id>:wdt-shared` — hash `<FBillNo>|<stockout id>` → JSON of stock-outs
 *   whose order number another stock-out of the period already has;
 * - `{p}:reconcile:run:<id>:k3` — hash FBillNo → bills of that number seen in K3 (the comparison
 *   clears it when it starts, so a restarted comparison counts from zero);
 * - `{p}:reconcile:run:<id>:items` — list of ReportItem JSON, the report;
 * - `{p}:reconcile:period:<period key>` — the run holding the period (one at a time);
 * - `{p}:reconcile:latest` — the last finished run's summary (the alert rule and the metric read it).
 *
 * The working hashes are deleted when the run finishes; the record and items expire after the
 * retention.
 */
export const reconcileKeys = (prefix: string, runId = '') => {
  const run = `${prefix}:reconcile:run:${runId}`;
  return {
    runs: `${prefix}:reconcile:runs`,
    latest: `${prefix}:reconcile:latest`,
    run,
    wdt: `${run}:wdt`,
    wdtShared: `${run}:wdt-shared`,
    k3: `${run}:k3`,
    items: `${run}:items`,
    period: (key: string) => `${prefix}:reconcile:period:${key}`,
  };
};

/** What `{p}:reconcile:latest` holds. */
export interface LatestResult {
  readonly runId: string;
  readonly period: RunRecord['period'];
  readonly filter: RunRecord['filter'];
  readonly finishedAt: number;
  readonly summary: RunSummary;
}

const WRITE_WDT = `
local written = 0
for i = 1, #ARGV, 3 do
  local existing = redis.call('HGET', KEYS[1], ARGV[i])
  local tag = ARGV[i + 1] .. '|'
  if existing and string.sub(existing, 1, #tag) ~= tag then
    redis.call('HSET', KEYS[2], ARGV[i] .. '|' .. ARGV[i + 1], ARGV[i + 2])
  else
    redis.call('HSET', KEYS[1], ARGV[i], tag .. ARGV[i + 2])
    written = written + 1
  end
end
redis.call('HINCRBY', KEYS[3], 'wdtPages', 1)
return written
`;

/** Takes the period for a run unless a run holds it; returns the holder. */
const CLAIM_PERIOD = `
local holder = redis.call('GET', KEYS[1])
if holder then return holder end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return ARGV[1]
`;

export function decodeWdtValue(value: string): WdtBill {
  return JSON.parse(value.slice(value.indexOf('|') + 1)) as WdtBill;
}

export function createReconcileStore(redis: RedisConnection, prefix: string) {
  const keysOf = (runId: string) => reconcileKeys(prefix, runId);

  const getRun = async (runId: string): Promise<RunRecord | null> => {
    const [record, pages] = await redis.hmget(keysOf(runId).run, 'record', 'wdtPages');
    if (record === null || record === undefined) return null;
    const run = JSON.parse(record) as RunRecord;
    const wdtPages = Number(pages ?? 0);
    if (run.state !== 'reading-wdt') return run;
    const wdtOrders = await redis.hlen(keysOf(runId).wdt);
    return { ...run, progress: { ...run.progress, wdtPages, wdtOrders } };
  };

  return {
    keysOf,
    getRun,
    async createRun(run: RunRecord, retentionMs: number): Promise<void> {
      const keys = keysOf(run.id);
      await redis
        .multi()
        .hset(keys.run, 'record', JSON.stringify(run), 'wdtPages', '0')
        .pexpire(keys.run, retentionMs)
        .zadd(keys.runs, run.createdAt, run.id)
        .exec();
    },
    async saveRun(run: RunRecord): Promise<void> {
      await redis.hset(keysOf(run.id).run, 'record', JSON.stringify(run));
    },
    async listRuns(limit: number): Promise<RunRecord[]> {
      const ids = await redis.zrevrange(keysOf('').runs, 0, Math.max(0, limit - 1));
      const runs = await Promise.all(ids.map((id) => getRun(id)));
      const gone = ids.filter((_, index) => runs[index] === null);
      if (gone.length > 0) await redis.zrem(keysOf('').runs, ...gone);
      return runs.filter((run): run is RunRecord => run !== null);
    },
    async claimPeriod(periodKey: string, runId: string, ttlMs: number): Promise<string> {
      return (await redis.eval(
        CLAIM_PERIOD,
        1,
        keysOf('').period(periodKey),
        runId,
        String(ttlMs),
      )) as string;
    },
    async releasePeriod(periodKey: string, runId: string): Promise<void> {
      const key = keysOf('').period(periodKey);
      if ((await redis.get(key)) === runId) await redis.del(key);
    },
    /** A page's WDT rows, in one script: idempotent per bill number and stock-out. */
    async writeWdtBills(runId: string, bills: readonly WdtBill[]): Promise<number> {
      const keys = keysOf(runId);
      const args = bills.flatMap((bill) => [bill.billNo, bill.stockoutId, JSON.stringify(bill)]);
      return (await redis.eval(WRITE_WDT, 3, keys.wdt, keys.wdtShared, keys.run, ...args)) as number;
    },
    async wdtBills(runId: string, billNos: readonly string[]): Promise<(WdtBill | null)[]> {
      if (billNos.length === 0) return [];
      const values = await redis.hmget(keysOf(runId).wdt, ...billNos);
      return values.map((value) => (value === null ? null : decodeWdtValue(value)));
    },
    /** Iterates the run's WDT bills in chunks (HSCAN: bounded memory whatever the period's size). */
    async *scanWdt(runId: string, count = 1_000): AsyncGenerator<WdtBill[]> {
      let cursor = '0';
      do {
        const [next, flat] = await redis.hscan(keysOf(runId).wdt, cursor, 'COUNT', count);
        cursor = next;
        const bills: WdtBill[] = [];
        for (let index = 1; index < flat.length; index += 2)
          bills.push(decodeWdtValue(flat[index] as string));
        if (bills.length > 0) yield bills;
      } while (cursor !== '0');
    },
    async sharedNumbers(runId: string): Promise<WdtBill[]> {
      const values = await redis.hvals(keysOf(runId).wdtShared);
      return values.map((value) => JSON.parse(value) as WdtBill);
    },
    /** Counts bills of each number seen in K3; returns the count after this page. */
    async countK3(runId: string, billNos: readonly string[]): Promise<number[]> {
      if (billNos.length === 0) return [];
      const pipeline = redis.pipeline();
      for (const billNo of billNos) pipeline.hincrby(keysOf(runId).k3, billNo, 1);
      const results = (await pipeline.exec()) ?? [];
      return results.map(([err, value]) => {
        if (err !== null) throw err;
        return Number(value);
      });
    },
    async k3Counts(runId: string, billNos: readonly string[]): Promise<number[]> {
      if (billNos.length === 0) return [];
      return (await redis.hmget(keysOf(runId).k3, ...billNos)).map((value) => Number(value ?? 0));
    },
    async *scanK3(runId: string, count = 1_000): AsyncGenerator<Array<[string, number]>> {
      let cursor = '0';
      do {
        const [next, flat] = await redis.hscan(keysOf(runId).k3, cursor, 'COUNT', count);
        cursor = next;
        const entries: Array<[string, number]> = [];
        for (let index = 0; index < flat.length; index += 2)
          entries.push([flat[index] as string, Number(flat[index + 1])]);
        if (entries.length > 0) yield entries;
      } while (cursor !== '0');
    },
    /** The comparison starts from its stored WDT rows and nothing else. */
    async resetComparison(runId: string): Promise<void> {
      const keys = keysOf(runId);
      await redis.del(keys.k3, keys.items);
    },
    async pushItems(runId: string, items: readonly ReportItem[]): Promise<void> {
      if (items.length === 0) return;
      await redis.rpush(keysOf(runId).items, ...items.map((item) => JSON.stringify(item)));
    },
    async itemCount(runId: string): Promise<number> {
      return redis.llen(keysOf(runId).items);
    },
    async *readItems(runId: string, chunk = 1_000): AsyncGenerator<ReportItem[]> {
      for (let start = 0; ; start += chunk) {
        const values = await redis.lrange(keysOf(runId).items, start, start + chunk - 1);
        if (values.length > 0) yield values.map((value) => JSON.parse(value) as ReportItem);
        if (values.length < chunk) return;
      }
    },
    /** Drops the working hashes and lets the record and report expire after the retention. */
    async finish(run: RunRecord, retentionMs: number, latest: LatestResult | null): Promise<void> {
      const keys = keysOf(run.id);
      const multi = redis
        .multi()
        .hset(keys.run, 'record', JSON.stringify(run))
        .del(keys.wdt, keys.wdtShared, keys.k3)
        .pexpire(keys.run, retentionMs)
        .pexpire(keys.items, retentionMs);
      if (latest !== null) multi.set(keys.latest, JSON.stringify(latest));
      await multi.exec();
    },
    async latest(): Promise<LatestResult | null> {
      const value = await redis.get(keysOf('').latest);
      return value === null ? null : (JSON.parse(value) as LatestResult);
    },
  };
}

export type ReconcileStore = ReturnType<typeof createReconcileStore>;
