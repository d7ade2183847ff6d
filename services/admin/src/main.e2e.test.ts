import { fileURLToPath } from 'node:url';
import { findFreePort, startProcess, useRedisServer } from '@wdt-k3/testkit';
import { describe, expect, it } from 'vitest';

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));
const TOKEN = 'e2e-full-token-0123456789-abcdefghijkl';

const startAdmin = (env: Record<string, string>) =>
  startProcess(process.execPath, [MAIN], { name: 'admin', env: { LOG_LEVEL: 'info', ...env } });

describe('the admin service process', () => {
  const redis = useRedisServer();

  it('refuses to start with a short token, naming the problem but not the token', async () => {
    const short = 'short-secret-token';
    const admin = startAdmin({ REDIS_URL: redis().url, ADMIN_TOKENS: `ops:full:${short}` });
    expect((await admin.exited).code).toBe(1);
    const output = admin.lines.join('\n');
    expect(output).toContain('refusing to start');
    expect(output).toContain('at least 32 characters');
    expect(output).not.toContain(short);
  });

  it('refuses ADMIN_AUTH=off on a non-loopback address', async () => {
    const admin = startAdmin({ REDIS_URL: redis().url, ADMIN_AUTH: 'off', ADMIN_HOST: '0.0.0.0' });
    expect((await admin.exited).code).toBe(1);
    expect(admin.lines.join('\n')).toContain('loopback');
  });

  it('listens, serves with a token, never logs it, and shuts down cleanly on SIGTERM', async () => {
    const port = await findFreePort();
    const admin = startAdmin({
      REDIS_URL: redis().url,
      ADMIN_PORT: String(port),
      ADMIN_TOKENS: `ops:full:${TOKEN}`,
    });
    try {
      await admin.waitForLine(/admin api listening/, 30_000);
      const base = `http://127.0.0.1:${port}`;
      expect((await fetch(`${base}/health/live`)).status).toBe(200);
      expect((await fetch(`${base}/queues`)).status).toBe(401);
      const queues = await fetch(`${base}/queues`, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(queues.status).toBe(200);
      admin.signal('SIGTERM');
      expect(await admin.exited).toEqual({ code: 0, signal: null });
      expect(admin.lines.join('\n')).toContain('shutdown complete');
      expect(admin.lines.join('\n')).not.toContain(TOKEN);
    } finally {
      if (!admin.hasExited) await admin.stop();
    }
  });
});
