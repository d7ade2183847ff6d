import { afterAll, beforeAll } from 'vitest';
import { type RedisClusterHandle, type RedisClusterOptions, startRedisCluster } from './redis-cluster.ts';
import { type RedisSentinelHandle, type RedisSentinelOptions, startRedisSentinel } from './redis-sentinel.ts';

/**
 * Like `useRedisServer`, for a Sentinel set (one master, one replica, three sentinels): started in
 * `beforeAll`, every process killed and every data dir removed in `afterAll`.
 */
export function useRedisSentinel(options: RedisSentinelOptions = {}): () => RedisSentinelHandle {
  let set: RedisSentinelHandle | undefined;
  beforeAll(async () => {
    set = await startRedisSentinel(options);
  }, 60_000);
  afterAll(async () => {
    await set?.dispose();
  });
  return () => {
    if (set === undefined) throw new Error('useRedisSentinel(): not started yet (use it inside a test)');
    return set;
  };
}

/** Like `useRedisServer`, for a Cluster of three masters with a replica each. */
export function useRedisCluster(options: RedisClusterOptions = {}): () => RedisClusterHandle {
  let cluster: RedisClusterHandle | undefined;
  beforeAll(async () => {
    cluster = await startRedisCluster(options);
  }, 60_000);
  afterAll(async () => {
    await cluster?.dispose();
  });
  return () => {
    if (cluster === undefined) throw new Error('useRedisCluster(): not started yet (use it inside a test)');
    return cluster;
  };
}
