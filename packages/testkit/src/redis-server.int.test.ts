import { Queue, Worker } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { useRedisServer } from './vitest-redis.ts';
import { waitFor } from './wait-for.ts';

describe('the real-Redis fixture', () => {
  const redis = useRedisServer();

  it('round-trips a BullMQ job, and a job enqueued before a kill -9 of Redis survives it', async () => {
    const connection = { url: redis().url };
    const queue = new Queue('roundtrip', { connection });
    queue.on('error', () => undefined);
    await queue.add('echo', { order: 'CK001' }, { jobId: 'CK001' });

    await redis().kill();
    expect(redis().running).toBe(false);
    await redis().start();

    const seen: unknown[] = [];
    const worker = new Worker(
      'roundtrip',
      async (job) => {
        seen.push(job.data);
        return { saved: job.id };
      },
      { connection: { ...connection, maxRetriesPerRequest: null } },
    );
    worker.on('error', () => undefined);
    try {
      await waitFor(async () => (await queue.getJobCounts('completed')).completed === 1, {
        description: 'the job to complete',
      });
      expect(seen).toEqual([{ order: 'CK001' }]);
      const job = await queue.getJob('CK001');
      expect(job?.returnvalue).toEqual({ saved: 'CK001' });
    } finally {
      await worker.close();
      await queue.close();
    }
  });

  it('gives each test file its own server on its own port', () => {
    expect(redis().url).toMatch(/^redis:\/\/127\.0\.0\.1:\d+$/);
    expect(redis().port).not.toBe(6379);
  });
});
