import { channelTarget, createAlerter } from '@wdt-k3/alerts';
import { closeQueues, openQueues } from '@wdt-k3/jobs';
import { createPool } from '@wdt-k3/ledger';
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
import { alerterHealthChecks } from './health.ts';
import { createAlerterMetrics } from './metrics.ts';

// ConfigError problems name settings and entries, never a webhook or a secret.
const config = await configOrExit('alerter', () => loadConfig(process.env));
const logger = createLogger({
  level: config.logLevel,
  service: 'alerter',
  base: { instanceId: config.instanceId },
});
const redis = createRedis(config.redis, 'producer', 'alerter', logger);
await waitForRedis(redis, 60_000);
const prefix = config.redis.queuePrefix;
const queues = openQueues(redis, prefix);
const ledger = config.database === null ? undefined : createPool(config.database, logger);
const registry = createMetricsRegistry('alerter');
const alerter = createAlerter({
  redis,
  prefix,
  ordersQueue: queues.orders,
  failedQueue: queues.failed,
  ...(ledger === undefined ? {} : { ledger }),
  channels: config.channels,
  rules: config.rules,
  environment: { pollIntervalMs: config.pollIntervalMs, extractLagMs: config.extractLagMs },
  settings: {
    evaluateIntervalMs: config.evaluateIntervalMs,
    deliverIntervalMs: config.deliverIntervalMs,
    leaseMs: config.leaseMs,
    repeatIntervalMs: config.repeatIntervalMs,
    groupIntervalMs: config.groupIntervalMs,
    resolveAfterMs: config.resolveAfterMs,
    resolvedRetentionMs: config.resolvedRetentionMs,
    linkBase: config.linkBase,
  },
  instanceId: config.instanceId,
  logger,
  hooks: createAlerterMetrics(registry, redis, prefix),
});

const ops = await startOpsServer({
  host: config.ops.host,
  port: config.ops.port,
  registry,
  checks: alerterHealthChecks({ redis, alerter }),
});
const shutdown = createShutdown(logger, [
  { name: 'stop evaluating and give the lease up', timeoutMs: 15_000, run: () => alerter.stop() },
  { name: 'close ops server', timeoutMs: 2_000, run: () => ops.close() },
  { name: 'close ledger pool', timeoutMs: 5_000, run: () => ledger?.end() },
  { name: 'close queues', timeoutMs: 5_000, run: () => closeQueues(queues) },
  { name: 'close redis', timeoutMs: 2_000, run: () => redis.quit() },
]);
installProcessHandlers(shutdown, logger);
alerter.start();
if (config.channels.length === 0)
  logger.warn({}, 'no alert channels (ALERT_CHANNELS): alerts are evaluated and listed, but sent nowhere');
logger.info(
  {
    redis: redactUrl(config.redis.url),
    prefix,
    port: ops.port,
    ledger: ledger === undefined ? 'off (no DATABASE_URL)' : 'on',
    channels: config.channels.map((channel) => ({
      name: channel.name,
      type: channel.type,
      target: channelTarget(channel),
    })),
    rules: config.rules.filter((rule) => rule.enabled).map((rule) => rule.rule.id),
  },
  'alerter started',
);
