import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RULE_IDS } from '../../packages/alerts/src/index.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8');

/** Every metric the services define: `name: 'extractor_…'` in their metrics files. */
function definedMetrics(): Set<string> {
  const names = new Set<string>();
  for (const service of readdirSync(join(ROOT, 'services'))) {
    let source = '';
    try {
      source = read(`services/${service}/src/metrics.ts`);
    } catch {
      continue;
    }
    for (const match of source.matchAll(/name: '([a-z0-9_]+)'/g)) names.add(match[1] as string);
    // A gauge factory: channelGauge('alerter_…', …).
    for (const match of source.matchAll(/Gauge\(\s*'([a-z0-9_]+)'/g)) names.add(match[1] as string);
  }
  return names;
}

/** Our metric names a PromQL text uses (histogram series reduced to their metric). */
function usedMetrics(text: string): string[] {
  return [...text.matchAll(/\b((?:extractor|loader|wdtk3|ledger|alerter)_[a-z0-9_]+)/g)].map((m) =>
    (m[1] as string).replace(/_(bucket|count|sum)$/, ''),
  );
}

describe('the Prometheus rules and the Grafana dashboard', () => {
  const defined = definedMetrics();

  it('use only metrics some service defines', () => {
    const dashboard = JSON.parse(read('deploy/grafana/dashboards/wdt-k3-sync.json')) as {
      panels: Array<{ targets?: Array<{ expr: string }> }>;
    };
    const exprs = [
      read('deploy/prometheus/alerts.yml'),
      ...dashboard.panels.flatMap((panel) => (panel.targets ?? []).map((target) => target.expr)),
    ];
    const used = [...new Set(exprs.flatMap(usedMetrics))];
    expect(used.length).toBeGreaterThan(15);
    expect(used.filter((name) => !defined.has(name))).toEqual([]);
  });

  it('carry one Prometheus alert per alerter rule, by id', () => {
    const rules = [...read('deploy/prometheus/alerts.yml').matchAll(/rule: ([a-z0-9-]+) \}/g)].map(
      (m) => m[1],
    );
    expect(new Set(rules).size).toBe(rules.length);
    expect([...rules].sort()).toEqual([...RULE_IDS].sort());
  });
});
