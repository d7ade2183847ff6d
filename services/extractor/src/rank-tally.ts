import type { RedisConnection } from '@wdt-k3/runtime';
import type { RankTally } from './walk-steps.ts';

/** A rank walk lives for minutes; its tally is kept a day so a slow retry still finds it. */
const TALLY_TTL_SECONDS = 86_400;

/**
 * What a rank walk's calls saw, in Redis (the calls run as separate jobs, maybe on different
 * replicas): the first `total_count`, the honoured page size, the rows each page returned, and
 * the set of stock-out ids read. Each page writes its own field, so a page run twice (a crash,
 * a retry) counts once.
 */
export function createRankTallies(redis: RedisConnection, prefix: string) {
  const keys = (walkId: string) => ({
    hash: `${prefix}:extractor:walk:${walkId}`,
    ids: `${prefix}:extractor:walk:${walkId}:ids`,
  });
  return {
    async start(walkId: string, firstTotal: number, pageSize: number, ids: readonly string[]): Promise<void> {
      const { hash, ids: idsKey } = keys(walkId);
      const multi = redis
        .multi()
        .del(hash, idsKey)
        .hset(hash, { firstTotal: String(firstTotal), pageSize: String(pageSize), p0: String(ids.length) });
      if (ids.length > 0) multi.sadd(idsKey, ...ids);
      await multi.expire(hash, TALLY_TTL_SECONDS).expire(idsKey, TALLY_TTL_SECONDS).exec();
    },
    async recordPage(walkId: string, pageNo: number, ids: readonly string[]): Promise<void> {
      const { hash, ids: idsKey } = keys(walkId);
      const multi = redis.multi().hset(hash, `p${pageNo}`, String(ids.length));
      if (ids.length > 0) multi.sadd(idsKey, ...ids);
      await multi.exec();
    },
    async read(walkId: string): Promise<RankTally | undefined> {
      const { hash, ids: idsKey } = keys(walkId);
      const [fields, distinct] = await Promise.all([redis.hgetall(hash), redis.scard(idsKey)]);
      if (fields.firstTotal === undefined || fields.pageSize === undefined) return undefined;
      const returnedByPage = Object.fromEntries(
        Object.entries(fields)
          .filter(([name]) => /^p\d+$/.test(name))
          .map(([name, value]) => [name, Number(value)]),
      );
      return {
        firstTotal: Number(fields.firstTotal),
        pageSize: Number(fields.pageSize),
        returnedByPage,
        distinct,
      };
    },
    async drop(walkId: string): Promise<void> {
      const { hash, ids: idsKey } = keys(walkId);
      await redis.del(hash, idsKey);
    },
  };
}

export type RankTallies = ReturnType<typeof createRankTallies>;
