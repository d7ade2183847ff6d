import { keySlot } from '@wdt-k3/runtime';
import { usePostgresServer, useRedisCluster, waitFor } from '@wdt-k3/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { createRunContext, type FailoverRun, formatFailoverReport, runWithFailover } from './failover-run.ts';
import { exerciseAdmin, operatorView } from './operator.ts';

const PREFIX = 'ha';

/**
 * The whole pipeline (extractor, two loaders, admin) on a Redis Cluster of three masters with a
 * replica each, through the documented settings (REDIS_MODE=cluster, REDIS_CLUSTER_NODES, a
 * password in REDIS_URL); kill -9 of the master holding the pipeline's slot while orders flow; its
 * replica takes over; every order must end in K3 once or dead-lettered, and every key the run
 * wrote must lie in the prefix's slot.
 */
describe('the pipeline on Redis Cluster, with a failover mid-run', () => {
  const cluster = useRedisCluster({ tls: true, password: 'data-secret' });
  const postgres = usePostgresServer();
  const context = createRunContext('cluster');
  afterAll(() => context.stop());
  let run: FailoverRun | undefined;

  it('accounts for every order: 0 missing, 0 duplicated, dead letters keep their codes', async () => {
    const slot = await cluster().keySlot(`{${PREFIX}}`);
    run = await runWithFailover(context, {
      label: 'cluster',
      redisEnv: cluster().env,
      prefix: PREFIX,
      databaseUrl: await postgres().createDatabase('cluster_failover'),
      orders: 5_000,
      failAfterBills: 1_500,
      failover: () => cluster().failover(slot),
      afterFailover: (result) => result.killed.start(),
    });
    process.stdout.write(`${formatFailoverReport('cluster', run)}\n`);

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
      mode: 'cluster',
      slot: keySlot(`{${PREFIX}}`),
      master: promoted,
      status: 'ready',
    });
    expect(view.health?.failoversSeen).toBe(1);
    expect(view.statusLine).toMatch(
      new RegExp(
        `^Redis\\s+cluster \\(slot \\d+\\) · master ${promoted.replace(/\./g, '\\.')} · ready · 1 failover seen, last `,
      ),
    );
  });

  it('writes every key of the run, BullMQ and ours, in the one slot of {prefix}', async () => {
    if (run === undefined) throw new Error('the run did not complete');
    // The admin's own keys (audit stream, replay sequence, dead-letter locks) come from actions.
    await exerciseAdmin(
      run.endpoints,
      [...run.deadAfter.keys()].filter((id) => !id.includes('-r')),
    );
    const slot = keySlot(`{${PREFIX}}`);
    // Every key of every master, read while the replayed order may still be written: taken
    // when a scan of all masters and CLUSTER COUNTKEYSINSLOT agree, which they never would if a
    // key lay outside the slot.
    const keys = await waitFor(
      async () => {
        const scanned = await cluster().keys();
        return (await cluster().countKeysInSlot(slot)) === scanned.length ? scanned : undefined;
      },
      {
        timeoutMs: 30_000,
        intervalMs: 500,
        description: 'every key of every master to be in the slot of {ha}',
      },
    );
    const slots = await cluster().keySlots(keys.map((item) => item.key));
    expect(keys.filter((_item, index) => slots[index] !== slot)).toEqual([]);
    expect(new Set(keys.map((item) => item.node))).toEqual(new Set([run.failover.promoted.name]));

    // `{ha}:extractor:watermark` → extractor:watermark; `{ha}:orders:so-1` → the queue `orders`.
    const familyOf = (key: string): string => {
      const [, first = '', second = ''] = key.split(':');
      return ['extractor', 'admin', 'loader'].includes(first) ? `${first}:${second}` : `queue ${first}`;
    };
    const counts = new Map<string, number>();
    for (const { key } of keys) counts.set(familyOf(key), (counts.get(familyOf(key)) ?? 0) + 1);
    const families = new Set(counts.keys());
    process.stdout.write(
      `[cluster] ${keys.length} keys, all in slot ${slot}: ${[...counts]
        .sort()
        .map(([family, n]) => `${family} ${n}`)
        .join(', ')}\n`,
    );
    // The product's own keys outside BullMQ must be among them, or this check proves nothing.
    for (const family of [
      'extractor:watermark',
      'extractor:epoch',
      'extractor:status',
      'admin:audit',
      'admin:replay-seq',
      'loader:cache',
    ])
      expect(families).toContain(family);
  });
});
