import { DEFAULT_MAPPING_PROFILE, loadMappingProfile } from '@wdt-k3/mapping';
import {
  checkRedisOrExit,
  configOrExit,
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
import { extractorHealthChecks } from './health.ts';

const config = await configOrExit('extractor', () => loadConfig(process.env));
const logger = createLogger({ level: config.logLevel, service: 'extractor' });
const profile = await configOrExit('extractor', () =>
  config.mappingProfilePath === undefined
    ? DEFAULT_MAPPING_PROFILE
    : loadMappingProfile(config.mappingProfilePath),
);
const registry = createMetricsRegistry('extractor');
// Listening first: a port in use or a bad OPS_HOST stops the start before any job is taken.
const ops = await configOrExit('extractor', () =>
  startOpsServer({ host: config.ops.host, port: config.ops.port, registry }),
);
logger.info({ port: ops.port }, 'ops server listening');
await checkRedisOrExit(config.redis, logger);
const producer = createRedis(config.redis, 'producer', 'extractor-producer', logger);
const workerConnection = createRedis(config.redis, 'worker', 'extractor-worker', logger);
await waitForRedis(producer, config.redis.startupTimeoutMs);
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
const extractor = await startExtractor({
  config,
  logger,
  producer,
  workerConnection,
  fetchPage: (query, signal) => wdt.queryStockoutPage(query, signal),
  registry,
  profile,
});

ops.setChecks(extractorHealthChecks({ extractor, producer, config }));

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
