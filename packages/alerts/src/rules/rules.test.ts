import type { SignalWindow } from '@wdt-k3/jobs';
import { describe, expect, it } from 'vitest';
import type { Snapshot } from '../sources/types.ts';
import { configureRules, RULES } from './catalogue.ts';

const ENV = { pollIntervalMs: 60_000, extractLagMs: 120_000 };
const NOW = 100 * 60_000;

const signals = (perMinute: Record<string, number>[]): SignalWindow => {
  const minutes = perMinute.map((counts, index) => ({
    minute: NOW / 60_000 - perMinute.length + 1 + index,
    counts: {
      'wdt.calls': 0,
      'wdt.rate_limited': 0,
      'k3.calls': 0,
      'k3.failed': 0,
      'loader.jobs_started': 0,
      ...counts,
    } as SignalWindow['minutes'][number]['counts'],
  }));
  const totals = { ...minutes[0]?.counts } as SignalWindow['totals'];
  return { totals, minutes };
};

const evaluate = (id: string, snapshot: Partial<Snapshot>, overrides?: string) => {
  const configured = configureRules(overrides, []).find((c) => c.rule.id === id);
  if (configured === undefined) throw new Error(id);
  return configured.rule.evaluate({ now: NOW, ...snapshot }, configured.settings, ENV);
};

const status = { wdtRefusal: null, lastWdtOkAt: null, lastAdvanceAt: null, lastRunFailure: null };

