import type { LedgerConsumer } from '@wdt-k3/ledger';
import type { HealthCheck, RedisConnection } from '@wdt-k3/runtime';
import type pg from 'pg';

/** Redis and PostgreSQL answer, and the oldest event not yet projected is younger than the bound. */
export function ledgerHealthChecks(deps: {
  readonly redis: RedisConnection;
  readonly pool: pg.Pool;
  readonly consumer: LedgerConsumer;
  readonly maxLagMs: number;
}): Record<string, HealthCheck> {
  return {
    redis: async () => ({ ok: (await deps.redis.ping()) === 'PONG' }),
    postgres: async () => {
      await deps.pool.query('SELECT 1');
      return { ok: true };
    },
    lag: async () => {
      const lag = await deps.consumer.lag(Date.now());
      return lag.oldestMs !== null && lag.oldestMs > deps.maxLagMs
        ? {
            ok: false,
            detail: `${lag.events} events behind, the oldest ${Math.round(lag.oldestMs / 1000)} s old`,
          }
        : { ok: true, detail: `${lag.events} events behind` };
    },
  };
}
