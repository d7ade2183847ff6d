import { fileURLToPath } from 'node:url';
import { findFreePort, type ManagedProcess, startProcess } from '@wdt-k3/testkit';
import { createWdtClient } from '@wdt-k3/wdt-client';
import { afterAll, describe, expect, it } from 'vitest';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));

/** The documented one command: `node services/wdt-sim/src/main.ts`, configured by env only. */
describe('wdt-sim started as a process', () => {
  let sim: ManagedProcess | undefined;
  afterAll(async () => {
    await sim?.stop();
  });

  it('listens where it says, serves its env dataset with its env credentials and stops on SIGTERM', async () => {
    const port = await findFreePort();
    sim = startProcess(process.execPath, [MAIN], {
      name: 'wdt-sim',
      env: {
        // Beijing times must not depend on the host's zone (the PHP SDK's do).
        TZ: 'America/Los_Angeles',
        WDT_SIM_PORT: String(port),
        WDT_SIM_APP_KEY: 'e2e-key',
        WDT_SIM_APP_SECRET: 'e2e-secret-never-logged',
        WDT_SIM_SID: 'e2e-sid',
        WDT_SIM_ORDERS: '500',
        WDT_SIM_SEED: '5',
        WDT_SIM_FROM: '2024-01-01 00:00:00',
        WDT_SIM_TO: '2024-01-02 00:00:00',
      },
    });
    const line = await sim.waitForLine(/wdt-sim listening/);
    const { url } = JSON.parse(line) as { url: string };
    expect(url).toBe(`http://127.0.0.1:${port}/router/qm`);
    const wdt = createWdtClient({
      baseUrl: url,
      appKey: 'e2e-key',
      appSecret: 'e2e-secret-never-logged',
      sid: 'e2e-sid',
    });
    try {
      const page = await wdt.queryStockoutPage({
        startTime: Date.UTC(2023, 11, 31, 16),
        endTime: Date.UTC(2024, 0, 1, 16),
        pageNo: 0,
        pageSize: 100,
      });
      expect(page.totalCount).toBe(500);
    } finally {
      wdt.close();
    }
    expect(await sim.stop()).toMatchObject({ code: 0 });
    expect(sim.lines.join('\n')).not.toContain('e2e-secret-never-logged');
  });
});
