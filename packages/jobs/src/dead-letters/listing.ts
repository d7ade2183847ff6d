import type { RedisConnection } from '@wdt-k3/runtime';
import type { Queue } from 'bullmq';

const ID_CHUNK = 5_000;
const STAMP_CHUNK = 1_000;
const FETCH_CHUNK = 200;

/** A listing's view of one letter, built from its id, stored data and creation time. */
export type SummarizeDeadLetter<S> = (id: string, data: unknown, createdAt: number) => S;

/**
 * The dead-letter queue has no secondary index (letters are plain BullMQ jobs), so every
 * listing, bulk replay and metrics scrape scans it. Cost per scan: the job ids (LRANGE in chunks
 * of 5,000, ~20 bytes each) and one HGET of `timestamp` and one HSTRLEN of `data` per job
 * (pipelined, chunks of 1,000); only jobs not seen before, or rewritten since, are read in full
 * (~5-10 KB each, chunks of 200). Summaries are cached by id, creation time and data length, so a DLQ of 50,000 costs ~1 MB of ids and stamps per scan once warm,
 * and ~15 MB of memory here; the first scan after start-up reads every job once.
 */
export class DeadLetterIndex<S> {
  readonly #queue: Queue;
  readonly #redis: RedisConnection;
  readonly #summarize: SummarizeDeadLetter<S>;
  readonly #cache = new Map<string, { stamp: string; summary: S }>();

  constructor(queue: Queue, redis: RedisConnection, summarize: SummarizeDeadLetter<S>) {
    this.#queue = queue;
    this.#redis = redis;
    this.#summarize = summarize;
  }

  /** Every dead letter now in the queue, unordered. */
  async scan(): Promise<S[]> {
    const ids = await this.#readIds();
    const stamps = await this.#readStamps(ids);
    const missing = new Map<string, string>();
    ids.forEach((id, index) => {
      const stamp = stamps[index];
      if (stamp !== null && stamp !== undefined && this.#cache.get(id)?.stamp !== stamp)
        missing.set(id, stamp);
    });
    await this.#load(missing);
    const present = new Set<string>();
    const summaries: S[] = [];
    ids.forEach((id, index) => {
      const cached = this.#cache.get(id);
      // A null stamp: removed between LRANGE and HGET (replayed or discarded meanwhile).
      if (cached === undefined || stamps[index] === null) return;
      present.add(id);
      summaries.push(cached.summary);
    });
    for (const id of this.#cache.keys()) if (!present.has(id)) this.#cache.delete(id);
    return summaries;
  }

  /** Forget one id at once (after a replay or discard), so the next scan does not serve it. */
  forget(id: string): void {
    this.#cache.delete(id);
  }

  async #readIds(): Promise<string[]> {
    const seen = new Set<string>();
    for (let start = 0; ; start += ID_CHUNK) {
      // Oldest first; reading from the tail keeps positions stable while new letters are pushed.
      const chunk = await this.#queue.getRanges(['wait'], start, start + ID_CHUNK - 1, true);
      for (const id of chunk) seen.add(id);
      if (chunk.length < ID_CHUNK) return [...seen];
    }
  }

  /**
   * Per letter its creation time and the length of its data: a letter rewritten in place (a
   * replay that failed again while the letter was still there, `copyToDeadLetters`) keeps its
   * creation time but grows by its new attempts, so it is read again.
   */
  async #readStamps(ids: readonly string[]): Promise<Array<string | null>> {
    const stamps: Array<string | null> = [];
    for (let start = 0; start < ids.length; start += STAMP_CHUNK) {
      const pipeline = this.#redis.pipeline();
      for (const id of ids.slice(start, start + STAMP_CHUNK)) {
        pipeline.hget(this.#queue.toKey(id), 'timestamp');
        pipeline.hstrlen(this.#queue.toKey(id), 'data');
      }
      const replies = (await pipeline.exec()) ?? [];
      for (let index = 0; index < replies.length; index += 2) {
        const [stampErr, created] = replies[index] ?? [null, null];
        const [sizeErr, size] = replies[index + 1] ?? [null, null];
        if (stampErr !== null) throw stampErr;
        if (sizeErr !== null) throw sizeErr;
        stamps.push(typeof created === 'string' ? `${created}:${String(size)}` : null);
      }
    }
    return stamps;
  }

  async #load(stamps: ReadonlyMap<string, string>): Promise<void> {
    const ids = [...stamps.keys()];
    for (let start = 0; start < ids.length; start += FETCH_CHUNK) {
      const jobs = await Promise.all(
        ids.slice(start, start + FETCH_CHUNK).map((id) => this.#queue.getJob(id)),
      );
      for (const job of jobs) {
        if (job?.id === undefined) continue;
        // The stamp read before the job: a rewrite in between is read again by the next scan.
        this.#cache.set(job.id, {
          stamp: stamps.get(job.id) ?? '',
          summary: this.#summarize(job.id, job.data, job.timestamp),
        });
      }
    }
  }
}
