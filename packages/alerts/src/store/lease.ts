import type { RedisConnection } from '@wdt-k3/runtime';

// Takes the lease when free, renews it when ours; one round trip either way.
const ACQUIRE = `
local current = redis.call('GET', KEYS[1])
if not current then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
if current == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0
`;

const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

export interface Lease {
  readonly instanceId: string;
  /** Takes or renews the lease; true while this instance holds it. */
  acquire(): Promise<boolean>;
  /** Gives it up at once (shutdown), so another replica takes over without waiting for the TTL. */
  release(): Promise<void>;
  holder(): Promise<string | null>;
}

/**
 * The one-evaluator lease: `SET NX PX` on Redis's clock, renewed by its holder well inside the
 * TTL. A holder that dies (kill -9, partition) stops renewing, and another replica takes the key
 * once it expires. Every write the holder makes checks the key in the same script (state commit,
 * outbox ack), so a holder that lost it without noticing changes nothing.
 */
export function createLease(redis: RedisConnection, key: string, instanceId: string, ttlMs: number): Lease {
  return {
    instanceId,
    acquire: async () => (await redis.eval(ACQUIRE, 1, key, instanceId, String(ttlMs))) === 1,
    release: async () => {
      await redis.eval(RELEASE, 1, key, instanceId);
    },
    holder: () => redis.get(key),
  };
}
