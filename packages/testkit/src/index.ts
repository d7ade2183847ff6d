export {
  type AuditedRow,
  type Completeness,
  classifyCompleteness,
  describeCompleteness,
} from './completeness.ts';
export { findFreePort } from './free-port.ts';
export { type JsonControl, jsonControl } from './json-control.ts';
export { testLogger } from './logger.ts';
export { type PostgresServerHandle, startPostgresServer } from './postgres-server.ts';
export { type ManagedProcess, type ProcessExit, type StartProcessOptions, startProcess } from './process.ts';
export {
  type ClusterNodeView,
  parseClusterNodes,
  type RedisClusterHandle,
  type RedisClusterOptions,
  startRedisCluster,
} from './redis-cluster.ts';
export {
  type FailoverResult,
  type InfoFields,
  parseInfo,
  processAlive,
  type RedisNodeHandle,
  withNodeClient,
} from './redis-node.ts';
export {
  type HostPortAddress,
  type RedisSentinelHandle,
  type RedisSentinelOptions,
  startRedisSentinel,
} from './redis-sentinel.ts';
export { type RedisServerHandle, type RedisServerOptions, startRedisServer } from './redis-server.ts';
export { createTestCertificates, type TestCertificates } from './tls-certs.ts';
export { uniquePrefix, usePostgresServer, useRedisServer } from './vitest-redis.ts';
export { useRedisCluster, useRedisSentinel } from './vitest-redis-ha.ts';
export { onceEvent, type WaitForOptions, waitFor } from './wait-for.ts';
