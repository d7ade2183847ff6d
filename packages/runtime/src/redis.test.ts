import { describe, expect, it } from 'vitest';
import { parseConfig } from './config.ts';
import { redisEnvSchema, toRedisSettings } from './redis.ts';

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
  });
});
