import { blockingNumbers, deadLetterSchema } from '@wdt-k3/jobs';
import type { RedisConnection } from '@wdt-k3/runtime';
import type { Queue } from 'bullmq';
import type { BlockingCount, DeadLetterGroup } from './types.ts';

interface Letter {
  readonly createdAt: number;
  readonly code: string;
  readonly failedAt: number;
  readonly orderNo: string | null;
  readonly message: string;
  readonly blocking: ReadonlyArray<{ readonly kind: string; readonly number: string }>;
}

const ID_CHUNK = 5_000;
const READ_CHUNK = 200;
/** The code of a letter whose data does not match the catalog (the admin API shows the same). */
const UNREADABLE = 'JOB_PAYLOAD_INVALID';

const text = (value: unknown): string | null =>
  typeof value === 'string' && value.trim() !== ''
    ? value.trim()
    : typeof value === 'number'
      ? String(value)
      : null;

function readLetter(raw: string | null, createdAt: number): Letter {
  let data: unknown = null;
  try {
    data = raw === null ? null : JSON.parse(raw);
  } catch {
    // unreadable JSON: counted under UNREADABLE
  }
  const parsed = deadLetterSchema.safeParse(data);
  if (!parsed.success)
    return { createdAt, code: UNREADABLE, failedAt: createdAt, orderNo: null, message: '', blocking: [] };
  const letter = parsed.data;
  return {
    createdAt,
    code: letter.error.code,
    failedAt: letter.failedAt,
    orderNo: text(letter.order.order_no),
    message: letter.error.message.slice(0, 200),
    blocking: blockingNumbers(letter.order, letter.error.fieldErrors),
  };
}

/**
 * The dead-letter queue grouped by code, from Redis: the DLQ is where dead letters live (the
 * ledger may lag or be absent), and each letter keeps the WDT order and K3's field errors from
 * which the base-data numbers are read with the same `blockingNumbers` the ledger's row uses.
 * Letters are read once and cached by id and creation time: a scan of a warm cache costs the ids
 * (LRANGE in chunks) and one HGET of `timestamp` per letter, pipelined.
 */
export class DeadLetterScanner {
  readonly #queue: Queue;
  readonly #redis: RedisConnection;
  readonly #cache = new Map<string, Letter>();

  constructor(queue: Queue, redis: RedisConnection) {
    this.#queue = queue;
    this.#redis = redis;
  }

  async groups(): Promise<{ groups: DeadLetterGroup[]; total: number }> {
    const ids = await this.#ids();
    const stamps = await this.#stamps(ids);
    const stale = ids.filter(
      (id, index) => stamps[index] !== null && this.#cache.get(id)?.createdAt !== stamps[index],
    );
    await this.#load(stale, new Map(ids.map((id, index) => [id, stamps[index] ?? 0])));
    const present = new Set<string>();
    const letters: Letter[] = [];
    ids.forEach((id, index) => {
      const letter = this.#cache.get(id);
      if (letter === undefined || stamps[index] === null) return;
      present.add(id);
      letters.push(letter);
    });
    for (const id of this.#cache.keys()) if (!present.has(id)) this.#cache.delete(id);
    return { groups: group(letters), total: letters.length };
  }

  async #ids(): Promise<string[]> {
    const seen = new Set<string>();
    for (let start = 0; ; start += ID_CHUNK) {
      const chunk = await this.#queue.getRanges(['wait'], start, start + ID_CHUNK - 1, true);
      for (const id of chunk) seen.add(id);
      if (chunk.length < ID_CHUNK) return [...seen];
    }
  }

  async #stamps(ids: readonly string[]): Promise<Array<number | null>> {
    const stamps: Array<number | null> = [];
    for (let start = 0; start < ids.length; start += ID_CHUNK) {
      const pipeline = this.#redis.pipeline();
      for (const id of ids.slice(start, start + ID_CHUNK)) pipeline.hget(this.#queue.toKey(id), 'timestamp');
      for (const [err, value] of (await pipeline.exec()) ?? []) {
        if (err !== null) throw err;
        stamps.push(typeof value === 'string' ? Number(value) : null);
      }
    }
    return stamps;
  }

  async #load(ids: readonly string[], stamps: ReadonlyMap<string, number>): Promise<void> {
    for (let start = 0; start < ids.length; start += READ_CHUNK) {
      const chunk = ids.slice(start, start + READ_CHUNK);
      const pipeline = this.#redis.pipeline();
      for (const id of chunk) pipeline.hget(this.#queue.toKey(id), 'data');
      const replies = (await pipeline.exec()) ?? [];
      chunk.forEach((id, index) => {
        const [err, value] = replies[index] ?? [null, null];
        if (err !== null) throw err;
        this.#cache.set(id, readLetter(typeof value === 'string' ? value : null, stamps.get(id) ?? 0));
      });
    }
  }
}

function group(letters: readonly Letter[]): DeadLetterGroup[] {
  const byCode = new Map<string, Letter[]>();
  for (const letter of letters) {
    const list = byCode.get(letter.code);
    if (list === undefined) byCode.set(letter.code, [letter]);
    else list.push(letter);
  }
  return [...byCode.entries()]
    .map(([code, list]) => {
      const newestFirst = [...list].sort((a, b) => b.failedAt - a.failedAt);
      const blocking = new Map<string, BlockingCount>();
      for (const letter of list)
        for (const item of letter.blocking) {
          const key = `${item.kind}\u0000${item.number}`;
          const seen = blocking.get(key);
          blocking.set(key, { kind: item.kind, number: item.number, orders: (seen?.orders ?? 0) + 1 });
        }
      return {
        code,
        count: list.length,
        oldestAt: newestFirst.at(-1)?.failedAt ?? 0,
        newestAt: newestFirst[0]?.failedAt ?? 0,
        orderNos: newestFirst
          .map((letter) => letter.orderNo)
          .filter((no): no is string => no !== null)
          .slice(0, 5),
        blocking: [...blocking.values()]
          .sort((a, b) => b.orders - a.orders || a.number.localeCompare(b.number))
          .slice(0, 10),
        message: newestFirst[0]?.message ?? '',
      };
    })
    .sort((a, b) => b.count - a.count || a.code.localeCompare(b.code));
}
