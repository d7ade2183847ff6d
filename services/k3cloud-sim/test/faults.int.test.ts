import { createK3CloudClient, type K3Auth, type K3CloudClient } from '@wdt-k3/k3cloud-client';
import { waitFor } from '@wdt-k3/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CREDENTIALS, outstockFromOrder, type RunningSim, smallDataset, startSim } from './helpers.ts';

const dataset = smallDataset(11);
const auth: K3Auth = { kind: 'signature', ...CREDENTIALS };
let sim: RunningSim;
const clients: K3CloudClient[] = [];
const client = (extra: { requestTimeoutMs?: number; maxConcurrentRequests?: number } = {}) => {
  const created = createK3CloudClient({ baseUrl: sim.baseUrl, auth, ...extra });
  clients.push(created);
  return created;
};
const stats = async () =>
  (await sim.control('GET', '/_sim/stats')) as Record<string, number> & {
    faultsInjected: Record<string, number>;
  };
const storedCount = async () => (await sim.control('GET', '/_sim/bills')).count;
const bill = (index: number) => outstockFromOrder(dataset.orderAt(index), dataset);

beforeAll(async () => {
  sim = await startSim({ datasets: [dataset] });
});
afterEach(async () => {
  for (const created of clients.splice(0)) created.close();
  await sim.control('POST', '/_sim/reset', {});
});
afterAll(() => sim.close());

describe('whole-call failures map to K3 error codes', () => {
  it('HTTP 5xx: retryable, and ambiguous on a write', async () => {
    await sim.control('PUT', '/_sim/faults', { http5xx: { status: 503, count: 2 } });
    const k3 = client();
    await expect(k3.batchSave('SAL_OUTSTOCK', [bill(0)])).rejects.toMatchObject({
      code: 'K3_HTTP_ERROR',
      httpStatus: 503,
      retryable: true,
      ambiguous: true,
    });
    await expect(k3.executeBillQuery({ formId: 'BD_STOCK', fieldKeys: ['FNumber'] })).rejects.toMatchObject({
      code: 'K3_HTTP_ERROR',
      ambiguous: false,
    });
    expect((await stats()).faultsInjected.http5xx).toBe(2);
  });

  it('HTTP 519 gateway errors carry the errcode', async () => {
    await sim.control('PUT', '/_sim/faults', { gatewayError: { errcode: 5002, count: 1 } });
    await expect(client().batchSave('SAL_OUTSTOCK', [bill(1)])).rejects.toMatchObject({
      code: 'K3_GATEWAY_ERROR',
      httpStatus: 519,
      retryable: true,
      context: expect.objectContaining({ errcode: 5002 }),
    });
  });

  it('response_error: bodies are server exceptions', async () => {
    await sim.control('PUT', '/_sim/faults', { responseError: { message: 'deadlock victim', count: 1 } });
    await expect(client().batchSave('SAL_OUTSTOCK', [bill(2)])).rejects.toMatchObject({
      code: 'K3_SERVER_EXCEPTION',
      message: 'K3 server exception: deadlock victim',
      ambiguous: true,
    });
  });

  it('MsgCode 14 throttling (too many concurrent calls) is K3_CALL_LIMIT', async () => {
    await sim.control('PUT', '/_sim/faults', {
      callLimit: { maxConcurrent: 1 },
      hang: { count: 1, services: ['BatchSave'] },
    });
    const k3 = client();
    const controller = new AbortController();
    const held = k3
      .batchSave('SAL_OUTSTOCK', [bill(3)], { signal: controller.signal })
      .catch((err: unknown) => err);
    await waitFor(async () => (await stats()).inFlight === 1, { description: 'the held BatchSave' });
    await expect(k3.executeBillQuery({ formId: 'BD_STOCK', fieldKeys: ['FNumber'] })).rejects.toMatchObject({
      code: 'K3_CALL_LIMIT',
      msgCode: 14,
      retryable: true,
    });
    controller.abort();
    expect(await held).toMatchObject({ code: 'K3_ABORTED', ambiguous: true });
  });

  it('a refused connection is a network error that was never sent', async () => {
    const gone = await startSim();
    const url = gone.baseUrl;
    await gone.close();
    const k3 = createK3CloudClient({ baseUrl: url, auth });
    clients.push(k3);
    await expect(k3.batchSave('SAL_OUTSTOCK', [bill(4)])).rejects.toMatchObject({
      code: 'K3_NETWORK',
      retryable: true,
      ambiguous: false,
    });
  });
});

