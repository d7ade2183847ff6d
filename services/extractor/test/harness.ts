import type { AddressInfo } from 'node:net';
import { createMetricsRegistry, createRedis, type RedisConnection } from '@wdt-k3/runtime';
import { jsonControl, testLogger, uniquePrefix } from '@wdt-k3/testkit';
import { createWdtClient } from '@wdt-k3/wdt-client';
import { buildWdtSimApp, type faultsSchema, type WdtSimOptions } from '@wdt-k3/wdt-sim';
import type { Registry } from 'prom-client';
import type { z } from 'zod';
import { loadConfig } from '../src/config.ts';
import { type Extractor, startExtractor } from '../src/extractor.ts';

export const WDT = {
  appKey: 'extractor-test-key',
  appSecret: 'extractor-test-secret',
  sid: 'extractor-test',
} as const;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

export interface WdtSim {
  readonly url: string;
  faults(config: z.input<typeof faultsSchema>): Promise<void>;
  stats(): Promise<
    Record<string, unknown> & {
      calls: number;
      pages: number;
      modifiedRows: number[];
      errors: { total: number; wdt: Record<string, number> };
    }
  >;
  close(): Promise<void>;
}

export async function startWdtSim(options: Partial<WdtSimOptions> = {}): Promise<WdtSim> {
  const app = buildWdtSimApp({ ...WDT, rateLimitPerMinute: 0, ...options });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const call = jsonControl(url);
  return {
    url,
    faults: async (config) => {
      await call('PUT', '/_sim/faults', config);
    },
    stats: () => call('GET', '/_sim/stats'),
    close: () => app.close(),
  };
}

export function extractorEnv(
  redisUrl: string,
  sim: WdtSim,
  overrides: Record<string, string> = {},
): Record<string, string> {
  return {
    REDIS_URL: redisUrl,
    REDIS_PREFIX: uniquePrefix('ex'),
    WDT_BASE_URL: `${sim.url}/router/qm`,
    WDT_APP_KEY: WDT.appKey,
    WDT_APP_SECRET: WDT.appSecret,
    WDT_SID: WDT.sid,
    WDT_RATE_LIMIT_PER_MINUTE: '100000',
    EXTRACT_PAGE_CONCURRENCY: '4',
    EXTRACT_LAG_MS: overrides.EXTRACT_START_FROM === undefined ? String(HOUR_MS) : '0',
    EXTRACT_OVERLAP_MS: '0',
    EXTRACT_MAX_WINDOW_MS: String(DAY_MS),
    EXTRACT_POLL_INTERVAL_MS: String(HOUR_MS),
    // Now, and a lag of an hour: an incremental run ends before it starts, so none reads anything
    // (a tick a second after start would otherwise read a one-second window and add a WDT call)
    // unless a test sets its own start. A start in the future is refused by the config.
    EXTRACT_START_FROM: new Date().toISOString(),
    // The sweep re-reads everything modified; tests of it turn it on.
    EXTRACT_SWEEP: 'false',
    OPS_PORT: '0',
    LOG_LEVEL: 'silent',
    ...overrides,
  };
}

export interface RunningExtractor {
  readonly extractor: Extractor;
  readonly registry: Registry;
  readonly producer: RedisConnection;
  stop(): Promise<void>;
}

export async function runExtractor(
  env: Record<string, string>,
  options: { now?: () => number; wdtNow?: () => number } = {},
): Promise<RunningExtractor> {
  const config = loadConfig(env);
  const producer = createRedis(config.redis, 'producer', 'extractor-test');
  const workerConnection = createRedis(config.redis, 'worker', 'extractor-test-worker');
  const wdt = createWdtClient({
    baseUrl: config.wdt.baseUrl,
    appKey: config.wdt.appKey,
    appSecret: config.wdt.appSecret,
    sid: config.wdt.sid,
    requestTimeoutMs: config.wdt.requestTimeoutMs,
    ...(options.wdtNow === undefined ? {} : { now: options.wdtNow }),
  });
  const registry = createMetricsRegistry('extractor');
  const extractor = await startExtractor({
    config,
    logger: testLogger(),
    producer,
    workerConnection,
    fetchPage: (query, signal) => wdt.queryStockoutPage(query, signal),
    registry,
    ...(options.now === undefined ? {} : { now: options.now }),
  });
  return {
    extractor,
    registry,
    producer,
    stop: async () => {
      await extractor.close();
      wdt.close();
      producer.disconnect();
      workerConnection.disconnect();
    },
  };
}

export async function metricValue(registry: Registry, name: string): Promise<number> {
  const metric = await registry.getSingleMetric(name)?.get();
  return (metric?.values ?? []).reduce((sum, value) => sum + value.value, 0);
}
