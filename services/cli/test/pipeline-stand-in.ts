import { commitJobId, QUEUES } from '@wdt-k3/jobs';
import { getOrder, projectBatch } from '@wdt-k3/ledger';
import { createRedis, redisEnvSchema, toRedisSettings } from '@wdt-k3/runtime';
import { FlowProducer, type Job, UnrecoverableError, Worker } from 'bullmq';
import type pg from 'pg';
import type { AdminUnderTest } from './admin.ts';

/**
 * The extractor's and the loader's parts, for `--wait`'s tests, over the same real Redis queues,
 * job ids and ledger events the real ones use: a `sync.orders` / `sync.backfill` kick-off plans a
 * run (`ord-<job>`, `bf-<job>`) as a `sync.commit` flow whose pages are `n<index>` lookups or one
 * window; a page writes `order.extracted` for each order the pipeline does not know yet (what it
 * knows is a duplicate, as the extractor's intake classifies it); once the run has committed, the
 * "loader" writes each order's planned outcome. An order planned as `stay` stays pending.
 */

export interface WdtOrder {
  readonly id: number;
  /** Platform trade id; `T<id>` when not given. */
  readonly tid?: string;
}

export type Planned =
  | { readonly kind: 'saved' }
  | { readonly kind: 'dead'; readonly code: string; readonly message: string }
  | { readonly kind: 'stay' };

export interface WdtStandIn {
  /** The stock-outs WDT has, and how each ends in the loader. */
  readonly orders: ReadonlyArray<WdtOrder & { readonly outcome: Planned }>;
  /** A stock-out number whose lookup fails for good (its run fails). */
  readonly failing?: string;
}

interface PageData {
  readonly runId: string;
  readonly kind: 'orders' | 'backfill';
  readonly part: string;
  readonly number?: string;
}

let seq = 0;
const nextId = (): string => `${Date.now()}-${seq++}`;
const entry = (type: string, data: Record<string, unknown>) => ({
  id: nextId(),
  fields: { type, data: JSON.stringify({ at: Date.now(), ...data }) },
});

export function startPipelineStandIn(
  redisUrl: string,
  admin: AdminUnderTest,
  ledger: pg.Pool,
  wdt: WdtStandIn,
) {
  const settings = toRedisSettings(redisEnvSchema.parse({ REDIS_URL: redisUrl }));
  const connection = createRedis(settings, 'worker', 'cli-test-stand-in');
  const options = { connection, prefix: admin.prefix };
  const flows = new FlowProducer(options);
  const runs = new Map<string, number[]>();

  const matching = (data: PageData): WdtStandIn['orders'] => {
    if (data.number === undefined) return wdt.orders;
    return wdt.orders.filter((o) => `CK${o.id}` === data.number || (o.tid ?? `T${o.id}`) === data.number);
  };

  const page = async (job: Job<PageData>) => {
    if (job.data.number !== undefined && job.data.number === wdt.failing)
      throw new UnrecoverableError('WDT_BAD_REQUEST: the stand-in refuses this lookup');
    const found = matching(job.data);
    const fresh = [];
    for (const order of found) {
      const known = await getOrder(ledger, `so-${order.id}`);
      if (known === undefined || known.state === 'pending') fresh.push(order);
    }
    await projectBatch(
      ledger,
      fresh.map((order) =>
        entry('order.extracted', {
          orderKey: `so-${order.id}`,
          stockoutId: String(order.id),
          orderNo: `CK${order.id}`,
          stockoutNo: `CK${order.id}`,
          srcTradeNo: order.tid ?? `T${order.id}`,
          logisticsNo: null,
          shopNo: 'tmall01',
          warehouseNo: 'WH01',
          consignTime: '2024-03-18 09:00:00',
          wdtStatus: 95,
          contentHash: `c${order.id}`,
          runId: job.data.runId,
          runKind: job.data.kind,
        }),
      ),
      Date.now(),
    );
    runs.set(job.data.runId, [...(runs.get(job.data.runId) ?? []), ...fresh.map((order) => order.id)]);
    return {
      part: job.data.part,
      orders: found.length,
      enqueued: fresh.length,
      duplicates: found.length - fresh.length,
      totalCount: found.length,
    };
  };

  const plan = async (job: Job) => {
    const data = job.data as { stockoutNos?: string[]; srcTids?: string[] };
    const kind = job.name === 'sync.orders' ? 'orders' : 'backfill';
    const runId = `${kind === 'orders' ? 'ord' : 'bf'}-${job.id}`;
    const numbers = [...(data.stockoutNos ?? []), ...(data.srcTids ?? [])];
    const pages: PageData[] =
      kind === 'orders'
        ? numbers.map((number, index) => ({ runId, kind, part: `n${index}`, number }))
        : [{ runId, kind, part: '0' }];
    await flows.add({
      name: 'sync.commit',
      queueName: QUEUES.sync,
      data: { runId },
      opts: { jobId: commitJobId(runId) },
      children: pages.map((data) => ({
        name: 'page.fetch',
        queueName: QUEUES.pages,
        data,
        opts: { jobId: `pg-${runId}-${data.part}`, failParentOnFailure: true, attempts: 1 },
      })),
    });
    return { runId };
  };

  const commit = async (job: Job) => {
    const values = Object.values(
      await job.getChildrenValues<{ orders: number; enqueued: number; duplicates: number }>(),
    );
    const sum = (key: 'orders' | 'enqueued' | 'duplicates') => values.reduce((n, v) => n + v[key], 0);
    return {
      pages: values.length,
      orders: sum('orders'),
      enqueued: sum('enqueued'),
      duplicates: sum('duplicates'),
      totalCount: null,
      watermark: null,
    };
  };

  /** The loader's part: each order of a committed run ends as planned. */
  const load = async (runId: string): Promise<void> => {
    const events = (runs.get(runId) ?? []).flatMap((id) => {
      const planned = wdt.orders.find((order) => order.id === id)?.outcome ?? { kind: 'stay' };
      const orderKey = `so-${id}`;
      if (planned.kind === 'saved')
        return [
          entry('order.saved', {
            orderKey,
            jobId: orderKey,
            billNo: `CK${id}`,
            fid: String(100_000 + id),
            already: false,
            billHash: `h${id}`,
            bill: { FBillNo: `CK${id}` },
            contentHash: `c${id}`,
          }),
        ];
      if (planned.kind === 'dead')
        return [
          entry('order.dead_lettered', {
            orderKey,
            jobId: orderKey,
            deadLetterId: orderKey,
            code: planned.code,
            message: planned.message,
            attempts: 2,
            blocking: [],
          }),
        ];
      return [];
    });
    await projectBatch(ledger, events, Date.now());
  };

  const sync = new Worker(
    QUEUES.sync,
    async (job: Job) => (job.name === 'sync.commit' ? commit(job) : plan(job)),
    options,
  );
  const pages = new Worker(QUEUES.pages, page, options);
  sync.on('completed', (job) => {
    if (job.name === 'sync.commit') void load((job.data as { runId: string }).runId);
  });
  return {
    close: async () => {
      await Promise.all([sync.close(), pages.close(), flows.close()]);
      connection.disconnect();
    },
  };
}
