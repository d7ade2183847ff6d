import type { AddressInfo } from 'node:net';
import {
  contentHashOf,
  type EnqueueOptions,
  enqueueBulk,
  openQueues,
  orderJobId,
  type PipelineQueues,
} from '@wdt-k3/jobs';
import { createK3CloudClient } from '@wdt-k3/k3cloud-client';
import {
  buildK3SimApp,
  type faultsSchema,
  type K3SimApp,
  loadConfig as loadSimConfig,
  simCredentials,
} from '@wdt-k3/k3cloud-sim';
import { DEFAULT_MAPPING_PROFILE } from '@wdt-k3/mapping';
import {
  createMetricsRegistry,
  createRedis,
  parseConfig,
  type RedisConnection,
  redisEnvSchema,
  toRedisSettings,
} from '@wdt-k3/runtime';
import { createDataset, type Dataset, type DatasetShape } from '@wdt-k3/sim-data';
import { jsonControl, testLogger, uniquePrefix } from '@wdt-k3/testkit';
import type { Redis } from 'ioredis';
import type { Registry } from 'prom-client';
import type { z } from 'zod';
import { loadConfig } from '../src/config.ts';
import { type Loader, startLoader } from '../src/loader.ts';

const FROM_MS = Date.UTC(2026, 9, 1);

/** The simulator's own demo credentials (its config defaults). */
const SIM = loadSimConfig({});

export function dataset(seed: number, count: number, shape: Partial<DatasetShape> = {}): Dataset {
  return createDataset({ seed, count, fromMs: FROM_MS, toMs: FROM_MS + 7 * 86_400_000, shape });
}

export interface K3Sim {
  readonly app: K3SimApp;
  readonly baseUrl: string;
  faults(config: z.input<typeof faultsSchema>): Promise<void>;
  stats(): Promise<Record<string, unknown>>;
  /** Every stored SAL_OUTSTOCK bill. */
  bills(): Promise<Array<Record<string, unknown>>>;
  /** Stored SAL_OUTSTOCK bills per FBillNo (more than one only when the account allows duplicates). */
  billCounts(): Promise<Map<string, number>>;
  close(): Promise<void>;
}

export interface StartK3SimOptions {
  /** false: a K3 account whose numbering rule allows duplicate FBillNo (the loader's own guards only). */
  readonly uniqueBillNo?: boolean;
}

