import { testLogger, useRedisServer, waitFor } from '@wdt-k3/testkit';
import { type Job, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeadLetterData, JobInput } from '../catalog.ts';
import { createProcessor, enqueue } from '../dispatch.ts';
import { createEventEmitter, type EventEmitter } from '../event-emitter.ts';
import { decodeEvent, eventStreamKey, type OrderEvent } from '../events.ts';
import { closeQueues, openQueues, type PipelineQueues } from '../open-queues.ts';
import { QUEUES } from '../queues.ts';
import { failureError, formatAttemptLog } from './failure.ts';
import { DeadLetterIndex } from './listing.ts';
import { replayDeadLetter } from './replay.ts';
import { findDeadLetter } from './store.ts';
import { copyToDeadLetters, deadLetterJob, reconcileDeadLetters } from './write.ts';

const PREFIX = '{dl}';
const SOURCE = { runId: 'run-1', kind: 'incremental', pageNo: 0, fetchedAt: 1 } as const;

/** How the stand-in processor fails an order (`order.how`): as the loader does, or without a log. */
const K3_REFUSAL = {
  code: 'K3_BILL_REJECTED',
  message: 'customer does not exist',
  retryable: false,
  msgCode: 11,
  fieldErrors: [{ field: 'FCustomerID', message: '客户不存在' }],
};

/**
 * A real BullMQ worker of `orders` whose processor fails every order the loader's way: the
 * attempt log first (unless `order.how` is `no-log`, a lost log write), then the failure as data.
 */
async function failingProcessor(job: Job): Promise<never> {
  const order = (job.data as { order: { how?: string } }).order;
  if (order.how !== 'no-log')
    await job.log(formatAttemptLog({ at: Date.now(), attempt: job.attemptsMade + 1, ...K3_REFUSAL }));
  throw failureError(K3_REFUSAL);
}

