import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';
import { slidingWindowLimiter } from './extractor.ts';
import { planIncrementalRun, siblingPageJobId, splitWindows } from './planner.ts';

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

  it('names sibling pages of a window after the page job that found them', () => {
    expect(siblingPageJobId('pg-inc-1-2-1700000000000-0', 7)).toBe('pg-inc-1-2-1700000000000-7');
  });
});

describe('slidingWindowLimiter', () => {
  it.each([
    [60, 60_000, { max: 8, duration: 10_000 }],
    [10, 6_000, { max: 1, duration: 1_000 }],
    [3, 60_000, { max: 1, duration: 10_000 }],
  ])('limit %d per %d ms → %o, never over the limit in any sliding window', (limit, windowMs, expected) => {
    const limiter = slidingWindowLimiter(limit, windowMs);
    expect(limiter).toEqual(expected);
    // Worst case: a sliding window overlaps 7 fixed windows, each used to the full.
    if (limit >= 7) expect(7 * limiter.max).toBeLessThanOrEqual(limit);
  });
});

describe('loadConfig', () => {
  const required = { WDT_APP_KEY: 'k', WDT_APP_SECRET: 's', WDT_SID: 'sid' };

  it('fills the documented defaults', () => {
    const config = loadConfig(required);
    expect(config.extract).toMatchObject({
      status: [95],
      pageSize: 100,
      lagMs: 120_000,
      dryRun: false,
      byModified: false,
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

  it('refuses an overlap that would stop runs from advancing', () => {
    expect(() =>
      loadConfig({ ...required, EXTRACT_OVERLAP_MS: String(48 * H), EXTRACT_MAX_WINDOWS_PER_RUN: '24' }),
    ).toThrow(/EXTRACT_OVERLAP_MS/);
  });
});
