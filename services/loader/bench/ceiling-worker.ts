/**
 * The loader bench's ceiling: a bare BullMQ worker on the loader's queue, with the loader's Redis
 * connection settings and concurrency, whose processor does nothing. What BullMQ alone costs per
 * job on this Redis and machine; a loader row is a ratio to it, measured in the same run.
 * Started by loader.bench.ts with the loader's env; stops on SIGTERM.
 */
import { QUEUES } from '@wdt-k3/jobs';
import { createRedis, parseConfig, redisEnvSchema, toRedisSettings } from '@wdt-k3/runtime';
import { Worker } from 'bullmq';

const settings = toRedisSettings(parseConfig(redisEnvSchema, process.env));
const connection = createRedis(settings, 'worker', 'ceiling-worker');
const worker = new Worker(QUEUES.orders, async () => ({ status: 'saved' }), {
  connection,
  prefix: settings.queuePrefix,
  concurrency: 100,
});
worker.on('error', (err) => process.stderr.write(`ceiling worker error: ${err.message}\n`));
process.once('SIGTERM', () => {
  void worker.close().then(() => connection.quit().finally(() => process.exit(0)));
});
