import { orderJobId } from '@wdt-k3/jobs';
import { createK3CloudClient } from '@wdt-k3/k3cloud-client';
import { DEFAULT_MAPPING_PROFILE } from '@wdt-k3/mapping';
import { createRedis, type RedisConnection, waitForRedis } from '@wdt-k3/runtime';
import { testLogger, uniquePrefix, useRedisServer, waitFor } from '@wdt-k3/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { type BillClaims, claimKey, createBillClaims, createNoBillClaims } from '../src/bill-claims.ts';
import { createBillOwners } from '../src/bill-owners.ts';
import { createBillSaver } from '../src/bill-saver.ts';
import { loadConfig } from '../src/config.ts';
import { createLookups } from '../src/lookups.ts';
import { type OrderResult, processOrder } from '../src/process-order.ts';
import { dataset, type K3Sim, loaderEnv, SOURCE, startK3Sim } from './harness.ts';

/**
 * Two loaders holding the same orders at once (a stalled job taken over while its first holder
 * is still saving, a replay racing its original), against a K3 account whose numbering rule
 * allows duplicate FBillNo: only the loader's own guards stand between an order and a second
 * bill. Each "loader" is the real pipeline (lookups, mapping, bill saver, claims) with its own
 * Redis connection and K3 client, as two processes have.
 */