describe('ambiguous writes: the caller checks before re-sending', () => {
  it('a hang before commit times out and saved nothing', async () => {
    await sim.control('PUT', '/_sim/faults', { hang: { count: 1 } });
    const k3 = client({ requestTimeoutMs: 300 });
    await expect(k3.batchSave('SAL_OUTSTOCK', [bill(5)])).rejects.toMatchObject({
      code: 'K3_TIMEOUT',
      ambiguous: true,
      retryable: true,
    });
    expect(await storedCount()).toBe(0);
  });

  it('a hang after commit times out although the bill was saved; re-sending says duplicate', async () => {
    await sim.control('PUT', '/_sim/faults', { hang: { count: 1, afterCommit: true } });
    const k3 = client({ requestTimeoutMs: 300 });
    const model = bill(6);
    await expect(k3.batchSave('SAL_OUTSTOCK', [model])).rejects.toMatchObject({
      code: 'K3_TIMEOUT',
      ambiguous: true,
    });
    expect(await storedCount()).toBe(1);
    const again = await k3.batchSave('SAL_OUTSTOCK', [model]);
    expect(again.bills[0]).toMatchObject({ status: 'duplicate', number: model.FBillNo });
  });

  it('commit then drop the response: a network error, and the bill is found by query', async () => {
    await sim.control('PUT', '/_sim/faults', { dropAfterCommit: { count: 1 } });
    const k3 = client();
    const model = bill(7);
    await expect(k3.batchSave('SAL_OUTSTOCK', [model])).rejects.toMatchObject({
      code: 'K3_NETWORK',
      ambiguous: true,
    });
    const rows = await k3.executeBillQuery({
      formId: 'SAL_OUTSTOCK',
      fieldKeys: ['FID', 'FBillNo'],
      filterString: `FBillNo = '${model.FBillNo}'`,
    });
    expect(rows).toEqual([[expect.any(Number), model.FBillNo]]);
    expect((await stats()).faultsInjected.dropAfterCommit).toBe(1);
  });
});

describe('bounds', () => {
  it('keeps at most maxConcurrentRequests calls in flight per client', async () => {
    await sim.control('PUT', '/_sim/faults', { latency: { perCallMs: 30 } });
    const k3 = client({ maxConcurrentRequests: 2 });
    await Promise.all(
      Array.from({ length: 8 }, () => k3.executeBillQuery({ formId: 'BD_STOCK', fieldKeys: ['FNumber'] })),
    );
    const { maxConcurrency } = await stats();
    expect(maxConcurrency).toBeLessThanOrEqual(2);
    expect(maxConcurrency).toBeGreaterThanOrEqual(1);
  });

  it('the cost model bounds the simulator’s concurrency and charges per bill', async () => {
    await sim.control('PUT', '/_sim/cost-model', {
      enabled: true,
      baseMs: 5,
      perBillMs: 1,
      maxConcurrent: 1,
    });
    try {
      const k3 = client({ maxConcurrentRequests: 4 });
      const results = await Promise.all([10, 11, 12, 13].map((i) => k3.batchSave('SAL_OUTSTOCK', [bill(i)])));
      expect(results.map((result) => result.bills[0]?.status)).toEqual(['saved', 'saved', 'saved', 'saved']);
      expect(await storedCount()).toBe(4);
      const { costModel } = (await sim.control('GET', '/_sim/stats')) as { costModel: { maxActive: number } };
      expect(costModel.maxActive).toBe(1);
    } finally {
      await sim.control('PUT', '/_sim/cost-model', { enabled: false });
    }
  });
});
