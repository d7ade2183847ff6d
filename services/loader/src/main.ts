import { createK3CloudClient } from '@wdt-k3/k3cloud-client';
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
import { loadConfig } from './config.ts';
import { startLoader } from './loader.ts';

const config = await configOrExit('loader', () => loadConfig(process.env));
const logger = createLogger({ level: config.logLevel, service: 'loader' });
// An invalid profile stops the start with every problem listed (ConfigError).
const profile = await configOrExit('loader', () =>
  config.mappingProfilePath === undefined
    ? DEFAULT_MAPPING_PROFILE
    : loadMappingProfile(config.mappingProfilePath),
);
const registry = createMetricsRegistry('loader');
// Listening first: a port in use or a bad OPS_HOST stops the start before any job is taken.
const ops = await configOrExit('loader', () =>
  startOpsServer({ host: config.ops.host, port: config.ops.port, registry }),
);
logger.info({ port: ops.port }, 'ops server listening');
await checkRedisOrExit(config.redis, logger);
const producer = createRedis(config.redis, 'producer', 'loader-producer', logger);
const workerConnection = createRedis(config.redis, 'worker', 'loader-worker', logger);
await waitForRedis(producer, config.redis.startupTimeoutMs);
logger.info(
  {
    redis: redactUrl(config.redis.url),
    prefix: config.redis.queuePrefix,
    profile: config.mappingProfilePath ?? 'default',
  },
  'redis ready',
);

const client = createK3CloudClient({
  baseUrl: config.k3.baseUrl,
  auth: config.k3.auth,
  requestTimeoutMs: config.k3.requestTimeoutMs,
  maxConcurrentRequests: config.k3.maxConcurrentRequests,
  logger: logger.child({ component: 'k3-client' }),
});
const loader = await startLoader({ config, logger, producer, workerConnection, client, profile, registry });

ops.setChecks({
  redis: async () => ({ ok: (await producer.ping()) === 'PONG' }),
  // Consumption, not just a ping: jobs waiting while this worker has started none for a while
  // means its blocking connection is wedged (bullmq #4585) or it is overloaded.
  consuming: async () => {
    if (!loader.worker.isRunning()) return { ok: false, detail: 'worker not running' };
    const waiting = await loader.queues.orders.getWaitingCount();
    const last = loader.lastJobStartedAt();
    const idleMs = last === null ? Number.POSITIVE_INFINITY : Date.now() - last;
    return waiting > 0 && idleMs > config.loader.healthStallMs
      ? { ok: false, detail: `${waiting} jobs waiting, none started for ${Math.round(idleMs / 1000)} s` }
      : { ok: true };
  },
});

const shutdown = createShutdown(logger, [
  { name: 'drain jobs', timeoutMs: config.loader.shutdownTimeoutMs + 5_000, run: () => loader.stopIntake() },
  { name: 'close queues', timeoutMs: 5_000, run: () => loader.close() },
  { name: 'close k3 client', timeoutMs: 1_000, run: () => client.close() },
  { name: 'close ops server', timeoutMs: 2_000, run: () => ops.close() },
  {
    name: 'close redis',
    timeoutMs: 2_000,
    run: () => Promise.all([producer.quit(), workerConnection.quit()]),
  },
]);
installProcessHandlers(shutdown, logger);
