import { closeQueues, createSyncState, openQueues } from '@wdt-k3/jobs';
import {
  createLogger,
  createRedis,
  createShutdown,
  installProcessHandlers,
  isAppError,
  waitForRedis,
} from '@wdt-k3/runtime';
import { buildAdminApp } from './app.ts';
import { type AdminConfig, loadConfig } from './config.ts';
import { openDryRun } from './dry-run.ts';

/** BullMQ needs Redis reachable when a Queue is built; past this the orchestrator restarts us. */
const REDIS_STARTUP_TIMEOUT_MS = 60_000;

function configOrExit(): AdminConfig {
  try {
    return loadConfig(process.env);
  } catch (err) {
    // ConfigError messages name settings and entries, never a token's value.
    const logger = createLogger({ level: 'info', service: 'admin' });
    logger.fatal(
      { code: isAppError(err) ? err.code : 'CONFIG_INVALID', problem: String(err) },
      'refusing to start',
    );
    process.exit(1);
  }
}

const config = configOrExit();
const logger = createLogger({ level: config.logLevel, service: 'admin' });
const redis = createRedis(config.redis, 'producer', 'admin', logger);
await waitForRedis(redis, REDIS_STARTUP_TIMEOUT_MS);
const prefix = config.redis.queuePrefix;
const queues = openQueues(redis, prefix);
// Dry runs only with WDT settings; K3 settings add the salesman and sales-order lookups.
const dryRun = config.dryRun === null ? null : await openDryRun(config.dryRun, logger);
const app = await buildAdminApp({
  queues,
  redis,
  prefix,
  tokens: config.tokens,
  syncState: createSyncState(redis, prefix),
  ...(dryRun === null ? {} : { dryRun: dryRun.dryRun }),
  logger,
});

const shutdown = createShutdown(logger, [
  { name: 'http', timeoutMs: 10_000, run: () => app.close() },
  { name: 'queues', timeoutMs: 5_000, run: () => closeQueues(queues) },
  { name: 'dry-run clients', timeoutMs: 1_000, run: () => dryRun?.close() },
  { name: 'redis', timeoutMs: 5_000, run: () => redis.quit() },
]);
installProcessHandlers(shutdown, logger);

await app.listen({ host: config.host, port: config.port });
logger.info(
  {
    host: config.host,
    port: config.port,
    auth: config.tokens === 'off' ? 'off' : config.tokens.length,
    dryRun: config.dryRun === null ? 'off' : config.dryRun.k3 === null ? 'wdt only' : 'wdt and k3',
  },
  'admin api listening',
);
