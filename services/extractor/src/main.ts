import {
  createLogger,
  createMetricsRegistry,
  createRedis,
  createShutdown,
  installProcessHandlers,
  redactUrl,
  startOpsServer,
  waitForRedis,
} from '@wdt-k3/runtime';
import { createWdtClient } from '@wdt-k3/wdt-client';
import { loadConfig } from './config.ts';
import { startExtractor } from './extractor.ts';

const config = loadConfig(process.env);
const logger = createLogger({ level: config.logLevel, service: 'extractor' });
const producer = createRedis(config.redis, 'producer', 'extractor-producer', logger);
const workerConnection = createRedis(config.redis, 'worker', 'extractor-worker', logger);
await waitForRedis(producer, 60_000);
logger.info({ redis: redactUrl(config.redis.url), prefix: config.redis.queuePrefix }, 'redis ready');

const wdt = createWdtClient({
  baseUrl: config.wdt.baseUrl,
  appKey: config.wdt.appKey,
  appSecret: config.wdt.appSecret,
  targetAppKey: config.wdt.targetAppKey,
  sid: config.wdt.sid,
  signMethod: config.wdt.signMethod,
  requestTimeoutMs: config.wdt.requestTimeoutMs,
  logger: logger.child({ component: 'wdt-client' }),
});
const registry = createMetricsRegistry('extractor');
const extractor = await startExtractor({
  config,
  logger,
  producer,
  workerConnection,
  fetchPage: (query, signal) => wdt.queryStockoutPage(query, signal),
  registry,
});

const ops = await startOpsServer({
  host: config.ops.host,
  port: config.ops.port,
  registry,
  checks: {
    redis: async () => ({ ok: (await producer.ping()) === 'PONG' }),
    workers: async () => ({ ok: extractor.workers.sync.isRunning() && extractor.workers.pages.isRunning() }),
    // The scheduler must keep ticking; three missed intervals means no replica is consuming.
    ticking: async () => {
      const last = await extractor.state.getLastTick();
      const ageMs = last === null ? null : Date.now() - last;
      return ageMs !== null && ageMs < 3 * config.extract.pollIntervalMs + 30_000
        ? { ok: true }
        : {
            ok: false,
            detail: ageMs === null ? 'no tick yet' : `last tick ${Math.round(ageMs / 1000)} s ago`,
          };
    },
  },
});
logger.info({ port: ops.port }, 'ops server listening');

const shutdown = createShutdown(logger, [
  { name: 'stop taking jobs', timeoutMs: 30_000, run: () => extractor.stopIntake() },
  { name: 'close queues', timeoutMs: 5_000, run: () => extractor.close() },
  { name: 'close wdt client', timeoutMs: 1_000, run: () => wdt.close() },
  { name: 'close ops server', timeoutMs: 2_000, run: () => ops.close() },
  {
    name: 'close redis',
    timeoutMs: 2_000,
    run: () => Promise.all([producer.quit(), workerConnection.quit()]),
  },
]);
installProcessHandlers(shutdown, logger);
