import { describe, expect, it } from 'vitest';
import { DEMO_ADMIN_TOKEN, demoTokenProblem, usesDemoToken } from './demo-token.ts';
import { probeUrl, serviceOfCommand } from './health-probe.ts';

const DEMO = `demo:full:${DEMO_ADMIN_TOKEN}`;
const SIMS = {
  WDT_BASE_URL: 'http://wdt-sim:4101/router/qm',
  K3_BASE_URL: 'http://k3cloud-sim:4102/k3cloud/',
};

describe('the demo admin token', () => {
  it('is found in any entry of ADMIN_TOKENS, and only as the token itself', () => {
    expect(usesDemoToken(DEMO)).toBe(true);
    expect(usesDemoToken(`ops:full:${'a'.repeat(40)}, ${DEMO}`)).toBe(true);
    expect(usesDemoToken(`ops:full:${'a'.repeat(40)}`)).toBe(false);
    expect(usesDemoToken(`ops:full:${DEMO_ADMIN_TOKEN}-but-longer`)).toBe(false);
    expect(usesDemoToken(undefined)).toBe(false);
  });

  it('is accepted while WDT and K3 are the compose simulators (K3 may be unset)', () => {
    expect(demoTokenProblem({ ADMIN_TOKENS: DEMO, ...SIMS })).toBeUndefined();
    expect(demoTokenProblem({ ADMIN_TOKENS: DEMO, WDT_BASE_URL: SIMS.WDT_BASE_URL })).toBeUndefined();
  });

  it('refuses to guard a real WDT or K3, or an unset WDT, and names no token', () => {
    const real = demoTokenProblem({
      ADMIN_TOKENS: DEMO,
      ...SIMS,
      WDT_BASE_URL: 'http://hu3cgwt0tc.api.taobao.com/router/qm',
    });
    expect(real).toMatch(/accepted only while WDT_BASE_URL and K3_BASE_URL point at the demo simulators/);
    expect(real).not.toContain(DEMO_ADMIN_TOKEN);
    expect(
      demoTokenProblem({ ADMIN_TOKENS: DEMO, ...SIMS, K3_BASE_URL: 'https://k3.example.com/k3cloud/' }),
    ).toMatch(/k3\.example\.com/);
    expect(demoTokenProblem({ ADMIN_TOKENS: DEMO, WDT_BASE_URL: '' })).toMatch(/\(unset\)/);
  });

  it('leaves real tokens alone wherever WDT and K3 are', () => {
    expect(
      demoTokenProblem({ ADMIN_TOKENS: `ops:full:${'a'.repeat(40)}`, WDT_BASE_URL: 'https://x' }),
    ).toBeUndefined();
  });
});

describe('the container healthcheck target', () => {
  it('reads the service from the command line PID 1 runs', () => {
    expect(serviceOfCommand(['node', 'services/loader/src/main.ts'])).toBe('loader');
    expect(
      serviceOfCommand([
        'node',
        '--import',
        './deploy/refuse-demo-token.ts',
        '/app/services/admin/src/main.ts',
      ]),
    ).toBe('admin');
    expect(serviceOfCommand(['sh', '-c', 'exec node services/loader/src/main.ts'])).toBeUndefined();
  });

  it("probes each service's own route on its configured port, on loopback for wildcard hosts", () => {
    expect(probeUrl('extractor', {})).toEqual({ url: 'http://127.0.0.1:9101/health/live' });
    expect(probeUrl('loader', { OPS_PORT: '9200', OPS_HOST: '::' })).toEqual({
      url: 'http://127.0.0.1:9200/health/live',
    });
    expect(probeUrl('admin', { ADMIN_HOST: '0.0.0.0' })).toEqual({
      url: 'http://127.0.0.1:4100/health/live',
    });
    expect(probeUrl('wdt-sim', { WDT_SIM_HOST: '::1' })).toEqual({ url: 'http://[::1]:4101/_sim/health' });
    expect(probeUrl('k3cloud-sim', {})).toEqual({ url: 'http://127.0.0.1:4102/_sim/stats' });
    // The ledger's readiness: Redis, PostgreSQL and its lag (services/ledger/src/health.ts).
    expect(probeUrl('ledger', {})).toEqual({ url: 'http://127.0.0.1:9103/health' });
    expect(probeUrl('cli', {})).toEqual({ problem: 'no health probe known for service "cli"' });
  });
});
