/**
 * Starts a Sentinel set or a Cluster, prints its pids and data dir as one JSON line, and waits to
 * be killed: the cleanup test kills this process with SIGKILL (no afterAll, no exit handler runs)
 * and checks that nothing it started outlives it.
 */
import { startRedisCluster } from '../src/redis-cluster.ts';
import { startRedisSentinel } from '../src/redis-sentinel.ts';

const kind = process.argv[2];
const fixture = kind === 'cluster' ? await startRedisCluster() : await startRedisSentinel();
process.stdout.write(`${JSON.stringify({ pids: fixture.pids(), dir: fixture.dir })}\n`);
setInterval(() => undefined, 60_000);