describe('rules', () => {
  it('every rule has a unique id and texts in both languages', () => {
    expect(new Set(RULES.map((r) => r.id)).size).toBe(RULES.length);
    for (const rule of RULES)
      for (const lang of ['zh-CN', 'en'] as const) expect(rule.doc[lang].name).not.toBe('');
  });

  it('ALERT_RULES overrides thresholds, and names what it cannot read', () => {
    const problems: string[] = [];
    configureRules(
      '{"dead-letters":{"minOrders":0},"nope":{},"k3-failure-rate":{"ratio":"x","enabled":"maybe"}}',
      problems,
    );
    expect(problems).toEqual([
      expect.stringMatching(/^ALERT_RULES\.nope: no such rule/),
      expect.stringMatching(/^ALERT_RULES\.dead-letters\.minOrders: /),
      expect.stringMatching(/^ALERT_RULES\.k3-failure-rate\.enabled: /),
      expect.stringMatching(/^ALERT_RULES\.k3-failure-rate\.ratio: /),
    ]);
  });

  it('dead letters: one finding per code, info for codes that heal by themselves', () => {
    const group = (code: string, count: number) => ({
      code,
      count,
      oldestAt: 5,
      newestAt: 9,
      orderNos: [],
      blocking: [],
      message: '',
    });
    const found = evaluate('dead-letters', {
      deadLetters: {
        groups: [group('K3_BASEDATA_MISSING', 37), group('K3_SOURCE_ORDER_NOT_FOUND', 2)],
        total: 39,
      },
    });
    expect(found.map((f) => [f.subject, f.value, f.severity ?? 'rule'])).toEqual([
      ['K3_BASEDATA_MISSING', 37, 'rule'],
      ['K3_SOURCE_ORDER_NOT_FOUND', 2, 'info'],
    ]);
  });

  it('watermark lag: a stuck watermark fires, a catch-up that moves every run does not', () => {
    const extractor = (lastAdvanceAt: number | null) => ({
      extractor: { status: { ...status, lastAdvanceAt }, watermark: NOW - 60 * 60_000, lastTick: NOW },
    });
    expect(evaluate('watermark-lag', extractor(NOW - 30_000))).toEqual([]);
    expect(evaluate('watermark-lag', extractor(NOW - 10 * 60_000))).toHaveLength(1);
    expect(evaluate('watermark-lag', extractor(null))[0]?.value).toBe(60);
  });

  it('fleet stalled: jobs waiting long with nothing started, or no worker at all', () => {
    const orders = (workers: number | null, ageMin: number) => ({
      orders: { waiting: 12, active: 0, delayed: 0, oldestWaitingSince: NOW - ageMin * 60_000, workers },
    });
    const idle = signals([{}, {}, {}, {}, {}]);
    const busy = signals([{}, {}, {}, {}, { 'loader.jobs_started': 3 }]);
    const refusals = {};
    expect(
      evaluate('loader-fleet-stalled', { ...orders(2, 10), signals: { window: idle, refusals } }),
    ).toHaveLength(1);
    expect(
      evaluate('loader-fleet-stalled', { ...orders(2, 10), signals: { window: busy, refusals } }),
    ).toEqual([]);
    expect(
      evaluate('loader-fleet-stalled', { ...orders(0, 10), signals: { window: busy, refusals } }),
    ).toHaveLength(1);
    // Jobs that just arrived at an idle fleet are not a stall.
    expect(
      evaluate('loader-fleet-stalled', { ...orders(2, 1), signals: { window: idle, refusals } }),
    ).toEqual([]);
  });

  it('K3 failure rate: above the ratio with enough calls', () => {
    const window = (calls: number, failed: number) => ({
      signals: { window: signals([{ 'k3.calls': calls, 'k3.failed': failed }]), refusals: {} },
    });
    expect(evaluate('k3-failure-rate', window(100, 30))[0]?.value).toBe(300);
    expect(evaluate('k3-failure-rate', window(100, 10))).toEqual([]);
    expect(evaluate('k3-failure-rate', window(10, 10))).toEqual([]);
    expect(evaluate('k3-failure-rate', window(100, 10), '{"k3-failure-rate":{"ratio":0.05}}')).toHaveLength(
      1,
    );
  });

  it('credentials: WDT from the extractor status, K3 from the loaders signals', () => {
    const found = evaluate('credentials-refused', {
      extractor: {
        status: {
          ...status,
          wdtRefusal: { code: 'WDT_SIGNATURE_INVALID', message: 'Invalid signature', at: 7 },
        },
        watermark: null,
        lastTick: null,
      },
      signals: {
        window: signals([{}]),
        refusals: { k3: { code: 'K3_AUTH_FAILED', message: 'login refused', at: 8 } },
      },
    });
    expect(found.map((f) => [f.subject, f.since])).toEqual([
      ['wdt', 7],
      ['k3', 8],
    ]);
  });

  it('reconciliation: findings of the last run; missing orders critical; extras unchecked do not count', () => {
    const totals = { orders: 10, rows: 10, quantity: '10', amount: '100' };
    const latest = (summary: Partial<NonNullable<Snapshot['reconciliation']>['summary']>) => ({
      reconciliation: {
        runId: 'rc-20261130-20261130-x',
        period: { from: '2026-11-30', to: '2026-11-30' },
        filter: {},
        finishedAt: 42,
        summary: {
          missing: 0,
          extra: 0,
          duplicated: 0,
          mismatched: 0,
          extraChecked: true,
          wdt: totals,
          k3: totals,
          missingByReason: {},
          ...summary,
        },
      },
    });
    expect(evaluate('reconciliation-mismatches', {})).toEqual([]);
    expect(evaluate('reconciliation-mismatches', { reconciliation: null })).toEqual([]);
    expect(evaluate('reconciliation-mismatches', latest({}))).toEqual([]);
    expect(evaluate('reconciliation-mismatches', latest({ extra: 3, extraChecked: false }))).toEqual([]);
    const missing = evaluate(
      'reconciliation-mismatches',
      latest({
        missing: 2,
        mismatched: 1,
        missingByReason: { 'never-extracted': 1, 'dead-lettered:K3_BASEDATA_MISSING': 1 },
      }),
    );
    expect(missing.map((f) => [f.value, f.severity, f.since, f.facts.unexplained])).toEqual([
      [3, 'critical', 42, 1],
    ]);
    const known = evaluate(
      'reconciliation-mismatches',
      latest({ missing: 2, missingByReason: { 'dead-lettered:K3_BASEDATA_MISSING': 1, discarded: 1 } }),
    );
    expect(known.map((f) => [f.value, f.severity])).toEqual([[2, 'warning']]);
    const extra = evaluate('reconciliation-mismatches', latest({ extra: 1 }));
    expect(extra.map((f) => [f.value, f.severity])).toEqual([[1, 'warning']]);
    const rule = RULES.find((r) => r.id === 'reconciliation-mismatches');
    const finding = missing[0];
    if (rule === undefined || finding === undefined) throw new Error('no finding');
    expect(rule.link(finding)).toBe('/console/reconciliations/rc-20261130-20261130-x');
    expect(rule.describe(finding, 'zh-CN').summary).toContain('漏单 2');
    expect(rule.describe(finding, 'en').title).toBe('Reconciliation 2026-11-30 found differences');
  });
});
