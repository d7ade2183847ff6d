import { createK3CloudClient } from '@wdt-k3/k3cloud-client';
import { createPool, migrate } from '@wdt-k3/ledger';
import {
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
import { loadConfig } from './config.ts';
import { startReconciler } from './reconciler.ts';

const config = await configOrExit('reconciler', () => loadConfig(process.env));
const logger = createLogger({ level: config.logLevel, service: 'reconciler' });
const producer = createRedis(config.redis, 'producer', 'reconciler-producer', logger);
const workerConnection = createRedis(config.redis, 'worker', 'reconciler-worker', logger);
await waitForRedis(producer, 60_000);
// Optional: with the ledger's PostgreSQL, missing orders are explained from it and every finished
// run is kept there; without it the run is as correct, explained from what Redis holds.
const ledger = config.database === null ? undefined : createPool(config.database, logger);
if (ledger !== undefined) await migrate(ledger, logger);
logger.info({ redis: redactUrl(config.redis.url), ledger: ledger !== undefined }, 'redis ready');

const k3 = createK3CloudClient({
  baseUrl: config.k3.baseUrl,
  auth: config.k3.auth,
  requestTimeoutMs: config.k3.requestTimeoutMs,
  maxConcurrentRequests: 2,
  logger: logger.child({ component: 'k3-client' }),
});
const registry = createMetricsRegistry('reconciler');
const reconciler = await startReconciler({
  config,
  logger,
  producer,
  workerConnection,
  k3,
  registry,
  ledger,
});
const ops = await startOpsServer({
  host: config.ops.host,
  port: config.ops.port,
  registry,
  checks: { redis: async () => ({ ok: (await producer.ping()) === 'PONG' }) },
});
logger.info({ port: ops.port }, 'ops server listening');

const shutdown = createShutdown(logger, [
  { name: 'stop taking jobs', timeoutMs: 30_000, run: () => reconciler.stopIntake() },
  { name: 'close queues', timeoutMs: 5_000, run: () => reconciler.close() },
  { name: 'close k3 client', timeoutMs: 1_000, run: async () => k3.close() },
  { name: 'close ops server', timeoutMs: 2_000, run: () => ops.close() },
  { name: 'close postgres', timeoutMs: 5_000, run: async () => ledger?.end() },
  {
    name: 'close redis',
    timeoutMs: 2_000,
    run: () => Promise.all([producer.quit(), workerConnection.quit()]),
  },
]);
installProcessHandlers(shutdown, logger);
