import {
  buildSignatureHeaders,
  createK3CloudClient,
  type K3CloudClient,
  K3Error,
} from '@wdt-k3/k3cloud-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Deployment, loadConfig } from '../src/index.ts';
import { CREDENTIALS, outstockFromOrder, type RunningSim, smallDataset, startSim } from './helpers.ts';

/**
 * `deployment: cloud | private` (reference §2.2, docs/reference/k3cloud.md): the same wrong app id
 * is refused by Kingdee's gateway with HTTP 519 in the cloud, and by the K3 server itself with
 * HTTP 200 + MsgCode 1 on premise. The client reports both as K3_AUTH_FAILED.
 */
const dataset = smallDataset(17);
const { acctId, username, appId, appSecret } = CREDENTIALS;
const WRONG_APP_ID = '999999_AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcY';
const BATCH_SAVE = '/k3cloud/Kingdee.BOS.WebApi.ServicesStub.DynamicFormService.BatchSave.common.kdsvc';
const LOGIN = '/k3cloud/Kingdee.BOS.WebApi.ServicesStub.AuthService.LoginByAppSecret.common.kdsvc';

const sims = new Map<Deployment, RunningSim>();
const clients: K3CloudClient[] = [];
const simOf = (deployment: Deployment): RunningSim => {
  const sim = sims.get(deployment);
  if (sim === undefined) throw new Error(`no ${deployment} simulator`);
  return sim;
};
const signed = (deployment: Deployment, app: string) => {
  const k3 = createK3CloudClient({
    baseUrl: simOf(deployment).baseUrl,
    auth: { kind: 'signature', acctId, username, appId: app, appSecret },
  });
  clients.push(k3);
  return k3;
};
const rawSave = (deployment: Deployment, headers: Record<string, string>) =>
  fetch(`${simOf(deployment).url}${BATCH_SAVE}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify({
      formid: 'SAL_OUTSTOCK',
      data: { Model: [outstockFromOrder(dataset.orderAt(3), dataset)] },
    }),
  });
const signatureHeaders = (app: string, timestamp = String(Math.floor(Date.now() / 1000))) =>
  buildSignatureHeaders(
    { acctId, username, appId: app, appSecret, lcid: 2052, orgNum: 0 },
    { path: BATCH_SAVE, timestamp },
  );
const savedCount = async (deployment: Deployment) =>
  (await simOf(deployment).control('GET', '/_sim/bills')).count;

beforeAll(async () => {
  for (const deployment of ['cloud', 'private'] as const) {
    sims.set(deployment, await startSim({ datasets: [dataset], deployment }));
  }
});
afterEach(async () => {
  for (const created of clients.splice(0)) created.close();
  for (const sim of sims.values()) await sim.control('POST', '/_sim/reset', {});
});
afterAll(async () => {
  for (const sim of sims.values()) await sim.close();
});

describe('a wrong app id, per deployment, through the real client', () => {
  it('cloud: the gateway answers 519 errcode 4002, the client says K3_AUTH_FAILED', async () => {
    const error = await signed('cloud', WRONG_APP_ID)
      .batchSave('SAL_OUTSTOCK', [outstockFromOrder(dataset.orderAt(0), dataset)])
      .catch((err: unknown) => err);
    expect(error).toBeInstanceOf(K3Error);
    expect(error).toMatchObject({
      code: 'K3_AUTH_FAILED',
      retryable: false,
      httpStatus: 519,
      context: expect.objectContaining({ errcode: 4002 }),
    });
    expect(await savedCount('cloud')).toBe(0);
  });

  it('private: the server answers 200 + MsgCode 1, the client says K3_AUTH_FAILED', async () => {
    const error = await signed('private', WRONG_APP_ID)
      .batchSave('SAL_OUTSTOCK', [outstockFromOrder(dataset.orderAt(1), dataset)])
      .catch((err: unknown) => err);
    expect(error).toBeInstanceOf(K3Error);
    expect(error).toMatchObject({ code: 'K3_AUTH_FAILED', retryable: false, msgCode: 1 });
    expect(await savedCount('private')).toBe(0);
  });

  it.each(['cloud', 'private'] as const)('%s: the right credentials still save', async (deployment) => {
    const result = await signed(deployment, appId).batchSave('SAL_OUTSTOCK', [
      outstockFromOrder(dataset.orderAt(2), dataset),
    ]);
    expect(result.bills[0]?.status).toBe('saved');
    expect(await savedCount(deployment)).toBe(1);
  });
});

describe('the wire, per deployment', () => {
  it('private: HTTP 200, MsgCode 1 and an empty session cookie with expires', async () => {
    const res = await rawSave('private', signatureHeaders(WRONG_APP_ID));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ Result: { ResponseStatus: { IsSuccess: false, MsgCode: 1 } } });
    const [cookie, ...others] = res.headers.getSetCookie();
    expect(others).toEqual([]);
    expect(cookie).toMatch(/^kdservice-sessionid=; expires=[^;]+ GMT; path=\/$/);
    expect(Number.isNaN(Date.parse(/expires=([^;]+)/.exec(cookie ?? '')?.[1] ?? ''))).toBe(false);
  });

  it('cloud: HTTP 519 with the gateway errcode and no session cookie', async () => {
    const res = await rawSave('cloud', signatureHeaders(WRONG_APP_ID));
    expect(res.status).toBe(519);
    expect(await res.json()).toMatchObject({ errcode: 4002 });
    expect(res.headers.getSetCookie()).toEqual([]);
  });

  it('private: no gateway, so a bad X-Api-Signature with a valid X-Kd-* trio is let through', async () => {
    const tampered = { ...signatureHeaders(appId), 'X-Api-Signature': 'tampered' };
    const res = await rawSave('private', tampered);
    expect(await res.json()).toMatchObject({ Result: { ResponseStatus: { IsSuccess: true } } });
    const cloud = await rawSave('cloud', tampered);
    expect(cloud.status).toBe(519);
    expect(await cloud.json()).toMatchObject({ errcode: 4003 });
  });

  it.each(['cloud', 'private'] as const)(
    '%s: a session cookie carries expires; a refused login sends it empty',
    async (deployment) => {
      const login = (secret: string) =>
        fetch(`${simOf(deployment).url}${LOGIN}`, {
          method: 'POST',
          body: JSON.stringify({ parameters: [acctId, username, appId, secret, 2052] }),
        });
      const good = (await login(appSecret)).headers.getSetCookie();
      expect(good.map((c) => c.split('=')[0])).toEqual(['kdservice-sessionid', 'ASP.NET_SessionId']);
      for (const cookie of good) expect(cookie).toMatch(/; expires=\w{3}, \d{2} \w{3} \d{4} [\d:]{8} GMT;/);
      const refused = await login('wrong');
      expect(await refused.json()).toMatchObject({ LoginResultType: 0 });
      expect(refused.headers.getSetCookie()).toEqual([
        expect.stringMatching(/^kdservice-sessionid=; expires=/),
      ]);
    },
  );
});

describe('K3_SIM_DEPLOYMENT', () => {
  it('defaults to cloud (the behaviour before the setting existed), accepts private, refuses anything else', () => {
    expect(loadConfig({}).K3_SIM_DEPLOYMENT).toBe('cloud');
    expect(loadConfig({ K3_SIM_DEPLOYMENT: 'private' }).K3_SIM_DEPLOYMENT).toBe('private');
    expect(() => loadConfig({ K3_SIM_DEPLOYMENT: 'onprem' })).toThrow(/K3_SIM_DEPLOYMENT/);
  });
});
