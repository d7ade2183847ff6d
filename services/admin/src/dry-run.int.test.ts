import type { AddressInfo } from 'node:net';
import {
  buildK3SimApp,
  type K3SimApp,
  loadConfig as loadSimConfig,
  simCredentials,
} from '@wdt-k3/k3cloud-sim';
import { createLogger } from '@wdt-k3/runtime';
import { createDataset, type DatasetOptions } from '@wdt-k3/sim-data';
import { useRedisServer } from '@wdt-k3/testkit';
import { buildWdtSimApp } from '@wdt-k3/wdt-sim';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, FULL, startHarness } from '../test/harness.ts';
import { loadConfig } from './config.ts';
import { openDryRun } from './dry-run.ts';

const SIM = loadSimConfig({});
const WDT = { appKey: 'admin-test-app', appSecret: 'admin-test-secret', sid: 'admin-test-sid' };
const FROM_MS = Date.UTC(2026, 9, 1);
const DATASET: DatasetOptions = { seed: 77, count: 5, fromMs: FROM_MS, toMs: FROM_MS + 7 * 86_400_000 };
const logger = createLogger({ level: 'silent', service: 'admin-test' });

async function listen(app: FastifyInstance | K3SimApp): Promise<string> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}

describe('the dry run wired from settings against wdt-sim and k3cloud-sim', () => {
  const redis = useRedisServer();
  const data = createDataset(DATASET);
  const order = data.orderAt(0);
  let wdt: FastifyInstance;
  let k3: K3SimApp;
  let env: Record<string, string>;

  beforeAll(async () => {
    wdt = buildWdtSimApp({ ...WDT, rateLimitPerMinute: 0, dataset: DATASET });
    k3 = buildK3SimApp({
      credentials: simCredentials(SIM),
      datasets: [data],
    });
    env = {
      ADMIN_TOKENS: `ops:full:${FULL.token}`,
      WDT_BASE_URL: await listen(wdt),
      WDT_APP_KEY: WDT.appKey,
      WDT_APP_SECRET: WDT.appSecret,
      WDT_SID: WDT.sid,
      K3_BASE_URL: `${await listen(k3)}/k3cloud/`,
      K3_ACCT_ID: SIM.K3_SIM_ACCT_ID,
      K3_USERNAME: SIM.K3_SIM_USERNAME,
      K3_APP_ID: SIM.K3_SIM_APP_ID,
      K3_APP_SECRET: SIM.K3_SIM_APP_SECRET,
    };
  });
  afterAll(async () => {
    await wdt.close();
    await k3.close();
  });

  const open = async (overrides: Record<string, string | undefined> = {}) => {
    const settings = loadConfig({ ...env, ...overrides }).dryRun;
    if (settings === null) throw new Error('the test env must switch dry runs on');
    return openDryRun(settings, logger);
  };

  it('fetches the stock-out from WDT, looks up K3 and answers the linked model, writing nothing', async () => {
    const { dryRun, close } = await open();
    try {
      const outcome = await dryRun(String(order.order_no));
      expect(outcome).toMatchObject({
        found: true,
        order: { stockout_id: order.stockout_id },
        result: { ok: true, unlinked: false },
      });
      const model =
        outcome.found && outcome.result.ok ? (outcome.result.model as Record<string, unknown>) : {};
      expect(model.FBillNo).toBe(order.order_no);
      expect(model.FCustomerID).toEqual({ FNumber: order.nick_name });
      const entries = model.FEntity as Array<Record<string, unknown>>;
      expect(entries).toHaveLength((order.details_list as unknown[]).length);
      expect(entries.every((entry) => Array.isArray(entry.FEntity_Link))).toBe(true);
      expect(await dryRun('CK-NOT-IN-WDT')).toEqual({ found: false });
    } finally {
      close();
    }
    const stats = (await (await fetch(`${env.K3_BASE_URL?.replace('/k3cloud/', '')}/_sim/stats`)).json()) as {
      billsSaved: number;
    };
    expect(stats.billsSaved).toBe(0);
  });

  it('maps without links or salesman when no K3 is configured, and says so', async () => {
    const { dryRun, close } = await open({ K3_BASE_URL: undefined });
    try {
      const outcome = await dryRun(String(order.order_no));
      expect(outcome).toMatchObject({ found: true, result: { ok: true, unlinked: true } });
      const model =
        outcome.found && outcome.result.ok ? (outcome.result.model as Record<string, unknown>) : {};
      expect(model.FSalesManID).toBeUndefined();
      expect((model.FEntity as Array<Record<string, unknown>>)[0]?.FEntity_Link).toBeUndefined();
    } finally {
      close();
    }
  });

  it('serves it on the route, and answers 502 with the WDT code when WDT refuses the call', async () => {
    const wired = await open();
    const refused = await open({ WDT_APP_SECRET: 'not-the-secret' });
    const app = await startHarness(redis().url, { dryRun: wired.dryRun });
    const broken = await startHarness(redis().url, { dryRun: refused.dryRun });
    try {
      const ok = await app.app.inject({
        method: 'POST',
        url: `/orders/${order.order_no}/dry-run`,
        headers: bearer(FULL),
      });
      expect(ok.statusCode).toBe(200);
      expect(ok.json()).toMatchObject({ stockoutNo: order.order_no, found: true, result: { ok: true } });
      const failed = await broken.app.inject({
        method: 'POST',
        url: `/orders/${order.order_no}/dry-run`,
        headers: bearer(FULL),
      });
      expect(failed.statusCode).toBe(502);
      expect(failed.json().error).toMatchObject({
        code: 'ADMIN_DRY_RUN_FAILED',
        details: { code: expect.stringMatching(/^WDT_/) },
      });
    } finally {
      await app.close();
      await broken.close();
      wired.close();
      refused.close();
    }
  });
});
