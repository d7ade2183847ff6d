import { describe, expect, it } from 'vitest';
import { ordersIn, planDemo } from './demo-plan.ts';

const NOW = Date.parse('2026-12-02T06:40:12.345Z');
const OVERLAP_MS = 300_000;

describe('the deploy tier demo plan', () => {
  const plan = planDemo(NOW, OVERLAP_MS);
  const { first, scale, state, kill, ledger } = plan.windows;

  it('pins one day that ended at least an hour before now, on whole hours', () => {
    expect(plan.dataset.toMs).toBe(Date.parse('2026-12-02T05:00:00Z'));
    expect(plan.dataset.toMs - plan.dataset.fromMs).toBe(24 * 3_600_000);
    expect(NOW - plan.dataset.toMs).toBeGreaterThanOrEqual(3_600_000);
  });

  it('cuts the day into windows that together cover it, the first reaching back by the overlap', () => {
    expect(kill.fromMs).toBe(plan.dataset.fromMs);
    expect([kill.toMs, ledger.toMs, state.toMs, scale.toMs]).toEqual([
      ledger.fromMs,
      state.fromMs,
      scale.fromMs,
      plan.startFromMs,
    ]);
    expect(first).toEqual({ fromMs: plan.startFromMs - OVERLAP_MS, toMs: plan.dataset.toMs });
    expect(ordersIn(plan.dataset, [kill, ledger, state, scale, first]).size).toBe(plan.orders);
  });

  it('gives each check orders of its own: no order is in two of the backfilled windows', () => {
    const sets = [kill, ledger, state, scale].map((w) => ordersIn(plan.dataset, [w]));
    const all = new Set(sets.flatMap((set) => [...set]));
    expect(all.size).toBe(sets.reduce((sum, set) => sum + set.size, 0));
    for (const set of sets) expect(set.size).toBeGreaterThanOrEqual(400);
  });

  it('pins both simulators to the same window and starts the extractor at its window', () => {
    const override = JSON.parse(plan.override({ buildOnHostNetwork: false })) as {
      services: Record<string, { environment: Record<string, string>; build?: unknown }>;
    };
    const { extractor, 'wdt-sim': wdt, 'k3cloud-sim': k3 } = override.services;
    expect([wdt?.environment.WDT_SIM_FROM, wdt?.environment.WDT_SIM_TO]).toEqual([
      k3?.environment.K3_SIM_FROM,
      k3?.environment.K3_SIM_TO,
    ]);
    expect(Date.parse(extractor?.environment.EXTRACT_START_FROM ?? '')).toBe(plan.startFromMs);
    expect(extractor?.build).toBeUndefined();
    expect(JSON.parse(plan.override({ buildOnHostNetwork: true })).services.extractor.build).toEqual({
      network: 'host',
    });
  });
});
