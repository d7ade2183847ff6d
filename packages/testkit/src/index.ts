export { findFreePort } from './free-port.ts';
export { type JsonControl, jsonControl } from './json-control.ts';
export { testLogger } from './logger.ts';
export { type ManagedProcess, type ProcessExit, type StartProcessOptions, startProcess } from './process.ts';
export { type RedisServerHandle, type RedisServerOptions, startRedisServer } from './redis-server.ts';
export { uniquePrefix, useRedisServer } from './vitest-redis.ts';
export { onceEvent, type WaitForOptions, waitFor } from './wait-for.ts';
