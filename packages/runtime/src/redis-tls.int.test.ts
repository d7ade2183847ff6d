import { useRedisCluster, useRedisSentinel } from '@wdt-k3/testkit';
import { describe, expect, it } from 'vitest';
import { parseConfig } from './config.ts';
import { createRedis, redisEnvSchema, toRedisSettings, waitForRedis } from './redis.ts';
import { RedisSetupError } from './redis-errors.ts';
import { checkRedis } from './redis-preflight.ts';

const settingsFrom = (env: Record<string, string>) =>
  toRedisSettings(
    parseConfig(redisEnvSchema, { REDIS_STARTUP_TIMEOUT_MS: '1000', REDIS_PREFIX: 'tls', ...env }),
  );

const failure = async (promise: Promise<unknown>): Promise<RedisSetupError> => {
  try {
    await promise;
  } catch (err) {
    if (err instanceof RedisSetupError) return err;
    throw err;
  }
  throw new Error('expected the check to fail');
};

/** Writes through a producer and reads through a worker connection, both made by createRedis. */
async function roundTrip(env: Record<string, string>): Promise<string | null> {
  const settings = settingsFrom(env);
  const producer = createRedis(settings, 'producer', 'tls-producer');
  const worker = createRedis(settings, 'worker', 'tls-worker');
  try {
    await Promise.all([waitForRedis(producer, 10_000), waitForRedis(worker, 10_000)]);
    await producer.set('{tls}:k', 'over tls');
    return await worker.get('{tls}:k');
  } finally {
    producer.disconnect();
    worker.disconnect();
  }
}

describe('TLS and passwords on a Sentinel set that serves TLS only', () => {
  const sentinel = useRedisSentinel({
    tls: true,
    password: 'data-secret',
    sentinelPassword: 'sentinel-secret',
  });

  it('connects with rediss://, the CA file and TLS to the sentinels', async () => {
    expect(sentinel().env).toMatchObject({
      REDIS_URL: expect.stringMatching(/^rediss:/),
      REDIS_SENTINEL_TLS: 'true',
    });
    const master = await sentinel().masterNode();
    await expect(checkRedis(settingsFrom(sentinel().env))).resolves.toMatchObject({
      mode: 'sentinel',
      master: `127.0.0.1:${master.port}`,
    });
    // ioredis reaches the master over plain TCP unless enableTLSForSentinelMode is set.
    await expect(roundTrip(sentinel().env)).resolves.toBe('over tls');
  });

  it('names an untrusted certificate at start instead of waiting', async () => {
    const { REDIS_TLS_CA_FILE: _ca, ...withoutCa } = sentinel().env;
    const error = await failure(
      checkRedis(settingsFrom({ ...withoutCa, REDIS_STARTUP_TIMEOUT_MS: '60000' })),
    );
    expect(error).toMatchObject({ code: 'REDIS_TLS_FAILED', retryable: false });
    expect(error.message).toMatch(
      /^TLS with Sentinel 127\.0\.0\.1:\d+ failed: self.signed certificate in certificate chain/,
    );
  });

  it('reports plain TCP to TLS-only sentinels as no answer', async () => {
    const error = await failure(checkRedis(settingsFrom({ ...sentinel().env, REDIS_SENTINEL_TLS: 'false' })));
    expect(error).toMatchObject({ code: 'REDIS_UNAVAILABLE' });
  });
});

describe('TLS and a password on a Cluster that serves TLS only (clients, replication, bus)', () => {
  const cluster = useRedisCluster({ tls: true, password: 'data-secret' });

  it('connects with rediss:// and the CA file; a missing CA file is a settings error', async () => {
    await expect(checkRedis(settingsFrom(cluster().env))).resolves.toMatchObject({ mode: 'cluster' });
    await expect(roundTrip(cluster().env)).resolves.toBe('over tls');
    await expect(
      checkRedis(settingsFrom({ ...cluster().env, REDIS_TLS_CA_FILE: '/nonexistent/ca.crt' })),
    ).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringMatching(/REDIS_TLS_CA_FILE: cannot read/),
    });
  });
});
