import { describe, expect, it } from 'vitest';
import { DEFAULT_ADMIN_URL, DEFAULT_TIMEOUT_MS, displayUrl, loadConfig } from './config.ts';
import { CliError } from './errors.ts';

const TOKEN = 'full-token-0123456789-abcdefghijklmnop';

const failure = (run: () => unknown): CliError => {
  try {
    run();
  } catch (err) {
    if (err instanceof CliError) return err;
    throw err;
  }
  throw new Error('expected a CliError');
};

describe('loadConfig', () => {
  it('defaults to the admin on loopback with no token, a 60 s timeout and colour on a terminal', () => {
    const config = loadConfig({}, {}, true);
    expect(displayUrl(config.baseUrl)).toBe(DEFAULT_ADMIN_URL);
    expect(config).toMatchObject({
      token: null,
      timeoutMs: DEFAULT_TIMEOUT_MS,
      color: true,
      language: 'zh-CN',
    });
  });

  it('explains error codes in Chinese unless WDT_K3_LANG asks for English', () => {
    expect(loadConfig({ WDT_K3_LANG: 'en' }, {}, false).language).toBe('en');
    expect(loadConfig({ WDT_K3_LANG: 'zh-CN' }, {}, false).language).toBe('zh-CN');
    expect(loadConfig({ WDT_K3_LANG: ' ' }, {}, false).language).toBe('zh-CN');
  });

  it('reads the environment, and flags win over it', () => {
    const env = {
      WDT_K3_ADMIN_URL: 'https://ops.example.com/wdt-k3/',
      WDT_K3_ADMIN_TOKEN: TOKEN,
      WDT_K3_ADMIN_TIMEOUT_MS: '5000',
    };
    expect(loadConfig(env, {}, false)).toMatchObject({ token: TOKEN, timeoutMs: 5000 });
    expect(displayUrl(loadConfig(env, {}, false).baseUrl)).toBe('https://ops.example.com/wdt-k3');
    const flagged = loadConfig(
      env,
      { url: 'http://10.0.0.5:4100', token: 'other-token', timeoutMs: '100' },
      false,
    );
    expect(displayUrl(flagged.baseUrl)).toBe('http://10.0.0.5:4100');
    expect(flagged).toMatchObject({ token: 'other-token', timeoutMs: 100 });
  });

  it('treats blank variables as unset', () => {
    expect(loadConfig({ WDT_K3_ADMIN_URL: ' ', WDT_K3_ADMIN_TOKEN: '' }, {}, false)).toMatchObject({
      token: null,
    });
  });

  it('colours only a terminal, and never with NO_COLOR or TERM=dumb', () => {
    expect(loadConfig({}, {}, false).color).toBe(false);
    expect(loadConfig({ NO_COLOR: '1' }, {}, true).color).toBe(false);
    expect(loadConfig({ NO_COLOR: '' }, {}, true).color).toBe(true);
    expect(loadConfig({ TERM: 'dumb' }, {}, true).color).toBe(false);
  });

  it('refuses a URL that is not http(s), or that carries a user or password, without echoing it', () => {
    expect(failure(() => loadConfig({}, { url: 'ftp://host' }, false)).message).toBe(
      'the admin URL must be http:// or https://, got ftp:',
    );
    const secretUrl = failure(() =>
      loadConfig({ WDT_K3_ADMIN_URL: 'http://ops:hunter2@host:4100' }, {}, false),
    );
    expect(secretUrl.message).not.toContain('hunter2');
    expect(secretUrl.exitCode).toBe(2);
    expect(failure(() => loadConfig({}, { url: 'not a url hunter2' }, false)).message).not.toContain(
      'hunter2',
    );
  });

  it('refuses a token that cannot be one, without echoing it', () => {
    const err = failure(() => loadConfig({ WDT_K3_ADMIN_TOKEN: `${TOKEN} x` }, {}, false));
    expect(err.code).toBe('CLI_CONFIG_INVALID');
    expect(err.message).not.toContain(TOKEN);
    expect(failure(() => loadConfig({}, { token: 'zq9\tzq9' }, false)).message).not.toContain('zq9');
  });

  it('refuses a timeout that is not a whole number of ms', () => {
    for (const bad of ['0', '1.5', '30s', '-1']) {
      expect(failure(() => loadConfig({}, { timeoutMs: bad }, false)).code).toBe('CLI_CONFIG_INVALID');
    }
  });
});
