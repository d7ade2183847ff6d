export { AppError, type AppErrorOptions, type ErrorContext, isAppError, toAppError } from './app-error.ts';
export { BEIJING_OFFSET_MS, formatBeijingTime, parseBeijingTime, parseInstant } from './beijing-time.ts';
export { ConfigError, describeIssues, envBoolean, envInt, envList, parseConfig } from './config.ts';
export {
  createLogger,
  LOG_LEVELS,
  type Logger,
  type LoggerSettings,
  type LogLevel,
  REDACT_PATHS,
  redactUrl,
} from './logger.ts';
export {
  createMetricsRegistry,
  type HealthCheck,
  type HealthReport,
  type OpsServer,
  type OpsServerOptions,
  runHealthChecks,
  startOpsServer,
} from './ops-server.ts';
export {
  createRedis,
  type HostPort,
  type RedisConnection,
  type RedisRole,
  type RedisSettings,
  redisEnvSchema,
  toRedisSettings,
  waitForRedis,
} from './redis.ts';
export {
  createShutdown,
  installProcessHandlers,
  type Shutdown,
  type ShutdownStep,
  type SignalOptions,
} from './shutdown.ts';
