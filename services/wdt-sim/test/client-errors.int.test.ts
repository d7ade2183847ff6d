import { waitFor } from '@wdt-k3/testkit';
import {
  createWdtClient,
  minuteRemainderMs,
  WDT_ERROR_CODES,
  type WdtClient,
  type WdtClientOptions,
  type WdtError,
} from '@wdt-k3/wdt-client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CREDENTIALS, DAY_MS, DAY0_MS, type RunningSim, startSim } from './support.ts';

const QUERY = { startTime: DAY0_MS, endTime: DAY0_MS + DAY_MS, pageNo: 0, pageSize: 40 };
type Stats = { calls: number; errors: Record<string, unknown> };

/** Every WDT_* code the client has, each produced for real against the simulator over HTTP. */
describe('wdt-client error codes against wdt-sim', () => {
  let sim: RunningSim;
  const clients: WdtClient[] = [];
  const seen = new Set<string>();
  beforeAll(async () => {
    sim = await startSim();
  });
  afterAll(async () => {
    for (const client of clients) client.close();
    await sim.close();
  });
  beforeEach(async () => {
    await sim.control('POST', '/_sim/reset');
  });

  const client = (options: Partial<WdtClientOptions> = {}): WdtClient => {
    const created = createWdtClient({ baseUrl: sim.baseUrl, ...CREDENTIALS, now: sim.clock.now, ...options });
    clients.push(created);
    return created;
  };
  const faults = (body: Record<string, unknown>) => sim.control('PUT', '/_sim/faults', body);
  const stats = () => sim.control<Stats>('GET', '/_sim/stats');

  async function failure(promise: Promise<unknown>): Promise<WdtError> {
    const error = await promise.then(
      () => undefined,
      (err: unknown) => err as WdtError,
    );
    if (error === undefined) throw new Error('expected the call to fail');
    seen.add(error.code);
    return error;
  }

  it('WDT_RATE_LIMITED from WDT 1012: after the limit, with the rest of the minute to wait, until it slides', async () => {
    await faults({ rateLimitPerMinute: 3 });
    const wdt = client();
    for (let i = 0; i < 3; i += 1) await wdt.queryStockoutPage(QUERY);
    const error = await failure(wdt.queryStockoutPage(QUERY));
    expect(error).toMatchObject({ code: 'WDT_RATE_LIMITED', retryable: true, context: { wdtCode: 1012 } });
    expect(error.rateLimit).toEqual({ retryAfterMs: minuteRemainderMs(sim.clock.now()), source: 'wdt' });
    sim.clock.advance(60_000);
    await expect(wdt.queryStockoutPage(QUERY)).resolves.toMatchObject({ totalCount: 0 });
  });

  it('WDT_RATE_LIMITED from gateway code 7, with the ban TOP announces', async () => {
    await faults({
      script: [
        {
          kind: 'gateway',
          code: 7,
          message: 'App Call Limited',
          subCode: 'accesscontrol.limited-by-app-access-count',
          subMessage: 'This ban will last for 3 more seconds',
        },
      ],
    });
    const error = await failure(client().queryStockoutPage(QUERY));
    expect(error.rateLimit).toEqual({ retryAfterMs: 3000, source: 'gateway' });
  });

  it.each([
    ['WDT_SIGNATURE_INVALID', { appSecret: 'wrong-secret' }, 25],
    ['WDT_APP_KEY_INVALID', { appKey: 'someone-else' }, 29],
  ] as const)('%s when the simulator refuses the credentials', async (code, options, gatewayCode) => {
    const error = await failure(client(options).queryStockoutPage(QUERY));
    expect(error).toMatchObject({ code, retryable: false, context: { wdtCode: gatewayCode } });
  });

  it('WDT_TIMESTAMP_INVALID when the client clock is 11 minutes off', async () => {
    const error = await failure(
      client({ now: () => sim.clock.now() - 11 * 60_000 }).queryStockoutPage(QUERY),
    );
    expect(error).toMatchObject({
      code: 'WDT_TIMESTAMP_INVALID',
      retryable: false,
      message: expect.stringMatching(/clock/),
    });
  });

  it('WDT_WINDOW_TOO_LARGE, WDT_QUERY_INVALID and WDT_OPTIONS_INVALID without any call', async () => {
    const wdt = client();
    expect(await failure(wdt.queryStockoutPage({ ...QUERY, endTime: DAY0_MS + 31 * DAY_MS }))).toMatchObject({
      code: 'WDT_WINDOW_TOO_LARGE',
    });
    expect(await failure(wdt.queryStockoutPage({ pageNo: 0, pageSize: 40 }))).toMatchObject({
      code: 'WDT_QUERY_INVALID',
    });
    expect(await failure(Promise.resolve().then(() => client({ baseUrl: 'ftp://x' })))).toMatchObject({
      code: 'WDT_OPTIONS_INVALID',
    });
    expect((await stats()).calls).toBe(0);
  });

  it('WDT_HTTP_ERROR: retryable for 5xx, not for 4xx, never retried by the client', async () => {
    await faults({
      script: [
        { kind: 'http', status: 503 },
        { kind: 'http', status: 404 },
      ],
    });
    const wdt = client();
    expect(await failure(wdt.queryStockoutPage(QUERY))).toMatchObject({
      code: 'WDT_HTTP_ERROR',
      retryable: true,
      context: { httpStatus: 503 },
    });
    expect(await failure(wdt.queryStockoutPage(QUERY))).toMatchObject({
      code: 'WDT_HTTP_ERROR',
      retryable: false,
    });
    expect((await stats()).calls).toBe(2);
  });

  it('WDT_NETWORK after the client retried a dropped connection twice; two drops are absorbed', async () => {
    const wdt = client();
    await faults({ script: [{ kind: 'drop' }, { kind: 'drop' }] });
    await expect(wdt.queryStockoutPage(QUERY)).resolves.toMatchObject({ totalCount: 0 });
    expect(await stats()).toMatchObject({ calls: 3, errors: { dropped: 2 } });
    await faults({ dropRate: 1 });
    expect(await failure(wdt.queryStockoutPage(QUERY))).toMatchObject({
      code: 'WDT_NETWORK',
      retryable: true,
    });
    expect(await stats()).toMatchObject({ calls: 6, errors: { dropped: 5 } });
  });

  it('WDT_NETWORK when nothing listens', async () => {
    const closed = await startSim();
    const baseUrl = closed.baseUrl;
    await closed.close();
    expect(await failure(client({ baseUrl }).queryStockoutPage(QUERY))).toMatchObject({
      code: 'WDT_NETWORK',
    });
  });

  it('WDT_TIMEOUT when the simulator holds the call, without a retry', async () => {
    await faults({ script: [{ kind: 'timeout' }] });
    const error = await failure(client({ requestTimeoutMs: 300 }).queryStockoutPage(QUERY));
    expect(error).toMatchObject({ code: 'WDT_TIMEOUT', retryable: true });
    expect(await stats()).toMatchObject({ calls: 1, errors: { timeouts: 1 } });
  });

  it('WDT_ABORTED when the caller aborts a call in flight', async () => {
    await faults({ latencyMs: 60_000 });
    const controller = new AbortController();
    const pending = failure(client().queryStockoutPage(QUERY, controller.signal));
    await waitFor(async () => (await stats()).calls === 1, {
      description: 'the call to reach the simulator',
    });
    controller.abort();
    expect(await pending).toMatchObject({ code: 'WDT_ABORTED', retryable: true });
  });

  it('WDT_BAD_RESPONSE when a proxy answers HTML with status 200', async () => {
    await faults({ script: [{ kind: 'garbage' }] });
    expect(await failure(client().queryStockoutPage(QUERY))).toMatchObject({
      code: 'WDT_BAD_RESPONSE',
      retryable: true,
    });
  });

  it('WDT_API_ERROR carries any other WDT or gateway code and message', async () => {
    await faults({
      script: [
        { kind: 'wdt', errorcode: 1060, message: '充值余额为0或应用已欠费' },
        { kind: 'gateway', code: 15, message: 'Remote service error', subCode: 'isp.remote-service-error' },
      ],
    });
    const wdt = client();
    const business = await failure(wdt.queryStockoutPage(QUERY));
    expect(business).toMatchObject({ code: 'WDT_API_ERROR', retryable: false, context: { wdtCode: 1060 } });
    expect(business.message).toContain('充值余额为0');
    expect(await failure(wdt.queryStockoutPage(QUERY))).toMatchObject({
      code: 'WDT_API_ERROR',
      retryable: true,
      context: { wdtCode: 15 },
    });
    const simChosen = await failure(client({ sid: 'unknown-seller' }).queryStockoutPage(QUERY));
    expect(simChosen).toMatchObject({ code: 'WDT_API_ERROR', context: { wdtCode: 2907 } });
  });

  it('covered every code the client has', () => {
    expect([...seen].sort()).toEqual(Object.values(WDT_ERROR_CODES).sort());
  });
});
