import { findFreePort, useRedisCluster, useRedisSentinel, useRedisServer } from '@wdt-k3/testkit';
import { describe, expect, it } from 'vitest';
import { parseConfig } from './config.ts';
import { keySlot } from './key-slot.ts';
import { redisEnvSchema, toRedisSettings } from './redis.ts';
import { RedisSetupError } from './redis-errors.ts';
import { checkRedis } from './redis-preflight.ts';

const settingsFrom = (env: Record<string, string>) =>
  toRedisSettings(parseConfig(redisEnvSchema, { REDIS_STARTUP_TIMEOUT_MS: '1500', ...env }));

const failure = async (promise: Promise<unknown>): Promise<RedisSetupError> => {
  try {
    await promise;
  } catch (err) {
    if (err instanceof RedisSetupError) return err;
    throw err;
  }
  throw new Error('expected the check to fail');
};

describe('the Redis start-up check against real servers', () => {
  const standalone = useRedisServer();
  const sentinel = useRedisSentinel({ password: 'data-secret', sentinelPassword: 'sentinel-secret' });
  const cluster = useRedisCluster({ password: 'data-secret' });

  it('names what answers when the settings are right', async () => {
    await expect(checkRedis(settingsFrom({ REDIS_URL: standalone().url }))).resolves.toMatchObject({
      mode: 'standalone',
      master: `127.0.0.1:${standalone().port}`,
    });
    const master = await sentinel().masterNode();
    await expect(checkRedis(settingsFrom(sentinel().env))).resolves.toMatchObject({
      mode: 'sentinel',
      master: `127.0.0.1:${master.port}`,
    });
    const slotMaster = await cluster().masterOf(keySlot('{wdtk3}'));
    await expect(checkRedis(settingsFrom(cluster().env))).resolves.toMatchObject({
      mode: 'cluster',
      master: `127.0.0.1:${slotMaster.port}`,
    });
  });

  it('refuses cluster mode pointed at a standalone Redis at once, instead of looping forever', async () => {
    const error = await failure(
      checkRedis(
        settingsFrom({
          REDIS_MODE: 'cluster',
          REDIS_CLUSTER_NODES: `127.0.0.1:${standalone().port}`,
          REDIS_STARTUP_TIMEOUT_MS: '60000',
        }),
      ),
    );
    expect(error).toMatchObject({ code: 'REDIS_MODE_MISMATCH', retryable: false });
    expect(error.message).toMatch(/standalone Redis \(cluster_enabled:0\).*REDIS_MODE=standalone/);
  });

  it('refuses standalone mode pointed at a Cluster node, a Sentinel or a replica', async () => {
    const node = cluster().nodes[0];
    const asCluster = await failure(
      checkRedis(settingsFrom({ REDIS_URL: `redis://:data-secret@127.0.0.1:${node?.port}` })),
    );
    expect(asCluster).toMatchObject({ code: 'REDIS_MODE_MISMATCH' });
    expect(asCluster.message).toMatch(/Cluster node.*REDIS_MODE=cluster/);

    const asSentinel = await failure(
      checkRedis(
        settingsFrom({ REDIS_URL: `redis://:sentinel-secret@127.0.0.1:${sentinel().sentinels[0]?.port}` }),
      ),
    );
    expect(asSentinel.message).toMatch(/Redis Sentinel.*REDIS_MODE=sentinel/);

    const master = await sentinel().masterNode();
    const replica = sentinel().nodes.find((item) => item !== master);
    const asReplica = await failure(
      checkRedis(settingsFrom({ REDIS_URL: `redis://:data-secret@127.0.0.1:${replica?.port}` })),
    );
    expect(asReplica.message).toMatch(new RegExp(`read-only replica of 127\\.0\\.0\\.1:${master.port}`));
  });

  it('refuses a Sentinel name no sentinel monitors, naming the ones they do', async () => {
    const error = await failure(
      checkRedis(settingsFrom({ ...sentinel().env, REDIS_SENTINEL_NAME: 'wrongname' })),
    );
    expect(error).toMatchObject({ code: 'REDIS_SENTINEL_MASTER_UNKNOWN', retryable: false });
    expect(error.message).toMatch(/"wrongname".*they know: mymaster/);
  });

  it('refuses a data Redis listed as a sentinel', async () => {
    const error = await failure(
      checkRedis(
        settingsFrom({
          ...sentinel().env,
          REDIS_SENTINELS: `127.0.0.1:${standalone().port}`,
          REDIS_SENTINEL_PASSWORD: '',
        }),
      ),
    );
    expect(error).toMatchObject({ code: 'REDIS_MODE_MISMATCH' });
    expect(error.message).toMatch(/not a Sentinel/);
  });

  it('refuses wrong passwords for data nodes and for sentinels', async () => {
    const data = await failure(
      checkRedis(settingsFrom({ ...cluster().env, REDIS_URL: 'redis://:wrong@127.0.0.1' })),
    );
    expect(data).toMatchObject({ code: 'REDIS_AUTH_FAILED', retryable: false });
    const sentinels = await failure(
      checkRedis(settingsFrom({ ...sentinel().env, REDIS_SENTINEL_PASSWORD: 'wrong' })),
    );
    expect(sentinels).toMatchObject({ code: 'REDIS_AUTH_FAILED' });
    expect(sentinels.message).toMatch(/^Sentinel 127\.0\.0\.1:\d+ refused the credentials/);
  });

  it('gives up on unreachable nodes after REDIS_STARTUP_TIMEOUT_MS, naming them', async () => {
    const nobody = await findFreePort();
    const error = await failure(
      checkRedis(
        settingsFrom({
          REDIS_MODE: 'cluster',
          REDIS_CLUSTER_NODES: `127.0.0.1:${nobody}`,
          REDIS_STARTUP_TIMEOUT_MS: '300',
        }),
      ),
    );
    expect(error).toMatchObject({ code: 'REDIS_UNAVAILABLE', retryable: true });
    expect(error.message).toMatch(new RegExp(`after 300 ms.*127\\.0\\.0\\.1:${nobody} answers`));
  });

  it('computes hash slots as the cluster does', async () => {
    for (const key of ['{wdtk3}', '{ha}:orders:so-1', 'plain-key', '{}x', '{shop_a}:extractor:watermark'])
      expect(keySlot(key)).toBe(await cluster().keySlot(key));
  });
});
