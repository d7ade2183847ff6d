import { createK3CloudClient } from '@wdt-k3/k3cloud-client';
import { findFreePort, startProcess } from '@wdt-k3/testkit';
import { describe, expect, it } from 'vitest';

const MAIN = new URL('../src/main.ts', import.meta.url).pathname;

describe('node services/k3cloud-sim/src/main.ts', () => {
  it('starts from env alone, prints its URL, serves generated base data and stops on SIGTERM', async () => {
    const port = await findFreePort();
    const env = {
      K3_SIM_PORT: String(port),
      K3_SIM_SEED: '5',
      K3_SIM_ORDERS: '50',
      K3_SIM_FROM: '2026-01-01',
      K3_SIM_TO: '2026-01-08',
      K3_SIM_APP_SECRET: 'main-test-secret',
      K3_SIM_UNIQUE_BILL_NO: 'false',
    };
    const sim = startProcess(process.execPath, [MAIN], { name: 'k3cloud-sim', env });
    try {
      const line = await sim.waitForLine(/k3cloud-sim listening/);
      const url = (JSON.parse(line) as { url: string }).url;
      expect(url).toBe(`http://127.0.0.1:${port}/k3cloud/`);
      expect(JSON.parse(line)).toMatchObject({ uniqueBillNo: false });
      const settings = await fetch(`http://127.0.0.1:${port}/_sim/settings`);
      expect(await settings.json()).toEqual({ uniqueBillNo: false });
      expect(sim.lines.join('\n')).not.toContain('main-test-secret');
      const k3 = createK3CloudClient({
        baseUrl: url,
        auth: {
          kind: 'signature',
          acctId: '66f0a1b2c3d4e5',
          username: 'apiuser',
          appId: '300001_AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcY',
          appSecret: 'main-test-secret',
        },
      });
      const rows = await k3.executeBillQuery({
        formId: 'BD_STOCK',
        fieldKeys: ['FNumber'],
        orderString: 'FNumber',
      });
      k3.close();
      expect(rows).toEqual([['WH01'], ['WH02'], ['WH03'], ['WH04']]);
    } finally {
      const exit = await sim.stop();
      expect(exit.code).toBe(0);
    }
  });

  it('refuses an app id the official Python SDK could not use', async () => {
    const sim = startProcess(process.execPath, [MAIN], {
      name: 'k3cloud-sim-bad',
      env: { K3_SIM_PORT: '0', K3_SIM_APP_ID: '300001_tooshort' },
    });
    const exit = await sim.exited;
    expect(exit.code).not.toBe(0);
    expect(sim.lines.join('\n')).toContain('K3_SIM_APP_ID');
  });
});
