import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';
import { pageJobId, planIncrementalRun, splitWindows } from './planner.ts';

const H = 3_600_000;
const base = { lagMs: 60_000, overlapMs: 5 * 60_000, maxWindowMs: H, maxWindows: 24 };

describe('planIncrementalRun', () => {
  it('plans nothing until something has settled past the watermark', () => {
    expect(planIncrementalRun({ ...base, watermarkMs: 10 * H, nowMs: 10 * H + 60_000 })).toBeNull();
  });

  it('starts overlapMs before the watermark and ends lagMs before now, on whole seconds, in windows of at most maxWindowMs', () => {
    const plan = planIncrementalRun({ ...base, watermarkMs: 10 * H, nowMs: 12 * H + 60_000 + 999 });
    expect(plan).toEqual({
      runId: `inc-${10 * H - 300_000}-${12 * H}`,
      fromMs: 10 * H - 300_000,
      toMs: 12 * H,
      windows: [
        { fromMs: 10 * H - 300_000, toMs: 11 * H - 300_000 },
        { fromMs: 11 * H - 300_000, toMs: 12 * H - 300_000 },
        { fromMs: 12 * H - 300_000, toMs: 12 * H },
      ],
    });
  });

  it('caps a backlog at maxWindows so the watermark advances in steps', () => {
    const plan = planIncrementalRun({ ...base, maxWindows: 2, overlapMs: 0, watermarkMs: 0, nowMs: 100 * H });
    expect(plan?.windows).toHaveLength(2);
    expect(plan?.toMs).toBe(2 * H);
  });

  it('never plans a window over 30 days', () => {
    const windows = splitWindows(0, 90 * 24 * H, 365 * 24 * H);
    expect(windows.every((window) => window.toMs - window.fromMs <= 30 * 24 * H)).toBe(true);
    expect(windows.at(-1)?.toMs).toBe(90 * 24 * H);
  });

  it('names page jobs by run, window and step, so a step added twice is one job', () => {
    expect(pageJobId('inc-1-2', '1700000000000', 'k3-120')).toBe('pg-inc-1-2-1700000000000-k3-120');
  });
});

describe('loadConfig', () => {
  const required = { WDT_APP_KEY: 'k', WDT_APP_SECRET: 's', WDT_SID: 'sid' };

  it('fills the documented defaults', () => {
    const config = loadConfig(required);
    expect(config.extract).toMatchObject({
      status: [95, 105, 110, 113],
      pageSize: 100,
      lagMs: 120_000,
      dryRun: false,
      byModified: false,
      paging: 'keyset',
      sweep: true,
    });
    expect(config.wdt).toMatchObject({ targetAppKey: '21363512', signMethod: 'md5', rateLimitPerMinute: 60 });
  });

  it('reads EXTRACT_START_FROM as Beijing time or ISO-8601', () => {
    expect(loadConfig({ ...required, EXTRACT_START_FROM: '2026-11-01 08:00:00' }).extract.startFromMs).toBe(
      Date.UTC(2026, 10, 1),
    );
    expect(loadConfig({ ...required, EXTRACT_START_FROM: '2026-11-01T00:00:00Z' }).extract.startFromMs).toBe(
      Date.UTC(2026, 10, 1),
    );
  });

  it('lists every problem of a bad environment at once', () => {
    expect(() =>
      loadConfig({
        WDT_APP_KEY: 'k',
        EXTRACT_STATUS: '95,shipped',
        EXTRACT_DRY_RUN: 'maybe',
        EXTRACT_START_FROM: 'yesterday',
      }),
    ).toThrow(
      /(?=[\s\S]*WDT_APP_SECRET)(?=[\s\S]*WDT_SID)(?=[\s\S]*EXTRACT_STATUS)(?=[\s\S]*EXTRACT_DRY_RUN)(?=[\s\S]*EXTRACT_START_FROM)/,
    );
  });

  it('refuses a start in the future and numbers out of bounds, naming each', () => {
    const now = Date.UTC(2026, 11, 1);
    const bad = {
      ...required,
      EXTRACT_START_FROM: '2099-01-01 00:00:00',
      EXTRACT_PAGE_CONCURRENCY: '1e20',
      OPS_PORT: '99999',
    };
    let message = '';
    try {
      loadConfig(bad, () => now);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/EXTRACT_START_FROM: lies in the future/);
    expect(message).toMatch(/EXTRACT_PAGE_CONCURRENCY: expected a whole number/);
    expect(message).toMatch(/OPS_PORT: a port from 0 to 65535/);
    expect(
      loadConfig({ ...required, EXTRACT_START_FROM: '2026-11-30 00:00:00' }, () => now).extract.startFromMs,
    ).toBe(Date.UTC(2026, 10, 29, 16));
  });

  it('refuses an overlap that would stop runs from advancing', () => {
    expect(() =>
      loadConfig({ ...required, EXTRACT_OVERLAP_MS: String(48 * H), EXTRACT_MAX_WINDOWS_PER_RUN: '24' }),
    ).toThrow(/EXTRACT_OVERLAP_MS/);
  });
});
