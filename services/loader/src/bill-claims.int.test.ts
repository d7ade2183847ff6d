import {
  createRedis,
  parseConfig,
  type RedisConnection,
  redisEnvSchema,
  toRedisSettings,
  waitForRedis,
} from '@wdt-k3/runtime';
import { testLogger, uniquePrefix, useRedisServer, waitFor } from '@wdt-k3/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type BillClaimSettings,
  type ClaimRoundTrip,
  claimKey,
  claimWaitMs,
  createBillClaims,
} from './bill-claims.ts';

describe('bill claims in Redis', () => {
  const server = useRedisServer();
  const connections: RedisConnection[] = [];
  afterEach(() => {
    for (const connection of connections.splice(0)) connection.disconnect();
  });

  /** Redis as the loader connects to it (runtime's producer connection), on a fresh prefix. */
  const settingsFor = (prefix: string) =>
    toRedisSettings(parseConfig(redisEnvSchema, { REDIS_URL: server().url, REDIS_PREFIX: prefix }));
  const connect = async (prefix: string): Promise<RedisConnection> => {
    const connection = createRedis(settingsFor(prefix), 'producer', 'claims-test');
    connections.push(connection);
    await waitForRedis(connection, 10_000);
    return connection;
  };

  /** One loader process's claims: its own connection and process id. */
  const loaderClaims = async (prefix: string, settings: Partial<BillClaimSettings> = {}) => {
    const trips: ClaimRoundTrip[] = [];
    let lost = 0;
    const claims = createBillClaims(
      await connect(prefix),
      `{${prefix}}`,
      { ttlMs: 60_000, releaseDelayMs: 20, ...settings },
      testLogger(),
      { onRoundTrip: (reason) => trips.push(reason), onLost: (count) => (lost += count) },
    );
    return { claims, trips, lost: () => lost };
  };

  it('lets one batch of the fleet hold a number at a time; the others learn how long its claim has left', async () => {
    const prefix = uniquePrefix('claims');
    const a = await loaderClaims(prefix);
    const b = await loaderClaims(prefix);
    const first = await a.claims.acquire(['N1', 'N2']);
    expect([...first.held]).toEqual(['N1', 'N2']);
    expect(first.busy.size).toBe(0);

    const second = await b.claims.acquire(['N2', 'N3']);
    expect([...second.held]).toEqual(['N3']);
    const left = second.busy.get('N2') ?? 0;
    expect(left).toBeGreaterThan(0);
    expect(left).toBeLessThanOrEqual(60_000);
    // Another batch of the same process is another owner.
    const again = await a.claims.acquire(['N1']);
    expect(again.held.size).toBe(0);

    // The key shares the queues' {hash-tag} (their Cluster slot); the value names the owner.
    const redis = await connect(prefix);
    expect(claimKey(`{${prefix}}`, 'N2')).toBe(`{${prefix}}:claims:N2`);
    expect(await redis.get(`{${prefix}}:claims:N2`)).toMatch(new RegExp(`^${a.claims.processId}#\\d+$`));
    expect(await redis.pttl(`{${prefix}}:claims:N2`)).toBeGreaterThan(0);
    expect(a.trips).toEqual(['acquire', 'acquire']);
  });

  it('sends a release with the next acquisition, or alone after the delay, and frees only what its batch holds', async () => {
    const prefix = uniquePrefix('claims');
    const redis = await connect(prefix);
    const a = await loaderClaims(prefix, { releaseDelayMs: 60_000 });
    const key = (billNo: string) => claimKey(`{${prefix}}`, billNo);

    const batch = await a.claims.acquire(['X']);
    batch.release(['X']);
    expect(await redis.exists(key('X'))).toBe(1);
    await a.claims.acquire(['Y']);
    expect(await redis.exists(key('X'))).toBe(0);
    expect(a.trips).toEqual(['acquire', 'acquire']);

    const quick = await loaderClaims(prefix, { releaseDelayMs: 10 });
    (await quick.claims.acquire(['Z'])).release(['Z']);
    await waitFor(async () => (await redis.exists(key('Z'))) === 0, { description: 'Z released alone' });
    expect(quick.trips).toEqual(['acquire', 'release']);

    // A claim that lapsed and went to another loader is not freed by its first holder.
    const stale = await a.claims.acquire(['W']);
    await redis.del(key('W'));
    const b = await loaderClaims(prefix);
    expect((await b.claims.acquire(['W'])).held.has('W')).toBe(true);
    stale.release(['W']);
    await a.claims.flush();
    expect(await redis.get(key('W'))).toMatch(new RegExp(`^${b.claims.processId}#`));
  });

  it('renews the claims of a running batch every third of the TTL; kept claims expire by themselves', async () => {
    const prefix = uniquePrefix('claims');
    const redis = await connect(prefix);
    const ttlMs = 900;
    const a = await loaderClaims(prefix, { ttlMs });
    const batch = await a.claims.acquire(['K']);
    const renewals = () => a.trips.filter((reason) => reason === 'renew').length;
    // Four renewals, at least ttl/3 apart, span more than the TTL: the claim only lives on renewed.
    await waitFor(() => renewals() >= 4, { description: 'four renewals' });
    expect(await redis.exists(claimKey(`{${prefix}}`, 'K'))).toBe(1);

    batch.keep(['K']);
    const b = await loaderClaims(prefix, { ttlMs });
    expect((await b.claims.acquire(['K'])).busy.has('K')).toBe(true);
    await waitFor(async () => (await redis.exists(claimKey(`{${prefix}}`, 'K'))) === 0, {
      description: 'the kept claim to expire',
    });
    const after = renewals();
    expect((await b.claims.acquire(['K'])).held.has('K')).toBe(true);
    expect(renewals()).toBe(after);
  });

  it('confirms claims before a send when the process may have paused past half the TTL, leaving out lost ones', async () => {
    const prefix = uniquePrefix('claims');
    const redis = await connect(prefix);
    let clockMs = 0;
    const a = await loaderClaims(prefix, { ttlMs: 60_000, now: () => clockMs });
    const batch = await a.claims.acquire(['P', 'Q']);
    clockMs = 29_000;
    expect([...(await batch.confirm())]).toEqual(['P', 'Q']);
    expect(a.trips).toEqual(['acquire']);

    // P lapsed while this process was frozen and another loader took it.
    await redis.del(claimKey(`{${prefix}}`, 'P'));
    await (await loaderClaims(prefix)).claims.acquire(['P']);
    clockMs = 31_000;
    expect([...(await batch.confirm())]).toEqual(['Q']);
    expect(a.trips).toEqual(['acquire', 'confirm']);
    expect(a.lost()).toBe(1);
  });

  it('waits for a holder in doubling steps, never past the claim’s expiry', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 20].map((waits) => claimWaitMs(waits, undefined))).toEqual([
      250, 500, 1000, 2000, 4000, 5000, 5000, 5000,
    ]);
    expect(claimWaitMs(3, 700)).toBe(710);
    expect(claimWaitMs(0, 0)).toBe(10);
  });

  it('keeps claims with their TTL through a kill -9 and restart of Redis (AOF)', async () => {
    const prefix = uniquePrefix('claims');
    const a = await loaderClaims(prefix);
    const batch = await a.claims.acquire(['R1', 'R2']);
    await server().kill();
    await expect(a.claims.acquire(['R3'])).rejects.toThrow();
    await server().start();

    const redis = await connect(prefix);
    const key = claimKey(`{${prefix}}`, 'R1');
    const left = await waitFor(async () => redis.pttl(key), { description: 'Redis back' });
    expect(left).toBeGreaterThan(0);
    expect(left).toBeLessThanOrEqual(60_000);
    const b = await loaderClaims(prefix);
    expect((await b.claims.acquire(['R1', 'R3'])).busy.has('R1')).toBe(true);

    // The holder's connection comes back; its release (and the undo of the failed R3) go through.
    batch.release(['R1', 'R2']);
    await waitFor(
      async () => {
        await a.claims.flush();
        return (await redis.exists(key)) === 0;
      },
      { description: 'the release after the restart' },
    );
    expect(await redis.get(claimKey(`{${prefix}}`, 'R3'))).toMatch(new RegExp(`^${b.claims.processId}#`));
  });
});