describe('bill claims between loaders, with K3 allowing duplicate bill numbers', () => {
  const redis = useRedisServer();
  const cleanups: Array<() => Promise<unknown> | unknown> = [];
  afterEach(async () => {
    while (cleanups.length > 0) await cleanups.pop()?.();
  });

  async function duplicateFriendlyK3(count: number, seed: number): Promise<{ k3: K3Sim; orders: Order[] }> {
    const data = dataset(seed, count);
    const k3 = await startK3Sim([data], { uniqueBillNo: false });
    cleanups.push(() => k3.close());
    return { k3, orders: Array.from({ length: count }, (_, index) => data.orderAt(index)) };
  }

  type Order = Record<string, unknown>;
  interface TestLoader {
    readonly claims: BillClaims;
    readonly redis: RedisConnection;
    load(order: Order): Promise<OrderResult>;
  }

  async function testLoader(
    k3: K3Sim,
    prefix: string,
    options: { claims?: boolean; requestTimeoutMs?: number; claimTtlMs?: number } = {},
  ): Promise<TestLoader> {
    const config = loadConfig(
      loaderEnv(redis().url, k3, {
        REDIS_PREFIX: prefix,
        K3_REQUEST_TIMEOUT_MS: String(options.requestTimeoutMs ?? 10_000),
        LOADER_CLAIM_TTL_MS: String(options.claimTtlMs ?? 60_000),
      }),
    );
    const connection = createRedis(config.redis, 'producer', 'claims-test');
    await waitForRedis(connection, 10_000);
    const client = createK3CloudClient({
      baseUrl: config.k3.baseUrl,
      auth: config.k3.auth,
      requestTimeoutMs: config.k3.requestTimeoutMs,
    });
    cleanups.push(() => {
      client.close();
      connection.disconnect();
    });
    const logger = testLogger();
    const claims =
      options.claims === false
        ? createNoBillClaims()
        : createBillClaims(
            connection,
            config.redis.queuePrefix,
            { ttlMs: config.loader.claimTtlMs, releaseDelayMs: 10 },
            logger,
          );
    const saver = createBillSaver(
      client,
      claims,
      { batchSize: 50, batchWaitMs: 5, maxConcurrentSaves: 4, saveOptions: { isVerifyBaseDataField: true } },
      logger,
    );
    const lookups = createLookups(
      client,
      connection,
      `${config.redis.queuePrefix}:loader:cache`,
      { cacheTtlMs: 60_000, missTtlMs: 1_000, batchWaitMs: 5 },
      logger,
    );
    const owners = createBillOwners(connection, config.redis.queuePrefix, {
      ownerTtlMs: 86_400_000,
      doneTtlMs: 86_400_000,
    });
    const pipeline = {
      profile: DEFAULT_MAPPING_PROFILE,
      linkMode: 'required' as const,
      lookups,
      saver,
      owners,
    };
    return {
      claims,
      redis: connection,
      load: (order) => processOrder(pipeline, { order, source: SOURCE }, orderJobId(order)),
    };
  }

  /** 'saved' / 'already-saved', or the error code of a failed load. */
  const outcomeOf = (result: PromiseSettledResult<OrderResult> | undefined): string =>
    result === undefined
      ? 'none'
      : result.status === 'fulfilled'
        ? result.value.status
        : String((result.reason as { code?: unknown }).code);

  it('sends each bill once although two loaders take the same orders at the same moment', async () => {
    const { k3, orders } = await duplicateFriendlyK3(20, 51);
    // Slow enough that both loaders check K3 before either has saved.
    await k3.faults({ latency: { perCallMs: 300, perBillMs: 0 } });

    // Without claims, the check alone lets both through: the race is real.
    const unguarded = uniquePrefix('noclaims');
    const [x, y] = await Promise.all([
      testLoader(k3, unguarded, { claims: false }),
      testLoader(k3, unguarded, { claims: false }),
    ]);
    await Promise.allSettled(orders.slice(0, 10).flatMap((order) => [x.load(order), y.load(order)]));
    const unguardedCounts = await k3.billCounts();
    expect([...unguardedCounts.values()].some((count) => count > 1)).toBe(true);

    const prefix = uniquePrefix('claims');
    const [a, b] = await Promise.all([testLoader(k3, prefix), testLoader(k3, prefix)]);
    const guarded = orders.slice(10);
    const first = await Promise.allSettled(guarded.flatMap((order) => [a.load(order), b.load(order)]));
    const pairs = guarded.map((_order, index) =>
      [outcomeOf(first[2 * index]), outcomeOf(first[2 * index + 1])].sort(),
    );
    // One of each pair saved; the other found it saved, or waits for its holder's outcome.
    for (const pair of pairs) {
      expect(pair[1]).toBe('saved');
      expect(['already-saved', 'LOADER_BILL_CLAIMED']).toContain(pair[0]);
    }
    const waited = guarded.filter((_order, index) => pairs[index]?.[0] === 'LOADER_BILL_CLAIMED');
    expect(waited.length).toBeGreaterThan(0);
    // The waiting job's next run, once the holder released the number, finds the bill.
    for (const order of waited) {
      await waitFor(
        async () => (await a.redis.exists(claimKey(`{${prefix}}`, String(order.order_no)))) === 0,
        {
          description: `claim of ${String(order.order_no)} released`,
        },
      );
      expect((await b.load(order)).status).toBe('already-saved');
    }
    const counts = await k3.billCounts();
    for (const order of guarded) expect(counts.get(String(order.order_no))).toBe(1);
  });

  it('keeps the claim after a save that timed out and was not found, until it expires; then the next loader checks and sends', async () => {
    const { k3, orders } = await duplicateFriendlyK3(1, 52);
    const order = orders[0] as Order;
    const prefix = uniquePrefix('claims');
    const timeouts = { requestTimeoutMs: 1_000, claimTtlMs: 2_500 };
    const [a, b] = await Promise.all([testLoader(k3, prefix, timeouts), testLoader(k3, prefix, timeouts)]);
    await k3.faults({ hang: { count: 1, services: ['BatchSave'] } });
    await expect(a.load(order)).rejects.toMatchObject({ code: 'K3_TIMEOUT', retryable: true });
    const key = claimKey(`{${prefix}}`, String(order.order_no));
    expect(await a.redis.get(key)).toMatch(new RegExp(`^${a.claims.processId}#`));

    // K3 may still commit the abandoned request: the other loader waits, however often it asks.
    await expect(b.load(order)).rejects.toMatchObject({
      code: 'LOADER_BILL_CLAIMED',
      context: { expiresInMs: expect.any(Number) },
    });
    expect(await k3.billCounts()).toEqual(new Map());
    await waitFor(async () => (await a.redis.exists(key)) === 0, { description: 'the kept claim to expire' });
    expect((await b.load(order)).status).toBe('saved');
    expect((await k3.billCounts()).get(String(order.order_no))).toBe(1);
  });

  it('keeps the claim until its TTL when the check after an ambiguous save fails; the retry finds the bill', async () => {
    const { k3, orders } = await duplicateFriendlyK3(1, 53);
    const order = orders[0] as Order;
    const prefix = uniquePrefix('claims');
    const timeouts = { requestTimeoutMs: 1_500, claimTtlMs: 4_000 };
    const [a, b] = await Promise.all([testLoader(k3, prefix, timeouts), testLoader(k3, prefix, timeouts)]);
    await k3.faults({ hang: { count: 1, afterCommit: true, services: ['BatchSave'] } });
    const saving = a.load(order).catch((err: unknown) => err);
    // While the committed BatchSave hangs, K3's queries start failing: the check cannot settle it.
    await waitFor(async () => (await k3.stats()).bills === 1, { description: 'the bill committed' });
    await k3.faults({ http5xx: { services: ['ExecuteBillQuery'] } });
    expect(await saving).toMatchObject({ code: 'K3_TIMEOUT', retryable: true });
    const key = claimKey(`{${prefix}}`, String(order.order_no));
    expect(await a.redis.get(key)).toMatch(new RegExp(`^${a.claims.processId}#`));
    expect(await a.redis.pttl(key)).toBeGreaterThan(0);

    // The retry (here on the other loader) checks K3 first, whoever holds the claim: it is there.
    await k3.faults({});
    expect(await b.load(order)).toMatchObject({ status: 'already-saved' });
    expect(await a.redis.get(key)).toMatch(new RegExp(`^${a.claims.processId}#`));
    await waitFor(async () => (await a.redis.exists(key)) === 0, { description: 'the claim to expire' });
    expect((await k3.billCounts()).get(String(order.order_no))).toBe(1);
  });

  it('releases the claim as soon as a check settled the outcome: a dropped answer found, a K3 exception not found', async () => {
    const { k3, orders } = await duplicateFriendlyK3(2, 54);
    const [dropped, excepted] = orders as [Order, Order];
    const prefix = uniquePrefix('claims');
    // A claim TTL of a minute: the claim going away within this test is the release, not expiry.
    const [a, b] = await Promise.all([testLoader(k3, prefix), testLoader(k3, prefix)]);
    const gone = async (order: Order) => {
      const key = claimKey(`{${prefix}}`, String(order.order_no));
      await waitFor(async () => (await a.redis.exists(key)) === 0, { description: 'the claim released' });
    };

    await k3.faults({ dropAfterCommit: { count: 1, services: ['BatchSave'] } });
    expect(await a.load(dropped)).toMatchObject({ status: 'already-saved' });
    await gone(dropped);
    expect(await b.load(dropped)).toMatchObject({ status: 'already-saved' });

    // response_error: is K3 itself answering after it ran the call: not found means not saved.
    await k3.faults({ responseError: { count: 1, services: ['BatchSave'] } });
    await expect(a.load(excepted)).rejects.toMatchObject({ code: 'K3_SERVER_EXCEPTION', retryable: true });
    await gone(excepted);
    expect(await b.load(excepted)).toMatchObject({ status: 'saved' });

    const counts = await k3.billCounts();
    expect([counts.get(String(dropped.order_no)), counts.get(String(excepted.order_no))]).toEqual([1, 1]);
  });
});
