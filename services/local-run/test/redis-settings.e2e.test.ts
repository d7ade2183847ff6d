import { fileURLToPath } from 'node:url';
import { findFreePort, startProcess, useRedisSentinel, useRedisServer } from '@wdt-k3/testkit';
import { describe, expect, it } from 'vitest';

const main = (service: string): string =>
  fileURLToPath(new URL(`../../${service}/src/main.ts`, import.meta.url));

/** Everything but Redis is valid and never contacted before the Redis check. */
const OTHER_SETTINGS = {
  LOG_LEVEL: 'info',
  WDT_BASE_URL: 'http://127.0.0.1:9/router/qm',
  WDT_APP_KEY: 'key',
  WDT_APP_SECRET: 'secret',
  WDT_SID: 'sid',
  K3_BASE_URL: 'http://127.0.0.1:9/k3cloud/',
  K3_ACCT_ID: 'acct',
  K3_USERNAME: 'user',
  K3_APP_ID: 'app',
  K3_APP_SECRET: 'app-secret',
  ADMIN_PORT: '0',
  ADMIN_TOKENS: `ops:full:${'t'.repeat(40)}`,
  OPS_PORT: '0',
} as const;

interface FatalLine {
  readonly level: string;
  readonly msg: string;
  readonly code: string;
  readonly problem: string;
  readonly action: string;
  readonly zh: string;
}

/** Starts the service with these Redis settings and returns its exit code and fatal log line. */
async function startWith(service: string, redisEnv: Record<string, string>) {
  const proc = startProcess(process.execPath, [main(service)], {
    name: `${service}-bad-redis`,
    env: { ...OTHER_SETTINGS, REDIS_STARTUP_TIMEOUT_MS: '1500', ...redisEnv },
  });
  const exit = await proc.exited;
  const fatal = proc.lines
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as FatalLine)
    .find((line) => line.level === 'fatal');
  return { exit, fatal, lines: proc.lines };
}

/**
 * Bad Redis settings stop every service at start with one fatal line naming the problem and a
 * non-zero exit. Before the start-up check, both a Cluster client pointed at a standalone Redis
 * ("Failed to refresh slots cache.") and a Sentinel client asking for an unknown name ("All
 * sentinels are unreachable … No such master with that name", ~200 lines) retried for 60 s, then
 * the process died with a stack trace saying only "Redis not ready after 60000 ms".
 */
describe('services started with bad Redis settings', () => {
  const standalone = useRedisServer();
  const sentinel = useRedisSentinel();
  const services = ['extractor', 'loader', 'admin'] as const;

  it.each(services)(
    '%s: cluster mode pointed at a standalone Redis → REDIS_MODE_MISMATCH, exit 1',
    async (service) => {
      const { exit, fatal, lines } = await startWith(service, {
        REDIS_MODE: 'cluster',
        REDIS_CLUSTER_NODES: `127.0.0.1:${standalone().port}`,
        // Not the reason it stops: a mismatch fails at once, long before this.
        REDIS_STARTUP_TIMEOUT_MS: '120000',
      });
      expect(exit.code, lines.join('\n')).toBe(1);
      expect(fatal).toMatchObject({
        code: 'REDIS_MODE_MISMATCH',
        msg: expect.stringMatching(/^refusing to start/),
      });
      expect(fatal?.problem).toMatch(/standalone Redis \(cluster_enabled:0\)/);
      expect(fatal?.action).toMatch(/REDIS_MODE/);
    },
  );

  it.each(services)(
    '%s: a Sentinel name no sentinel monitors → REDIS_SENTINEL_MASTER_UNKNOWN, exit 1',
    async (service) => {
      const { exit, fatal, lines } = await startWith(service, {
        ...sentinel().env,
        REDIS_SENTINEL_NAME: 'not-mymaster',
        REDIS_STARTUP_TIMEOUT_MS: '120000',
      });
      expect(exit.code, lines.join('\n')).toBe(1);
      expect(fatal).toMatchObject({ code: 'REDIS_SENTINEL_MASTER_UNKNOWN' });
      expect(fatal?.problem).toMatch(/"not-mymaster".*they know: mymaster/);
      expect(fatal?.zh).toMatch(/哨兵/);
    },
  );

  it.each(services)(
    '%s: Cluster start nodes nobody listens on → REDIS_UNAVAILABLE after the start-up timeout, exit 1',
    async (service) => {
      const [a, b] = [await findFreePort(), await findFreePort()];
      const { exit, fatal, lines } = await startWith(service, {
        REDIS_MODE: 'cluster',
        REDIS_CLUSTER_NODES: `127.0.0.1:${a},127.0.0.1:${b}`,
      });
      expect(exit.code, lines.join('\n')).toBe(1);
      expect(fatal).toMatchObject({ code: 'REDIS_UNAVAILABLE', retryable: true });
      expect(fatal?.problem).toContain(`127.0.0.1:${a}, 127.0.0.1:${b}`);
    },
  );

  it('a service with good settings names the topology it found in its first lines', async () => {
    const proc = startProcess(process.execPath, [main('admin')], {
      name: 'admin-good-redis',
      env: { ...OTHER_SETTINGS, ...sentinel().env },
    });
    try {
      const master = await sentinel().masterNode();
      const line = await proc.waitForLine(/"redisMode":"sentinel"/, 30_000);
      expect(JSON.parse(line)).toMatchObject({ redisMaster: `127.0.0.1:${master.port}`, prefix: '{wdtk3}' });
      await proc.waitForLine(/admin api listening/, 30_000);
    } finally {
      await proc.stop();
    }
  });
});
