import type { Alerter } from '@wdt-k3/alerts';
import type { HealthCheck, RedisConnection } from '@wdt-k3/runtime';

/** Redis answers, and the lease is renewed: a replica on standby is healthy (it is the spare). */
export function alerterHealthChecks(deps: {
  readonly redis: RedisConnection;
  readonly alerter: Alerter;
}): Record<string, HealthCheck> {
  return {
    redis: async () => ({ ok: (await deps.redis.ping()) === 'PONG' }),
    lease: async () => ({
      ok: true,
      detail: deps.alerter.isLeader() ? 'evaluating (holds the lease)' : 'standby',
    }),
  };
}
