import { useRedisServer, waitFor } from '@wdt-k3/testkit';
import { Queue, Worker } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeFailureReason } from './dead-letters/failure.ts';
import { createProcessor, enqueue, enqueueBulk } from './dispatch.ts';
import { QUEUES } from './queues.ts';

const source = { runId: 'run-1', kind: 'incremental', pageNo: 0, fetchedAt: 1 } as const;

describe('enqueue and createProcessor on a real Redis', () => {
  const redis = useRedisServer();
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    while (closers.length > 0) await closers.pop()?.();
  });
  const openOrders = (prefix: string) => {
    const queue = new Queue(QUEUES.orders, { connection: { url: redis().url }, prefix });
    closers.push(() => queue.close());
    return queue;
  };

  it('adds with the catalog policy, ignores a second add of the same id, and refuses bad payloads before Redis', async () => {
    const queue = openOrders('{t1}');
    const first = await enqueue(queue, 'orderLoad', { order: { stockout_id: 1 }, source }, { jobId: 'so-1' });
    expect(first.opts.attempts).toBe(10);
    await enqueue(
      queue,
      'orderLoad',
      { order: { stockout_id: 1, changed: true }, source },
      { jobId: 'so-1' },
    );
    await enqueueBulk(queue, 'orderLoad', [
      { data: { order: { stockout_id: 1 }, source }, options: { jobId: 'so-1' } },
      { data: { order: { stockout_id: 2 }, source }, options: { jobId: 'so-2' } },
    ]);
    expect(await queue.count()).toBe(2);
    expect((await queue.getJob('so-1'))?.data.order).toEqual({ stockout_id: 1 });
    await expect(enqueue(queue, 'orderLoad', { order: 'nope' } as never)).rejects.toMatchObject({
      code: 'JOB_PAYLOAD_INVALID',
    });
    await expect(enqueue(queue, 'syncTick', {})).rejects.toMatchObject({ code: 'JOB_UNKNOWN' });
    expect(await queue.count()).toBe(2);
  });

  it('fails a job whose payload breaks the schema at once, without burning its attempts, and runs valid ones', async () => {
    const queue = openOrders('{t2}');
    const handled: string[] = [];
    const worker = new Worker(
      QUEUES.orders,
      createProcessor(QUEUES.orders, {
        orderLoad: async (job) => {
          handled.push(String(job.data.order.stockout_id));
        },
      }),
      { connection: { url: redis().url, maxRetriesPerRequest: null }, prefix: '{t2}' },
    );
    closers.push(() => worker.close());
    // Written around the catalog, as an old producer or a hand-edited job would.
    await queue.add('order.load', { order: 'garbage' }, { jobId: 'bad', attempts: 10 });
    await queue.add('order.unknown', { x: 1 }, { jobId: 'unknown', attempts: 10 });
    await enqueue(queue, 'orderLoad', { order: { stockout_id: 3 }, source }, { jobId: 'so-3' });
    await waitFor(async () => (await queue.getJobCounts('failed', 'completed')).failed === 2, {
      description: 'two failed jobs',
    });
    const bad = await queue.getJob('bad');
    expect(bad?.attemptsMade).toBe(1);
    // The failure travels as data: BullMQ's failedReason is the failure document.
    expect(decodeFailureReason(bad?.failedReason)).toMatchObject({
      code: 'JOB_PAYLOAD_INVALID',
      retryable: false,
      message: expect.stringMatching(/^order\.load: order:/),
    });
    expect(decodeFailureReason((await queue.getJob('unknown'))?.failedReason)?.code).toBe('JOB_UNKNOWN');
    await waitFor(async () => (await queue.getJobCounts('completed')).completed === 1, {
      description: 'the valid job',
    });
    expect(handled).toEqual(['3']);
  });
});