describe('dead letters: one home, one identity, one history (real Redis and worker)', () => {
  const server = useRedisServer();
  let redis: Redis;
  let queues: PipelineQueues;
  let events: EventEmitter;
  let worker: Worker;
  const now = () => Date.now();
  const deps = () => ({ queues, events, redis, prefix: PREFIX, now });

  beforeAll(async () => {
    redis = new Redis(server().url, { maxRetriesPerRequest: null });
    queues = openQueues(redis, PREFIX);
    events = createEventEmitter(redis, PREFIX);
    worker = new Worker(QUEUES.orders, failingProcessor, { connection: redis.duplicate(), prefix: PREFIX });
  });
  afterAll(async () => {
    await worker.close();
    await events.close();
    await closeQueues(queues);
    redis.disconnect();
  });

  // The state first, then the job: a job read while still active would lack its failedReason.
  const failedJob = async (jobId: string): Promise<Job> =>
    waitFor(
      async () =>
        (await queues.orders.getJobState(jobId)) === 'failed' ? queues.orders.getJob(jobId) : undefined,
      { description: `${jobId} failed` },
    );

  const orderEvents = async (orderKey: string): Promise<OrderEvent[]> =>
    (await redis.xrange(eventStreamKey(PREFIX), '-', '+')).flatMap(([, flat]) => {
      const fields: Record<string, string> = {};
      for (let i = 0; i < flat.length; i += 2) fields[flat[i] as string] = flat[i + 1] as string;
      const decoded = decodeEvent(fields);
      return decoded.ok && decoded.event.data.orderKey === orderKey ? [decoded.event] : [];
    });

  const fail = async (stockoutId: number, how?: string): Promise<Job> => {
    const order = {
      stockout_id: stockoutId,
      order_no: `CK${stockoutId}`,
      ...(how === undefined ? {} : { how }),
    };
    await enqueue(queues.orders, 'orderLoad', { order, source: SOURCE }, { jobId: `so-${stockoutId}` });
    return failedJob(`so-${stockoutId}`);
  };

  it('writes a replay that fails again back under so-X with one history, and so-X-r1 finds it', async () => {
    await deadLetterJob(queues, await fail(7), now(), events);
    const replayed = await replayDeadLetter(deps(), { id: 'so-7', by: 'ops' });
    expect(replayed).toMatchObject({ id: 'so-7', jobId: 'so-7-r1', deadLetterRemoved: true });
    expect(await queues.failed.getJob('so-7')).toBeUndefined();

    const { id, added } = await deadLetterJob(queues, await failedJob('so-7-r1'), now(), events);
    expect({ id, added }).toEqual({ id: 'so-7', added: true });
    expect(await queues.failed.getJob('so-7-r1')).toBeUndefined();
    expect(await queues.failed.count()).toBe(1);
    const letter = (await findDeadLetter(queues, 'so-7-r1'))?.letter;
    expect(letter).toMatchObject({
      originalJobId: 'so-7',
      lastJobId: 'so-7-r1',
      error: K3_REFUSAL,
      replayCount: 1,
      replays: [{ by: 'ops', jobId: 'so-7-r1', edited: false }],
    });
    expect(letter?.history.map((entry) => [entry.jobId, entry.attempt, entry.code])).toEqual([
      ['so-7', 1, 'K3_BILL_REJECTED'],
      ['so-7-r1', 1, 'K3_BILL_REJECTED'],
    ]);
    expect((await findDeadLetter(queues, 'so-7'))?.id).toBe('so-7');

    // The ledger sees one order throughout: every event under so-7.
    const types = (await orderEvents('so-7')).map((event) => event.type);
    expect(types).toEqual(['order.dead_lettered', 'order.replayed', 'order.dead_lettered']);

    // A second replay carries both earlier runs: the third letter holds three attempts, two replays.
    const again = await replayDeadLetter(deps(), {
      id: 'so-7-r1',
      by: 'lin',
      order: { stockout_id: 7, order_no: 'CK7', remark: 'x' },
    });
    expect(again).toMatchObject({ id: 'so-7', jobId: 'so-7-r2', edited: true });
    await deadLetterJob(queues, await failedJob('so-7-r2'), now(), events);
    const third = (await findDeadLetter(queues, 'so-7'))?.letter;
    expect(third?.history.map((entry) => entry.jobId)).toEqual(['so-7', 'so-7-r1', 'so-7-r2']);
    expect(third?.replays.map((entry) => [entry.by, entry.edited])).toEqual([
      ['ops', false],
      ['lin', true],
    ]);
    expect(third?.replayCount).toBe(2);
  });

  it('a crash between the copy and the removal still ends in exactly one letter (also for a replay)', async () => {
    // The process "dies" after step 1: the letter is written, the job is still failed in orders.
    await copyToDeadLetters(queues, await fail(8), now());
    expect(await queues.orders.getJob('so-8')).toBeDefined();
    expect(await reconcileDeadLetters(queues, testLogger(), now, events)).toBe(1);
    expect(await queues.orders.getJob('so-8')).toBeUndefined();
    const first = (await findDeadLetter(queues, 'so-8'))?.letter;
    expect(first?.history).toHaveLength(1);

    await replayDeadLetter(deps(), { id: 'so-8', by: 'ops' });
    const replay = await failedJob('so-8-r1');
    const copied = await copyToDeadLetters(queues, replay, now());
    expect(copied.added).toBe(true);
    // The sweep runs the steps again: the copy is recognised, not written a second time.
    expect((await copyToDeadLetters(queues, replay, now())).added).toBe(false);
    expect(await reconcileDeadLetters(queues, testLogger(), now, events)).toBe(1);
    const ids = (await queues.failed.getJobs(['wait']))
      .map((job) => job.id)
      .filter((jobId) => jobId?.startsWith('so-8'));
    expect(ids).toEqual(['so-8']);
    const letter = (await findDeadLetter(queues, 'so-8-r1'))?.letter;
    expect(letter?.history.map((entry) => entry.jobId)).toEqual(['so-8', 'so-8-r1']);
    expect(letter?.replayCount).toBe(1);
  });

  it('a replay whose letter could not be removed still ends in one letter with one history', async () => {
    await deadLetterJob(queues, await fail(9), now(), events);
    const before = await queues.failed.getJob('so-9');
    const index = new DeadLetterIndex(queues.failed, redis, (id, data) => ({
      id,
      runs: new Set((data as DeadLetterData).history.map((entry) => entry.jobId)).size,
    }));
    await replayDeadLetter(deps(), { id: 'so-9', by: 'ops' });
    // The letter is back as if its removal after the add had failed (replayDeadLetter answers
    // deadLetterRemoved: false then): the replay's failure must update it, not be dropped.
    await enqueue(queues.failed, 'deadLetter', before?.data as JobInput<'deadLetter'>, { jobId: 'so-9' });
    expect((await index.scan()).filter((summary) => summary.id === 'so-9')).toEqual([
      { id: 'so-9', runs: 1 },
    ]);
    await deadLetterJob(queues, await failedJob('so-9-r1'), now(), events);
    expect(await queues.failed.getJob('so-9-r1')).toBeUndefined();
    const letter = (await findDeadLetter(queues, 'so-9'))?.letter;
    expect(letter?.lastJobId).toBe('so-9-r1');
    expect(letter?.history.map((entry) => entry.jobId)).toEqual(['so-9', 'so-9-r1']);
    expect(letter?.replays.map((entry) => entry.jobId)).toEqual(['so-9-r1']);
    // Rewritten in place (same creation time): the listing's cache reads it again.
    expect((await index.scan()).filter((summary) => summary.id === 'so-9')).toEqual([
      { id: 'so-9', runs: 2 },
    ]);
  });

  it('keeps the newest 100 attempts of a letter replayed many times, and all its replays', async () => {
    await deadLetterJob(queues, await fail(12), now(), events);
    const stored = await queues.failed.getJob('so-12');
    const long = Array.from({ length: 100 }, (_, index) => ({
      at: index + 1,
      attempt: (index % 10) + 1,
      code: 'K3_BILL_REJECTED',
      message: `earlier ${index}`,
      jobId: `so-12-old${Math.floor(index / 10)}`,
    }));
    await stored?.updateData({ ...(stored.data as DeadLetterData), history: long });
    await replayDeadLetter(deps(), { id: 'so-12', by: 'ops' });
    await deadLetterJob(queues, await failedJob('so-12-r1'), now(), events);
    const letter = (await findDeadLetter(queues, 'so-12'))?.letter;
    expect(letter?.history).toHaveLength(100);
    expect(letter?.history[0]?.message).toBe('earlier 1');
    expect(letter?.history.at(-1)).toMatchObject({ jobId: 'so-12-r1', code: 'K3_BILL_REJECTED' });
    expect(letter?.replays.map((entry) => entry.jobId)).toEqual(['so-12-r1']);
  });

  it('a failed job without an attempt log gets its catalogued code from the failure document', async () => {
    const job = await fail(10, 'no-log');
    expect((await queues.orders.getJobLogs('so-10')).logs).toEqual([]);
    await deadLetterJob(queues, job, now(), events);
    const letter = (await findDeadLetter(queues, 'so-10'))?.letter;
    expect(letter?.error).toEqual(K3_REFUSAL);
    expect(letter?.history).toMatchObject([{ jobId: 'so-10', attempt: 1, code: 'K3_BILL_REJECTED' }]);
  });

  it('a payload the catalog refuses (no handler ran, no log) is dead-lettered as JOB_PAYLOAD_INVALID', async () => {
    // Written past `enqueue` (an older producer): the catalog's processor refuses it on dequeue.
    const strict = new Worker(
      QUEUES.orders,
      createProcessor(QUEUES.orders, { orderLoad: async () => undefined }),
      { connection: redis.duplicate(), prefix: `${PREFIX}x` },
    );
    const other = openQueues(redis, `${PREFIX}x`);
    try {
      await other.orders.add('order.load', { order: 'not an object' }, { jobId: 'so-11' });
      const job = await waitFor(
        async () =>
          (await other.orders.getJobState('so-11')) === 'failed' ? other.orders.getJob('so-11') : undefined,
        { description: 'so-11 refused' },
      );
      await deadLetterJob(other, job, now(), events);
      const letter = (await findDeadLetter(other, 'so-11'))?.letter;
      expect(letter?.error).toMatchObject({ code: 'JOB_PAYLOAD_INVALID', retryable: false });
      expect(letter?.error.message).toMatch(/^order\.load: order:/);
      expect(letter?.order).toEqual({ _unreadablePayload: { order: 'not an object' } });
    } finally {
      await strict.close();
      await closeQueues(other);
    }
  });
});