export async function startK3Sim(
  datasets: readonly Dataset[],
  options: StartK3SimOptions = {},
): Promise<K3Sim> {
  const app = buildK3SimApp({
    credentials: simCredentials(SIM),
    datasets,
    ...(options.uniqueBillNo === undefined ? {} : { uniqueBillNo: options.uniqueBillNo }),
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const call = jsonControl(url);
  const bills = async (): Promise<Array<Record<string, unknown>>> => {
    const all: Array<Record<string, unknown>> = [];
    for (let offset = 0; ; offset += 1000) {
      const page = await call('GET', `/_sim/bills?formId=SAL_OUTSTOCK&offset=${offset}&limit=1000`);
      const items = page.bills as Array<Record<string, unknown>>;
      all.push(...items);
      if (items.length < 1000) return all;
    }
  };
  return {
    app,
    baseUrl: `${url}/k3cloud/`,
    faults: async (config) => {
      await call('PUT', '/_sim/faults', config);
    },
    stats: () => call('GET', '/_sim/stats'),
    bills,
    billCounts: async () => {
      const counts = new Map<string, number>();
      for (const bill of await bills()) {
        const billNo = String(bill.FBillNo);
        counts.set(billNo, (counts.get(billNo) ?? 0) + 1);
      }
      return counts;
    },
    close: () => app.close(),
  };
}

/** Loader env for the simulator above, a test Redis and a prefix no other test uses. */
export function loaderEnv(
  redisUrl: string,
  sim: K3Sim,
  overrides: Record<string, string> = {},
): Record<string, string> {
  return {
    REDIS_URL: redisUrl,
    REDIS_PREFIX: uniquePrefix('ld'),
    K3_BASE_URL: sim.baseUrl,
    K3_AUTH_KIND: 'signature',
    K3_ACCT_ID: SIM.K3_SIM_ACCT_ID,
    K3_USERNAME: SIM.K3_SIM_USERNAME,
    K3_APP_ID: SIM.K3_SIM_APP_ID,
    K3_APP_SECRET: SIM.K3_SIM_APP_SECRET,
    K3_PASSWORD: SIM.K3_SIM_PASSWORD,
    LOADER_BATCH_WAIT_MS: '20',
    LOADER_LOOKUP_BATCH_WAIT_MS: '5',
    OPS_PORT: '0',
    LOG_LEVEL: 'silent',
    ...overrides,
  };
}

export function openTestQueues(env: Record<string, string>): {
  redis: RedisConnection;
  queues: PipelineQueues;
  prefix: string;
} {
  const settings = toRedisSettings(parseConfig(redisEnvSchema, env));
  const redis = createRedis(settings, 'producer', 'test-producer');
  return { redis, queues: openQueues(redis, settings.queuePrefix), prefix: settings.queuePrefix };
}

export const SOURCE = { runId: 'test', kind: 'backfill', pageNo: 0, fetchedAt: FROM_MS } as const;

/** Enqueues orders as the extractor does (job id from stockout_id). */
export async function enqueueOrders(
  queues: PipelineQueues,
  orders: ReadonlyArray<Record<string, unknown>>,
  options: Omit<EnqueueOptions, 'jobId'> = {},
): Promise<string[]> {
  const ids = orders.map((order) => orderJobId(order));
  await enqueueBulk(
    queues.orders,
    'orderLoad',
    orders.map((order, index) => ({
      // As the extractor sends them: with the content hash it computed.
      data: { order, source: SOURCE, contentHash: contentHashOf(order) },
      options: { ...options, jobId: ids[index] as string },
    })),
  );
  return ids;
}

export function ordersOf(data: Dataset, count = data.count): Array<Record<string, unknown>> {
  return Array.from({ length: count }, (_, index) => data.orderAt(index));
}

export interface InProcessLoader {
  readonly loader: Loader;
  readonly registry: Registry;
  stop(): Promise<void>;
}

/** The loader wired as main.ts wires it, in this process, for tests that need its metrics. */
export async function startInProcessLoader(env: Record<string, string>): Promise<InProcessLoader> {
  const config = loadConfig(env);
  const producer = createRedis(config.redis, 'producer', 'loader-test');
  const workerConnection = createRedis(config.redis, 'worker', 'loader-test-worker');
  const client = createK3CloudClient({
    baseUrl: config.k3.baseUrl,
    auth: config.k3.auth,
    requestTimeoutMs: config.k3.requestTimeoutMs,
    maxConcurrentRequests: config.k3.maxConcurrentRequests,
  });
  const registry = createMetricsRegistry('loader');
  const loader = await startLoader({
    config,
    logger: testLogger(),
    producer,
    workerConnection,
    client,
    profile: DEFAULT_MAPPING_PROFILE,
    registry,
  });
  return {
    loader,
    registry,
    stop: async () => {
      await loader.close();
      client.close();
      producer.disconnect();
      workerConnection.disconnect();
    },
  };
}

/** The claims in Redis under a prefix: key → owner and ms left (-1: no TTL, which must never happen). */
export async function claimEntries(
  redis: RedisConnection,
  prefix: string,
): Promise<Map<string, { owner: string; pttl: number }>> {
  const entries = new Map<string, { owner: string; pttl: number }>();
  const pattern = `${prefix}:claims:*`;
  let cursor = '0';
  do {
    const [next, keys] = await (redis as Redis).scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    for (const key of keys) {
      const [owner, pttl] = await Promise.all([redis.get(key), redis.pttl(key)]);
      if (owner !== null) entries.set(key, { owner, pttl });
    }
  } while (cursor !== '0');
  return entries;
}

export type OrderBucket =
  | 'in K3 once'
  | 'dead-lettered'
  | 'duplicated'
  | 'missing'
  | 'in K3 and dead-lettered';

/**
 * Loss-freedom by accounting: every order of the dataset in exactly one bucket, by its bill
 * number in K3 (counted through the simulator) and its dead letter (with its code).
 */
export async function accountOrders(
  orders: ReadonlyArray<Record<string, unknown>>,
  counts: ReadonlyMap<string, number>,
  queues: PipelineQueues,
): Promise<{ buckets: Record<OrderBucket, number>; codes: Record<string, number> }> {
  const buckets: Record<OrderBucket, number> = {
    'in K3 once': 0,
    'dead-lettered': 0,
    duplicated: 0,
    missing: 0,
    'in K3 and dead-lettered': 0,
  };
  const codes: Record<string, number> = {};
  for (const order of orders) {
    const bills = counts.get(String(order.order_no)) ?? 0;
    const letter = await queues.failed.getJob(orderJobId(order));
    const code = (letter?.data as { error?: { code?: string } } | undefined)?.error?.code;
    if (code !== undefined) codes[code] = (codes[code] ?? 0) + 1;
    const bucket: OrderBucket =
      bills > 1
        ? 'duplicated'
        : bills === 1
          ? code === undefined
            ? 'in K3 once'
            : 'in K3 and dead-lettered'
          : code === undefined
            ? 'missing'
            : 'dead-lettered';
    buckets[bucket] += 1;
  }
  return { buckets, codes };
}
