import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { startProcess } from './process.ts';
import { startRedisCluster } from './redis-cluster.ts';
import { processAlive } from './redis-node.ts';
import { startRedisSentinel } from './redis-sentinel.ts';
import { waitFor } from './wait-for.ts';

const HOLD = fileURLToPath(new URL('../test/hold-fixture.ts', import.meta.url));

/**
 * A test process killed outright (a crashed or timed-out vitest worker) runs no afterAll: its
 * redis-servers must still die with it, and its data dirs must not pile up in /dev/shm.
 */
describe.each(['sentinel', 'cluster'] as const)('a %s fixture whose test process is killed -9', (kind) => {
  it('leaves no redis process running, and the next fixture removes its data dir', async () => {
    const holder = startProcess(process.execPath, [HOLD, kind], { name: `hold-${kind}` });
    const line = await holder.waitForLine(/^\{"pids"/, 60_000);
    const { pids, dir } = JSON.parse(line) as { pids: number[]; dir: string };
    expect(pids.length).toBe(kind === 'cluster' ? 6 : 5);
    expect(pids.every(processAlive)).toBe(true);

    holder.signal('SIGKILL');
    await holder.exited;
    await waitFor(() => pids.every((pid) => !processAlive(pid)), {
      timeoutMs: 10_000,
      description: 'every redis process of the killed test process to be gone',
    });
    expect(existsSync(dir)).toBe(true);

    const next = kind === 'cluster' ? await startRedisCluster() : await startRedisSentinel();
    try {
      expect(existsSync(dir)).toBe(false);
    } finally {
      await next.dispose();
    }
  });
});
