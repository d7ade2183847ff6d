import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { parseConfig } from './config.ts';
import { createRedis, redisEnvSchema, toRedisSettings } from './redis.ts';

const settingsFrom = (env: Record<string, string>) => toRedisSettings(parseConfig(redisEnvSchema, env));

describe('redis settings', () => {
  it('defaults to a local standalone Redis and a {hash-tagged} prefix', () => {
    const settings = settingsFrom({});
    expect(settings).toMatchObject({
      url: 'redis://127.0.0.1:6379',
      mode: 'standalone',
      queuePrefix: '{wdtk3}',
    });
  });

  it('parses Sentinel and Cluster node lists with default ports', () => {
    expect(settingsFrom({ REDIS_MODE: 'sentinel', REDIS_SENTINELS: 's1:26380, s2' }).sentinels).toEqual([
      { host: 's1', port: 26380 },
      { host: 's2', port: 26379 },
    ]);
    expect(
      settingsFrom({ REDIS_MODE: 'cluster', REDIS_CLUSTER_NODES: 'n1:7000,n2:7001', REDIS_PREFIX: 'shop_a' }),
    ).toMatchObject({
      clusterNodes: [
        { host: 'n1', port: 7000 },
        { host: 'n2', port: 7001 },
      ],
      queuePrefix: '{shop_a}',
    });
  });

  it('refuses sentinel mode without sentinels, bad schemes and prefixes that would break the hash tag', () => {
    expect(() => settingsFrom({ REDIS_MODE: 'sentinel' })).toThrow(/REDIS_SENTINELS/);
    expect(() => settingsFrom({ REDIS_URL: 'http://x' })).toThrow(/redis:\/\/ or rediss:\/\//);
    expect(() => settingsFrom({ REDIS_PREFIX: 'a}b' })).toThrow(/hash-tag/);
    expect(() => settingsFrom({ REDIS_MODE: 'cluster', REDIS_URL: 'redis://h:7000/2' })).toThrow(
      /only database 0/,
    );
    expect(settingsFrom({ REDIS_MODE: 'cluster', REDIS_URL: 'redis://h:7000/0' }).mode).toBe('cluster');
  });
});

describe('reconnect schedule', () => {
  const retryDelays = (env: Record<string, string>): number[] => {
    const connection = createRedis(settingsFrom(env), 'worker', 'schedule-test');
    connection.disconnect();
    const strategy = (connection as Redis).options.retryStrategy;
    return [1, 2, 3, 4, 5, 10, 100].map((times) => Number(strategy?.(times)));
  };

  it('doubles from 200 ms; every 5 s at most, every second with Sentinel (each attempt asks the sentinels)', () => {
    expect(retryDelays({ REDIS_URL: 'redis://127.0.0.1:1' })).toEqual([
      200, 400, 800, 1600, 3200, 5000, 5000,
    ]);
    expect(retryDelays({ REDIS_MODE: 'sentinel', REDIS_SENTINELS: '127.0.0.1:1' })).toEqual([
      200, 400, 800, 1000, 1000, 1000, 1000,
    ]);
  });
});
