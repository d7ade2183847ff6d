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

describe('loadConfig: dry-run settings', () => {
  const base = { ADMIN_TOKENS: `ops:full:${TOKEN}` };
  const wdt = { WDT_APP_KEY: 'app', WDT_APP_SECRET: 'wdt-secret', WDT_SID: 'seller' };

  it('leaves dry runs off without WDT settings, and on (WDT only) with them', () => {
    expect(loadConfig(base).dryRun).toBeNull();
    expect(loadConfig({ ...base, ...wdt }).dryRun).toMatchObject({
      wdt: {
        appKey: 'app',
        sid: 'seller',
        signMethod: 'md5',
        baseUrl: 'http://hu3cgwt0tc.api.taobao.com/router/qm',
      },
      k3: null,
      linkMode: 'required',
    });
  });

  it('names every missing setting of a half-given WDT or K3 group, without quoting secrets', () => {
    expect(() => loadConfig({ ...base, WDT_APP_SECRET: 'wdt-secret' })).toThrow(/WDT_APP_KEY[\s\S]*WDT_SID/);
    let message = '';
    try {
      loadConfig({ ...base, ...wdt, K3_BASE_URL: 'http://k3.example/k3cloud/', K3_APP_SECRET: 'k3-secret' });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/K3_ACCT_ID[\s\S]*K3_USERNAME[\s\S]*K3_APP_ID/);
    expect(message).not.toContain('k3-secret');
    expect(message).not.toContain('wdt-secret');
  });

  it('builds the K3 auth of each kind the loader knows', () => {
    const k3 = { K3_BASE_URL: 'http://k3.example/k3cloud/', K3_ACCT_ID: 'acct', K3_USERNAME: 'api' };
    const app = { K3_APP_ID: 'id', K3_APP_SECRET: 'secret' };
    expect(loadConfig({ ...base, ...wdt, ...k3, ...app }).dryRun?.k3?.auth).toEqual({
      kind: 'signature',
      acctId: 'acct',
      username: 'api',
      appId: 'id',
      appSecret: 'secret',
      lcid: 2052,
      orgNum: 0,
    });
    expect(
      loadConfig({ ...base, ...wdt, ...k3, K3_AUTH_KIND: 'password', K3_PASSWORD: 'pw' }).dryRun?.k3?.auth,
    ).toEqual({ kind: 'password', acctId: 'acct', username: 'api', password: 'pw', lcid: 2052 });
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
