import { createProcessor, enqueue, failureError, QUEUES } from '@wdt-k3/jobs';
import { useRedisServer, waitFor } from '@wdt-k3/testkit';
import { UnrecoverableError, Worker } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import {
  dataset,
  enqueueOrders,
  type K3Sim,
  loaderEnv,
  openTestQueues,
  ordersOf,
  SOURCE,
  startInProcessLoader,
  startK3Sim,
} from './harness.ts';

describe('loader under K3 faults and crashes', () => {
  const redis = useRedisServer();
  const cleanups: Array<() => Promise<unknown> | unknown> = [];
  afterEach(async () => {
    while (cleanups.length > 0) await cleanups.pop()?.();
  });

  async function start(
    sim: K3Sim,
    overrides: Record<string, string>,
    env = loaderEnv(redis().url, sim, overrides),
  ) {
    const started = await startInProcessLoader(env);
    cleanups.push(() => started.stop());
    return { loader: started.loader, registry: started.registry, env };
  }

  it('keeps every order exactly once while 20% of K3 calls fail (5xx, hangs, dropped responses, lost sessions)', async () => {
    const data = dataset(21, 400);
    const k3 = await startK3Sim([data]);
    cleanups.push(() => k3.close());
    const { env, registry } = await start(k3, {
      K3_AUTH_KIND: 'appSecret',
      K3_REQUEST_TIMEOUT_MS: '1000',
      // Bills of a batch that got a 5xx and were not found keep their claim until it expires.
      LOADER_CLAIM_TTL_MS: '3000',
      LOADER_BATCH_SIZE: '5',
    });
    const { queues, redis: testRedis } = openTestQueues(env);
    cleanups.push(async () => {
      await Promise.allSettled(Object.values(queues).map((queue) => queue.close()));
      testRedis.disconnect();
    });
    await k3.faults({
      seed: 7,
      http5xx: { rate: 0.05, services: ['BatchSave', 'ExecuteBillQuery'] },
      hang: { rate: 0.05, afterCommit: true, services: ['BatchSave'] },
      dropAfterCommit: { rate: 0.05, services: ['BatchSave'] },
      responseError: { rate: 0.05, services: ['BatchSave'] },
    });
    const orders = ordersOf(data);
    await enqueueOrders(queues, orders, { attempts: 20, backoff: { type: 'fixed', delay: 20 } });
    // Sessions are thrown away twice mid-run; the client logs in again.
    for (const share of [0.25, 0.6]) {
      await waitFor(
        async () => ((await queues.orders.getJobCounts('completed')).completed ?? 0) >= orders.length * share,
        {
          timeoutMs: 120_000,
          description: `${share * 100}% of the orders`,
        },
      );
      await k3.faults({
        expireSessions: true,
        seed: 8,
        dropAfterCommit: { rate: 0.06, services: ['BatchSave'] },
      });
    }
    await waitFor(
      async () => ((await queues.orders.getJobCounts('completed')).completed ?? 0) === orders.length,
      {
        timeoutMs: 180_000,
        description: 'every order completed',
      },
    );
    const bills = await k3.bills();
    expect(bills).toHaveLength(orders.length);
    expect(new Set(bills.map((bill) => bill.FBillNo)).size).toBe(orders.length);
    expect(await queues.failed.count()).toBe(0);
    const failures = await registry.getSingleMetricAsString('loader_attempts_failed_total');
    // The faults are visible in metrics, by code.
    expect(failures).toMatch(/code="K3_(HTTP_ERROR|SERVER_EXCEPTION|TIMEOUT|NETWORK)"/);
    const already = await registry.getSingleMetricAsString('loader_bills_already_saved_total');
    expect(Number(/ (\d+)$/m.exec(already)?.[1])).toBeGreaterThan(0);
  });

  it('recovers a dead letter lost between the failure and the copy (start-up reconcile)', async () => {
    const data = dataset(22, 5);
    const k3 = await startK3Sim([data]);
    cleanups.push(() => k3.close());
    const env = loaderEnv(redis().url, k3);
    const { queues, redis: testRedis } = openTestQueues(env);
    cleanups.push(async () => {
      await Promise.allSettled(Object.values(queues).map((queue) => queue.close()));
      testRedis.disconnect();
    });
    // A loader that fails the job for good and "crashes" before copying it: a bare worker.
    const crashing = new Worker(
      QUEUES.orders,
      createProcessor(QUEUES.orders, {
        orderLoad: async (job) => {
          await job.log(
            JSON.stringify({
              at: 1,
              attempt: 1,
              code: 'K3_BILL_REJECTED',
              message: 'boom',
              retryable: false,
              msgCode: 11,
              fieldErrors: [{ field: 'FStockID', message: 'x' }],
            }),
          );
          throw new UnrecoverableError('K3_BILL_REJECTED: boom');
        },
      }),
      { connection: { url: redis().url, maxRetriesPerRequest: null }, prefix: `{${env.REDIS_PREFIX}}` },
    );
    await enqueue(
      queues.orders,
      'orderLoad',
      { order: data.orderAt(0), source: SOURCE },
      { jobId: 'so-lost' },
    );
    await waitFor(async () => (await queues.orders.getJobCounts('failed')).failed === 1, {
      description: 'the failure',
    });
    await crashing.close();
    expect(await queues.failed.count()).toBe(0);

    await start(k3, {}, env);
    const letter = await queues.failed.getJob('so-lost');
    expect(letter?.data).toMatchObject({
      originalJobId: 'so-lost',
      order: data.orderAt(0),
      error: {
        code: 'K3_BILL_REJECTED',
        message: 'boom',
        msgCode: 11,
        fieldErrors: [{ field: 'FStockID', message: 'x' }],
      },
      attemptsMade: 1,
    });
    expect(await queues.orders.getJob('so-lost')).toBeUndefined();
  });

  it('gives a job that failed without an attempt log (the write lost) its catalogued code, no regex', async () => {
    const data = dataset(24, 5);
    const k3 = await startK3Sim([data]);
    cleanups.push(() => k3.close());
    const env = loaderEnv(redis().url, k3);
    const { queues, redis: testRedis } = openTestQueues(env);
    cleanups.push(async () => {
      await Promise.allSettled(Object.values(queues).map((queue) => queue.close()));
      testRedis.disconnect();
    });
    // A loader whose log write was lost, failing the job the loader's way (the failure as data),
    // then "crashing" before the copy.
    const crashing = new Worker(
      QUEUES.orders,
      createProcessor(QUEUES.orders, {
        orderLoad: async () => {
          throw failureError({
            code: 'K3_BASEDATA_MISSING',
            message: 'customer tb_x does not exist',
            retryable: false,
            msgCode: 3,
            fieldErrors: [{ field: 'FCustomerID', message: '客户不存在' }],
          });
        },
      }),
      { connection: { url: redis().url, maxRetriesPerRequest: null }, prefix: `{${env.REDIS_PREFIX}}` },
    );
    await enqueue(
      queues.orders,
      'orderLoad',
      { order: data.orderAt(1), source: SOURCE },
      { jobId: 'so-nolog' },
    );
    await waitFor(async () => (await queues.orders.getJobCounts('failed')).failed === 1, {
      description: 'the failure',
    });
    await crashing.close();
    expect((await queues.orders.getJobLogs('so-nolog')).logs).toEqual([]);

    await start(k3, {}, env);
    const letter = await queues.failed.getJob('so-nolog');
    expect(letter?.data).toMatchObject({
      error: {
        code: 'K3_BASEDATA_MISSING',
        message: 'customer tb_x does not exist',
        msgCode: 3,
        fieldErrors: [{ field: 'FCustomerID', message: '客户不存在' }],
      },
      history: [{ jobId: 'so-nolog', attempt: 1, code: 'K3_BASEDATA_MISSING' }],
    });
    expect(await queues.orders.getJob('so-nolog')).toBeUndefined();
  });

  it('drains on shutdown: jobs in the batch are saved, not abandoned', async () => {
    const data = dataset(23, 60);
    const k3 = await startK3Sim([data]);
    cleanups.push(() => k3.close());
    // A long batch wait: without the flush at shutdown these jobs would sit until the bound.
    const { loader, env } = await start(k3, { LOADER_BATCH_WAIT_MS: '60000', LOADER_BATCH_SIZE: '1000' });
    const { queues, redis: testRedis } = openTestQueues(env);
    cleanups.push(async () => {
      await Promise.allSettled(Object.values(queues).map((queue) => queue.close()));
      testRedis.disconnect();
    });
    await enqueueOrders(queues, ordersOf(data));
    await waitFor(async () => ((await queues.orders.getJobCounts('active')).active ?? 0) === 60, {
      description: 'all jobs active',
    });
    await loader.stopIntake();
    expect((await queues.orders.getJobCounts('completed')).completed).toBe(60);
    expect(await k3.bills()).toHaveLength(60);
  });
});
