import type { Logger, RedisConnection } from '@wdt-k3/runtime';

export interface BatchedLookupOptions<V> {
  readonly name: string;
  readonly redis: RedisConnection;
  readonly cacheKeyPrefix: string;
  /** How long a found value is cached. */
  readonly ttlMs: number;
  /** How long "not found" is cached: short, because the record may be created in K3 soon. */
  readonly missTtlMs: number;
  /** Requests arriving within this window share one K3 query. */
  readonly waitMs: number;
  readonly maxBatch: number;
  /** Fetches many keys at once; keys absent from the result do not exist. */
  readonly fetch: (keys: readonly string[]) => Promise<ReadonlyMap<string, V>>;
  readonly logger: Logger;
  readonly onCacheResult?: (hit: boolean) => void;
  /** A cache write was lost (the lookup itself went on): counted and logged, not swallowed. */
  readonly onCacheWriteFailed?: () => void;
}

export interface BatchedLookup<V> {
  get(key: string): Promise<V | null>;
}

type Cached<V> = { v: V } | { miss: true };

/**
 * The answers of one K3 query cached in one script call (a SET each was a command each for
 * ioredis to build and match a reply to). KEYS: the cache keys; ARGV: value and TTL (ms) of each.
 * The cache key prefix carries the queues' hash tag: one Cluster slot.
 */
const WRITE_SCRIPT = `
for i = 1, #KEYS do
  redis.call('SET', KEYS[i], ARGV[2 * i - 1], 'PX', ARGV[2 * i])
end
return #KEYS
`;
const WRITE_COMMAND = 'wdtk3CacheLookups';
type WriteCommand = (numKeys: number, ...args: Array<string | number>) => Promise<number>;

/**
 * Looks records up in K3 through a Redis cache, coalescing concurrent requests into one query
 * (`F in ('a','b',…)`), DataLoader style: a hundred jobs in flight cost one ExecuteBillQuery,
 * not a hundred. A cache failure falls back to K3; a K3 failure rejects the waiting callers.
 */
export function createBatchedLookup<V>(options: BatchedLookupOptions<V>): BatchedLookup<V> {
  options.redis.defineCommand(WRITE_COMMAND, { lua: WRITE_SCRIPT });
  const writeCommand = (options.redis as unknown as Record<string, WriteCommand>)[
    WRITE_COMMAND
  ] as WriteCommand;
  const inflight = new Map<string, Promise<V | null>>();
  let queued = new Map<string, { resolve: (value: V | null) => void; reject: (err: unknown) => void }>();
  let timer: NodeJS.Timeout | undefined;
  const cacheKey = (key: string): string => `${options.cacheKeyPrefix}:${options.name}:${key}`;

  const readCache = async (keys: readonly string[]): Promise<Array<Cached<V> | null>> => {
    try {
      const values = await options.redis.mget(...keys.map(cacheKey));
      return values.map((value) => (value === null ? null : (JSON.parse(value) as Cached<V>)));
    } catch (err) {
      options.logger.debug(
        { err: { message: (err as Error).message }, lookup: options.name },
        'lookup cache unavailable',
      );
      return keys.map(() => null);
    }
  };

  const writeCache = async (entries: ReadonlyArray<readonly [string, Cached<V>]>): Promise<void> => {
    if (entries.length === 0) return;
    const keys = entries.map(([key]) => cacheKey(key));
    const args = entries.flatMap(([, value]) => [
      JSON.stringify(value),
      'miss' in value ? options.missTtlMs : options.ttlMs,
    ]);
    try {
      await writeCommand.call(options.redis, keys.length, ...keys, ...args);
    } catch (err) {
      options.onCacheWriteFailed?.();
      options.logger.warn(
        { lookup: options.name, entries: entries.length, err: { message: (err as Error).message } },
        'lookup cache not written; the next lookup asks K3 again',
      );
    }
  };

  const flush = async (): Promise<void> => {
    timer = undefined;
    const batch = queued;
    queued = new Map();
    const keys = [...batch.keys()];
    const cached = await readCache(keys);
    const misses: string[] = [];
    keys.forEach((key, index) => {
      const hit = cached[index];
      options.onCacheResult?.(hit !== null && hit !== undefined);
      if (hit === null || hit === undefined) misses.push(key);
      else batch.get(key)?.resolve('miss' in hit ? null : hit.v);
    });
    for (let start = 0; start < misses.length; start += options.maxBatch) {
      const chunk = misses.slice(start, start + options.maxBatch);
      try {
        const found = await options.fetch(chunk);
        // Callers go on at once: the cache write is for later lookups, and waiting for its round
        // trip added it to every job's latency. writeCache never rejects (it counts a failure).
        for (const key of chunk) batch.get(key)?.resolve(found.get(key) ?? null);
        void writeCache(
          chunk.map((key) => [key, found.has(key) ? { v: found.get(key) as V } : { miss: true }] as const),
        );
      } catch (err) {
        for (const key of chunk) batch.get(key)?.reject(err);
      }
    }
  };

  return {
    get: (key) => {
      const existing = inflight.get(key);
      if (existing !== undefined) return existing;
      const promise = new Promise<V | null>((resolve, reject) => {
        queued.set(key, { resolve, reject });
        if (queued.size >= options.maxBatch) {
          clearTimeout(timer);
          void flush();
        } else timer ??= setTimeout(() => void flush(), options.waitMs);
      }).finally(() => inflight.delete(key));
      inflight.set(key, promise);
      return promise;
    },
  };
}
