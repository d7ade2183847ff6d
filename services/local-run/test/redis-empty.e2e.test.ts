import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openQueues } from '@wdt-k3/jobs';
import { createRedis, parseConfig, redisEnvSchema, toRedisSettings } from '@wdt-k3/runtime';
import { createDataset } from '@wdt-k3/sim-data';
import { usePostgresServer, useRedisServer, waitFor } from '@wdt-k3/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { Fleet } from '../src/fleet.ts';
import { parseOptions } from '../src/options.ts';
import { k3BillNumbers, reconcile } from '../src/reconcile.ts';
import { startServices } from '../src/services.ts';

/**
 * Found from outside: after Redis came back empty (data lost) nothing was extracted, logged or
 * alerted — 11,806 orders neither in K3 nor dead-lettered — until the extractor was restarted by
 * hand. The whole pipeline as real processes; Redis wiped mid-run; every order must end in K3
 * once or in the dead-letter queue again, by itself.
 */
describe('the pipeline when Redis comes back empty mid-run', () => {
  const redis = useRedisServer();
  const postgres = usePostgresServer();
  const runDir = mkdtempSync(join(tmpdir(), 'wdtk3-empty-'));
  const fleet = new Fleet(runDir);
  afterAll(async () => {
    await fleet.stop(['extractor', 'loader', 'admin', 'ledger'], 10_000);
    rmSync(runDir, { recursive: true, force: true });
  });

  it('heals: every order of the dataset in K3 exactly once or dead-lettered with a code', async () => {
    const options = parseOptions(['--orders', '3000', '--invalid-rate', '0.02', '--loaders', '2'], {});
    const toMs = Math.floor((Date.now() - 5 * 60_000) / 60_000) * 60_000;
    const window = { fromMs: toMs - 86_400_000, toMs };
    const prefix = 'empty';
    const endpoints = await startServices(
      fleet,
      options,
      redis().url,
      prefix,
      runDir,
      window,
      await postgres().createDatabase('redis_empty'),
    );
    const dataset = createDataset({
      seed: options.seed,
      count: options.orders,
      fromMs: window.fromMs,
      toMs: window.toMs,
      shape: { unknownMaterialRate: 0.01, missingCustomerRate: 0.01 },
    });
    await waitFor(async () => (await k3BillNumbers(endpoints.k3Url)).size >= 1000, {
      timeoutMs: 120_000,
      description: 'a third of the orders in K3',
    });

    await redis().restartEmpty();

    const producer = createRedis(
      toRedisSettings(parseConfig(redisEnvSchema, { REDIS_URL: redis().url, REDIS_PREFIX: prefix })),
      'producer',
      'redis-empty-test',
    );
    const queues = openQueues(producer, `{${prefix}}`);
    try {
      const summary = await waitFor(
        async () => {
          const current = await reconcile(dataset, endpoints.k3Url, queues, 0);
          return current.missing === 0 && current.inK3 + current.deadLettered === dataset.count
            ? current
            : undefined;
        },
        { timeoutMs: 150_000, intervalMs: 1_000, description: 'every order in K3 once or dead-lettered' },
      );
      expect(summary).toMatchObject({ duplicated: 0, inBoth: 0, unexplainedBills: 0, missing: 0 });
      expect(summary.deadLettered).toBeGreaterThan(0);
      expect(Object.keys(summary.deadLetteredByCode).every((code) => /^(MAP|K3)_/.test(code))).toBe(true);
      const extractor = fleet.members.find((member) => member.name === 'extractor');
      expect(extractor?.proc.lines.some((line) => line.includes('redis lost its data'))).toBe(true);
    } finally {
      await Promise.allSettled(Object.values(queues).map((queue) => queue.close()));
      producer.disconnect();
    }
  });
});
