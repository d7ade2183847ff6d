import { parseArgs } from 'node:util';
import { envBoolean, envInt, parseConfig } from '@wdt-k3/runtime';
import { z } from 'zod';

const rate = z
  .string()
  .regex(/^(0(\.\d+)?|1(\.0+)?)$/, 'a share between 0 and 1, e.g. 0.05')
  .transform(Number);

const schema = z.object({
  orders: envInt.pipe(z.number().min(1).max(1_000_000)),
  loaders: envInt.pipe(z.number().min(1).max(16)),
  seed: envInt,
  'k3-fault-rate': rate,
  'wdt-fault-rate': rate,
  'invalid-rate': rate,
  'wdt-rate-limit': envInt.pipe(z.number().min(1)),
  'exit-when-done': envBoolean,
  'summary-json': z.string().min(1).optional(),
});

export type LocalRunOptions = z.output<typeof schema> & {
  readonly redisUrl: string | undefined;
  /** An existing PostgreSQL for the ledger; unset: an embedded one from npm's binaries. */
  readonly databaseUrl: string | undefined;
  readonly help: boolean;
};

export const USAGE = `Usage: ./scripts/start.sh [options]    (or: node services/local-run/src/main.ts [options])

Runs the whole pipeline locally: Redis (REDIS_URL, or redis-server from PATH), PostgreSQL for
the order ledger (DATABASE_URL, or an embedded one from npm's binaries), wdt-sim and
k3cloud-sim seeded with the same orders, the extractor, N loaders and the admin API, with a
live progress line and a summary that reconciles WDT against K3. Ctrl-C stops everything.

  --orders N            orders WDT holds (default 10000)
  --loaders N           loader processes (default 2)
  --seed N              dataset seed (default 1)
  --k3-fault-rate R     share of K3 BatchSave calls failing: 5xx, dropped after commit, hanging (default 0)
  --wdt-fault-rate R    share of WDT calls failing: HTTP 503 or dropped connections (default 0)
  --invalid-rate R      share of orders that cannot be saved: unknown material, missing customer (default 0)
  --wdt-rate-limit N    WDT calls a minute the simulator allows and the extractor keeps to (default 600;
                        real WDT allows 60, which makes 10,000 orders take about three minutes)
  --exit-when-done      stop after the summary (exit 0 when every order is in K3 once or dead-lettered)
  --summary-json PATH   also write the summary as JSON
  --help                this text`;

/** Flags and the env vars this tool reads (REDIS_URL, DATABASE_URL); every problem is listed at once. */
export function parseOptions(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): LocalRunOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      orders: { type: 'string', default: '10000' },
      loaders: { type: 'string', default: '2' },
      seed: { type: 'string', default: '1' },
      'k3-fault-rate': { type: 'string', default: '0' },
      'wdt-fault-rate': { type: 'string', default: '0' },
      'invalid-rate': { type: 'string', default: '0' },
      'wdt-rate-limit': { type: 'string', default: '600' },
      'exit-when-done': { type: 'boolean', default: false },
      'summary-json': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const parsed = parseConfig(schema, values, 'options');
  const redisUrl = env.REDIS_URL === undefined || env.REDIS_URL === '' ? undefined : env.REDIS_URL;
  const databaseUrl =
    env.DATABASE_URL === undefined || env.DATABASE_URL === '' ? undefined : env.DATABASE_URL;
  return { ...parsed, redisUrl, databaseUrl, help: values.help };
}
