import { existsSync } from 'node:fs';
import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RedisClusterHandle, startRedisCluster } from './redis-cluster.ts';
import { parseInfo, processAlive, withNodeClient } from './redis-node.ts';

describe('the Cluster fixture', () => {
  let cluster: RedisClusterHandle;
  beforeAll(async () => {
    cluster = await startRedisCluster({ password: 'node-secret' });
  }, 60_000);
  afterAll(async () => {
    await cluster?.dispose();
  });

  it('has three masters with a replica each, all slots served', async () => {
    const view = await cluster.view();
    const masters = view.filter((node) => node.flags.includes('master'));
    const replicas = view.filter((node) => node.flags.includes('slave'));
    expect(masters).toHaveLength(3);
    expect(replicas).toHaveLength(3);
    expect(new Set(replicas.map((node) => node.masterId))).toEqual(new Set(masters.map((node) => node.id)));
    const served = masters.flatMap((node) => node.slots).reduce((sum, [from, to]) => sum + to - from + 1, 0);
    expect(served).toBe(16384);
  });

  it('fails over on a kill -9 of the master of a slot, keeps replicated writes, and takes the old master back as a replica', async () => {
    const slot = await cluster.keySlot('{probe}');
    const client = new Cluster(
      cluster.nodes.map((node) => ({ host: node.host, port: node.port })),
      { redisOptions: { password: 'node-secret' } },
    );
    client.on('error', () => undefined);
    try {
      await client.set('{probe}:before', 'kill');
      const master = await cluster.masterOf(slot);
      // Replicated before the kill: WAIT on the slot's master returns once its replica has it.
      expect(await withNodeClient(master, (node) => node.wait(1, 5_000))).toBe(1);

      const { killed, promoted } = await cluster.failover(slot);
      expect(killed).toBe(master);
      expect(killed.running).toBe(false);
      expect(promoted).not.toBe(killed);
      expect(await client.get('{probe}:before')).toBe('kill');
      await client.set('{probe}:after', 'failover');

      await killed.start();
      await cluster.waitForReplica(killed);
      const info = await withNodeClient(killed, async (node) => parseInfo(await node.info('replication')));
      expect(info).toMatchObject({ role: 'slave', master_port: String(promoted.port) });
      await cluster.waitForHealthy();
      expect(await cluster.masterOf(slot)).toBe(promoted);
      const keys = await cluster.keys();
      expect(keys.filter((item) => item.key.startsWith('{probe}')).map((item) => item.node)).toEqual([
        promoted.name,
        promoted.name,
      ]);
    } finally {
      client.disconnect();
    }
  });

  it('leaves no process and no data dir behind', async () => {
    expect(existsSync(cluster.dir)).toBe(true);
    const pids = cluster.pids();
    expect(pids.filter(processAlive).length).toBe(6);
    await cluster.dispose();
    expect(pids.filter(processAlive)).toEqual([]);
    expect(cluster.nodes.every((node) => !node.running)).toBe(true);
    expect(existsSync(cluster.dir)).toBe(false);
  });
});
