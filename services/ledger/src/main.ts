import { createPool, migrate, redactDatabaseUrl, startLedgerConsumer } from '@wdt-k3/ledger';
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
import { ledgerHealthChecks } from './health.ts';
import { createLedgerMetrics } from './metrics.ts';

const config = await configOrExit('ledger', () => loadConfig(process.env));
const logger = createLogger({ level: config.logLevel, service: 'ledger' });
const registry = createMetricsRegistry('ledger');
// Listening first: a port in use or a bad OPS_HOST stops the start before anything is consumed.
const ops = await configOrExit('ledger', () =>
  startOpsServer({ host: config.ops.host, port: config.ops.port, registry }),
);
logger.info({ port: ops.port }, 'ops server listening');
const redis = createRedis(config.redis, 'producer', 'ledger', logger);
const blocking = createRedis(config.redis, 'worker', 'ledger-stream', logger);
await waitForRedis(redis, 60_000);
const pool = createPool({ ...config.database, applicationName: 'wdt-k3-ledger' }, logger);
// The schema must exist before anything is projected; PostgreSQL may still be starting.
await migrateWhenReachable();
logger.info(
  { redis: redactUrl(config.redis.url), database: redactDatabaseUrl(config.database.url) },
  'ledger ready',
);

let consumerLag: () => ReturnType<ReturnType<typeof startLedgerConsumer>['lag']> = async () => ({
  events: 0,
  oldestMs: null,
});
const metrics = createLedgerMetrics(registry, () => consumerLag());
const consumer = startLedgerConsumer({
  redis,
  blocking,
  pool,
  prefix: config.redis.queuePrefix,
  settings: { consumer: config.consumer.name, ...config.consumer },
  logger: logger.child({ component: 'consumer' }),
  hooks: metrics,
});
consumerLag = () => consumer.lag(Date.now());
const mirrored = await consumer.mirrorDiscards().catch(() => 0);
logger.info({ consumer: config.consumer.name, discardMarkers: mirrored }, 'ledger consuming');

ops.setChecks(ledgerHealthChecks({ redis, pool, consumer, maxLagMs: config.healthMaxLagMs }));

const shutdown = createShutdown(logger, [
  { name: 'stop consuming', timeoutMs: 10_000, run: () => consumer.stop() },
  { name: 'close ops server', timeoutMs: 2_000, run: () => ops.close() },
  { name: 'close postgres', timeoutMs: 5_000, run: () => pool.end() },
  { name: 'close redis', timeoutMs: 2_000, run: () => Promise.all([redis.quit(), blocking.quit()]) },
]);
installProcessHandlers(shutdown, logger);

async function migrateWhenReachable(): Promise<void> {
  for (let waitMs = 500; ; waitMs = Math.min(waitMs * 2, 10_000)) {
    try {
      await migrate(pool, logger);
      return;
    } catch (err) {
      logger.warn(
        { err: { message: (err as Error).message }, retryInMs: waitMs },
        'postgres not reachable yet',
      );
      await new Promise((resolve) => setTimeout(resolve, waitMs));
    }
  }
}
