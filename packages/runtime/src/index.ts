export { AppError, type AppErrorOptions, type ErrorContext, isAppError, toAppError } from './app-error.ts';
export { BEIJING_OFFSET_MS, formatBeijingTime, parseBeijingTime, parseInstant } from './beijing-time.ts';
export {
  ConfigError,
  describeIssues,
  envBoolean,
  envHost,
  envInt,
  envIntIn,
  envList,
  envPort,
  opsEnvFields,
  parseConfig,
} from './config.ts';
export { keySlot } from './key-slot.ts';
export { createLogThrottle, type LogThrottle } from './log-throttle.ts';
export {
  createLogger,
  LOG_LEVELS,
  type Logger,
  type LoggerSettings,
  type LogLevel,
  REDACT_PATHS,
  redactQuery,
  redactUrl,
} from './logger.ts';
export {
  createMetricsRegistry,
  type HealthCheck,
  type HealthReport,
  listenError,
  type OpsServer,
  type OpsServerOptions,
  runHealthChecks,
  startOpsServer,
} from './ops-server.ts';
export {
  clusterStartNodes,
  createRedis,
  type HostPort,
  type RedisConnection,
  type RedisRole,
  type RedisSettings,
  redisEnvSchema,
  toRedisSettings,
  waitForRedis,
} from './redis.ts';
export { REDIS_ERROR_CODES, REDIS_ERRORS, type RedisErrorCode, RedisSetupError } from './redis-errors.ts';
export { checkRedis, checkRedisOrExit, type RedisProbeReport } from './redis-preflight.ts';
export {
  describeTopology,
  type RedisTopology,
  redisTopology,
  redisTopologySchema,
} from './redis-topology.ts';
export { createSemaphore, type Semaphore } from './semaphore.ts';
export {
  createShutdown,
  installProcessHandlers,
  type Shutdown,
  type ShutdownStep,
  type SignalOptions,
} from './shutdown.ts';
export { type ConfigOrExitOptions, configOrExit } from './startup.ts';
