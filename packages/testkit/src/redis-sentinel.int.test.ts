import { existsSync } from 'node:fs';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseInfo, processAlive, withNodeClient } from './redis-node.ts';
import { type RedisSentinelHandle, startRedisSentinel } from './redis-sentinel.ts';
import { waitFor } from './wait-for.ts';

describe('the Sentinel fixture', () => {
  let set: RedisSentinelHandle;
  beforeAll(async () => {
    set = await startRedisSentinel({ password: 'node-secret', sentinelPassword: 'sentinel-secret' });
  }, 60_000);
  afterAll(async () => {
    await set?.dispose();
  });

  it('fails over on a kill -9 of the master, keeps replicated writes, and takes the old master back as a replica', async () => {
    const first = await set.masterNode();
    expect(first.name).toBe('node-0');
    const client = new Redis({
      sentinels: set.sentinels.map((node) => ({ host: node.host, port: node.port })),
      name: set.name,
      password: 'node-secret',
      sentinelPassword: 'sentinel-secret',
    });
    client.on('error', () => undefined);
    try {
      await client.set('before', 'kill');
      // Replicated before the kill: WAIT returns once one replica acknowledged it.
      expect(await client.wait(1, 5_000)).toBe(1);

      const { killed, promoted } = await set.failover();
      expect(killed.name).toBe('node-0');
      expect(killed.running).toBe(false);
      expect(promoted.name).toBe('node-1');
      expect(await client.get('before')).toBe('kill');
      await client.set('after', 'failover');

      await killed.start();
      await set.waitForReplica(killed);
      const info = await withNodeClient(killed, async (node) => parseInfo(await node.info('replication')));
      expect(info).toMatchObject({ role: 'slave', master_port: String(promoted.port) });
      await waitFor(() => withNodeClient(killed, async (node) => (await node.get('after')) === 'failover'), {
        description: 'the old master to receive writes made after the failover',
      });
    } finally {
      client.disconnect();
    }
  });

  it('leaves no process and no data dir behind', async () => {
    expect(existsSync(set.dir)).toBe(true);
    const pids = set.pids();
    expect(pids.length).toBeGreaterThanOrEqual(5);
    const alive = pids.filter(processAlive);
    expect(alive.length).toBeGreaterThanOrEqual(5);
    await set.dispose();
    expect(pids.filter(processAlive)).toEqual([]);
    expect([...set.nodes, ...set.sentinels].every((node) => !node.running)).toBe(true);
    expect(existsSync(set.dir)).toBe(false);
  });
});
