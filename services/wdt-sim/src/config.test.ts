import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';

const NOW = Date.UTC(2026, 0, 15, 3, 25, 0);

describe('loadConfig', () => {
  it('has documented demo defaults and no dataset unless asked', () => {
    expect(loadConfig({}, NOW)).toEqual({
      host: '127.0.0.1',
      port: 4101,
      logLevel: 'info',
      sim: {
        appKey: 'wdt-sim-app-key',
        appSecret: 'wdt-sim-app-secret',
        targetAppKey: '21363512',
        sid: 'wdt-sim',
        rateLimitPerMinute: 60,
        pageSizeMax: 100,
        pageSizeDefault: 40,
      },
    });
  });

  it('builds the initial dataset: by default the 30 days up to the current hour', () => {
    const hour = Date.UTC(2026, 0, 15, 3, 0, 0);
    expect(loadConfig({ WDT_SIM_ORDERS: '1000', WDT_SIM_SEED: '9' }, NOW).sim.dataset).toEqual({
      seed: 9,
      count: 1000,
      fromMs: hour - 30 * 86_400_000,
      toMs: hour,
    });
    const explicit = loadConfig(
      { WDT_SIM_ORDERS: '5', WDT_SIM_FROM: '2024-01-01 00:00:00', WDT_SIM_TO: '2024-01-02T00:00:00+08:00' },
      NOW,
    );
    expect(explicit.sim.dataset).toMatchObject({
      fromMs: Date.UTC(2023, 11, 31, 16),
      toMs: Date.UTC(2024, 0, 1, 16),
    });
  });

  it('lists every problem at once with its variable', () => {
    expect(() =>
      loadConfig(
        {
          WDT_SIM_PORT: 'http',
          WDT_SIM_APP_SECRET: '',
          WDT_SIM_FROM: 'yesterday',
        },
        NOW,
      ),
    ).toThrow(/WDT_SIM_PORT[\s\S]*WDT_SIM_APP_SECRET[\s\S]*WDT_SIM_FROM/);
    expect(() => loadConfig({ WDT_SIM_PAGE_SIZE_DEFAULT: '101' }, NOW)).toThrow(
      expect.objectContaining({
        code: 'CONFIG_INVALID',
        message: expect.stringContaining('WDT_SIM_PAGE_SIZE_DEFAULT'),
      }),
    );
    expect(() =>
      loadConfig(
        { WDT_SIM_ORDERS: '1', WDT_SIM_FROM: '2024-01-02 00:00:00', WDT_SIM_TO: '2024-01-01 00:00:00' },
        NOW,
      ),
    ).toThrow(/WDT_SIM_TO/);
  });
});
