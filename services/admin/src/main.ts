import { closeQueues, createSyncState, openQueues } from '@wdt-k3/jobs';
import { createPool, migrate } from '@wdt-k3/ledger';
import {
  checkRedisOrExit,
  configOrExit,
  createLogger,
  createRedis,
  createShutdown,
  installProcessHandlers,
  listenError,
  waitForRedis,
} from '@wdt-k3/runtime';
import { buildAdminApp } from './app.ts';
import { loadConfig } from './config.ts';
import { openOrderTools } from './dry-run.ts';

// ConfigError messages name settings and entries, never a token's value.
const config = await configOrExit('admin', () => loadConfig(process.env));
const logger = createLogger({ level: config.logLevel, service: 'admin' });
// BullMQ needs Redis reachable when a Queue is built; past the start-up timeout we exit non-zero.
await checkRedisOrExit(config.redis, logger);
const redis = createRedis(config.redis, 'producer', 'admin', logger);
await waitForRedis(redis, config.redis.startupTimeoutMs);
const prefix = config.redis.queuePrefix;
const queues = openQueues(redis, prefix);
// Dry runs only with WDT settings; the console's bill preview always (the profile alone); K3
// settings add the salesman and sales-order lookups to both.
const tools = await openOrderTools({ ...config.mapping, wdt: config.dryRun?.wdt ?? null }, logger);
const ledger = config.database === null ? undefined : createPool(config.database, logger);
// The ledger's schema: applied by whichever service starts first, under a lock; PostgreSQL being
// down only makes the ledger's routes answer 503 until it is back.
if (ledger !== undefined)
  await migrate(ledger, logger).catch((err: unknown) =>
    logger.warn(
      { err: { message: (err as Error).message } },
      'ledger migrations not applied yet; the ledger service applies them',
    ),
  );
const app = await buildAdminApp({
  queues,
  redis,
  prefix,
  tokens: config.tokens,
  syncState: createSyncState(redis, prefix),
  ...(tools.dryRun === undefined ? {} : { dryRun: tools.dryRun }),
  preview: tools.preview,
  consoleSessionTtlMs: config.consoleSessionTtlMs,
  trustProxy: config.trustProxy,
  ...(ledger === undefined ? {} : { ledger }),
  eventsEnabled: config.eventsEnabled,
  logger,
});

const shutdown = createShutdown(logger, [
  { name: 'http', timeoutMs: 10_000, run: () => app.close() },
  { name: 'ledger', timeoutMs: 5_000, run: () => ledger?.end() },
  { name: 'queues', timeoutMs: 5_000, run: () => closeQueues(queues) },
  { name: 'dry-run clients', timeoutMs: 1_000, run: () => tools.close() },
  { name: 'redis', timeoutMs: 5_000, run: () => redis.quit() },
]);
installProcessHandlers(shutdown, logger);

// A port in use or a bad host: one line naming the setting, exit 1 (not a stack trace).
await configOrExit('admin', () =>
  app.listen({ host: config.host, port: config.port }).catch((err: unknown) => {
    throw listenError(err, { host: 'ADMIN_HOST', port: 'ADMIN_PORT' }, config.host, config.port);
  }),
);
logger.info(
  {
    host: config.host,
    port: config.port,
    auth: config.tokens === 'off' ? 'off' : config.tokens.length,
    console: '/console',
    dryRun: config.dryRun === null ? 'off' : config.dryRun.k3 === null ? 'wdt only' : 'wdt and k3',
  },
  'admin api listening',
);
