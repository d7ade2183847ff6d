import { keySlot } from '@wdt-k3/runtime';
import { usePostgresServer, useRedisSentinel, withNodeClient } from '@wdt-k3/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { createRunContext, type FailoverRun, formatFailoverReport, runWithFailover } from './failover-run.ts';
import { exerciseAdmin, operatorView } from './operator.ts';

const PREFIX = 'ha';

/**
 * The whole pipeline (extractor, two loaders, admin) on a Sentinel set through the documented
 * settings (REDIS_MODE=sentinel, REDIS_SENTINELS, REDIS_SENTINEL_NAME, passwords for the data
 * nodes and the sentinels); kill -9 of the master while orders flow; the services must reconnect
 * to the promoted replica by themselves, and every order must end in K3 once or dead-lettered.
 */
describe('the pipeline on Redis Sentinel, with a failover mid-run', () => {
  const sentinel = useRedisSentinel({
    tls: true,
    password: 'data-secret',
    sentinelPassword: 'sentinel-secret',
  });
  const postgres = usePostgresServer();
  const context = createRunContext('sentinel');
  afterAll(() => context.stop());
  let run: FailoverRun | undefined;

  it('accounts for every order: 0 missing, 0 duplicated, dead letters keep their codes', async () => {
    run = await runWithFailover(context, {
      label: 'sentinel',
      redisEnv: sentinel().env,
      prefix: PREFIX,
      databaseUrl: await postgres().createDatabase('sentinel_failover'),
      orders: 5_000,
      failAfterBills: 1_500,
      failover: () => sentinel().failover(),
      afterFailover: (result) => result.killed.start(),
    });
    process.stdout.write(`${formatFailoverReport('sentinel', run)}\n`);

    expect(run.exited).toEqual([]);
    expect(run.rawLines).toEqual({});
    expect(run.summary).toMatchObject({ missing: 0, duplicated: 0, inBoth: 0, unexplainedBills: 0 });
    expect(run.summary.inK3 + run.summary.deadLettered).toBe(5_000);
    expect(run.deadBefore.size).toBeGreaterThan(0);
    for (const [id, code] of run.deadBefore) expect(run.deadAfter.get(id)).toBe(code);
    expect([...run.deadAfter.values()].every((code) => /^(MAP|K3)_/.test(code))).toBe(true);
  });

  it('shows the topology, the new master and the failover in /health/ready and wdt-k3 status', async () => {
    if (run === undefined) throw new Error('the run did not complete');
    const promoted = `127.0.0.1:${run.failover.promoted.port}`;
    const view = await operatorView(run.endpoints);
    expect(view.health).toMatchObject({
      mode: 'sentinel',
      sentinelName: 'mymaster',
      master: promoted,
      status: 'ready',
    });
    expect(view.health?.failoversSeen).toBe(1);
    expect(view.statusLine).toMatch(
      new RegExp(
        `^Redis\\s+sentinel mymaster · master ${promoted.replace(/\./g, '\\.')} · ready · 1 failover seen, last `,
      ),
    );
  });

  it('writes every key under the {prefix} hash tag, so the same deployment can move to a Cluster', async () => {
    if (run === undefined) throw new Error('the run did not complete');
    await exerciseAdmin(
      run.endpoints,
      [...run.deadAfter.keys()].filter((id) => !id.includes('-r')),
    );
    const keys = await withNodeClient(run.failover.promoted, async (client) => {
      const found: string[] = [];
      let cursor = '0';
      do {
        const [next, batch] = await client.scan(cursor, 'COUNT', 1000);
        cursor = next;
        found.push(...batch);
      } while (cursor !== '0');
      return found;
    });
    expect(keys.length).toBeGreaterThan(1_000);
    expect(keys.filter((key) => keySlot(key) !== keySlot(`{${PREFIX}}`))).toEqual([]);
  });
});
