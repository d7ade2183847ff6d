import { describe, expect, it } from 'vitest';
import { isLoopbackHost, loadConfig } from './config.ts';

const TOKEN = 't'.repeat(40);

describe('loadConfig', () => {
  it('defaults to 127.0.0.1:4100 with auth on and reads the token list', () => {
    const config = loadConfig({ ADMIN_TOKENS: `ops:full:${TOKEN}, grafana:read:${'r'.repeat(32)}` });
    expect(config).toMatchObject({ host: '127.0.0.1', port: 4100, logLevel: 'info' });
    expect(config.tokens).toEqual([
      { name: 'ops', scope: 'full', token: TOKEN },
      { name: 'grafana', scope: 'read', token: 'r'.repeat(32) },
    ]);
    expect(config.redis.queuePrefix).toBe('{wdtk3}');
  });

  it('refuses to start without a token, or with a short one, without echoing it', () => {
    expect(() => loadConfig({})).toThrow(/ADMIN_TOKENS is required/);
    const short = 'short-but-secret';
    expect(() => loadConfig({ ADMIN_TOKENS: `ops:full:${short}` })).toThrow(/at least 32 characters/);
    try {
      loadConfig({ ADMIN_TOKENS: `ops:full:${short}` });
    } catch (err) {
      expect((err as Error).message).not.toContain(short);
    }
  });

  it('allows ADMIN_AUTH=off on loopback only', () => {
    expect(loadConfig({ ADMIN_AUTH: 'off' }).tokens).toBe('off');
    expect(loadConfig({ ADMIN_AUTH: 'off', ADMIN_HOST: '::1' }).tokens).toBe('off');
    expect(() => loadConfig({ ADMIN_AUTH: 'off', ADMIN_HOST: '0.0.0.0' })).toThrow(/loopback/);
    expect(() =>
      loadConfig({ ADMIN_AUTH: 'off', ADMIN_HOST: '10.0.0.5', ADMIN_TOKENS: `ops:full:${TOKEN}` }),
    ).toThrow(/loopback/);
  });

  it('names every bad setting at once', () => {
    expect(() => loadConfig({ ADMIN_PORT: '99999', ADMIN_AUTH: 'maybe', LOG_LEVEL: 'loud' })).toThrow(
      /ADMIN_PORT[\s\S]*ADMIN_AUTH[\s\S]*LOG_LEVEL/,
    );
  });
});

describe('isLoopbackHost', () => {
  it('knows 127/8, ::1 and localhost, and nothing else', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost', '::ffff:127.0.0.1']) {
      expect(isLoopbackHost(host), host).toBe(true);
    }
    for (const host of ['0.0.0.0', '::', '10.0.0.1', 'admin.internal', '128.0.0.1', '']) {
      expect(isLoopbackHost(host), host).toBe(false);
    }
  });
});
