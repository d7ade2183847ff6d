import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openQueues, type PipelineQueues } from '@wdt-k3/jobs';
import { loadConfig as loadK3SimConfig, simCredentials } from '@wdt-k3/k3cloud-sim';
import { DEMO_ROBOTS } from '@wdt-k3/robot-sim';
import {
  createRedis,
  parseConfig,
  type RedisConnection,
  redisEnvSchema,
  toRedisSettings,
} from '@wdt-k3/runtime';
import { usePostgresServer, useRedisServer, waitFor } from '@wdt-k3/testkit';
import { loadConfig as loadWdtSimConfig } from '@wdt-k3/wdt-sim';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Fleet } from '../src/fleet.ts';
import { parseOptions } from '../src/options.ts';
import { type Endpoints, startServices } from '../src/services.ts';

/** Every value of every key under the run's prefix, as text: job payloads, dead letters, audit, state. */
async function redisText(redis: RedisConnection, prefix: string): Promise<string> {
  const parts: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', '500');
    cursor = next;
    for (const key of keys) {
      const type = await redis.type(key);
      const value =
        type === 'string'
          ? await redis.get(key)
          : type === 'hash'
            ? await redis.hgetall(key)
            : type === 'list'
              ? await redis.lrange(key, 0, -1)
              : type === 'set'
                ? await redis.smembers(key)
                : type === 'zset'
                  ? await redis.zrange(key, '0', '-1', 'WITHSCORES')
                  : type === 'stream'
                    ? await redis.xrange(key, '-', '+')
                    : null;
      parts.push(`${key} ${JSON.stringify(value)}`);
    }
  } while (cursor !== '0');
  return parts.join('\n');
}

function filesText(dir: string, skip: ReadonlySet<string>): string {
  return readdirSync(dir)
    .filter((name) => !skip.has(name))
    .map((name) => join(dir, name))
    .filter((path) => statSync(path).isFile())
    .map((path) => `${path}\n${readFileSync(path, 'utf8')}`)
    .join('\n');
}

/**
 * Issue 14 item 6: a whole run — faults, dead letters, an edited replay, a discard, a dry run,
 * a backfill — then every place an operator or an attacker could read: each service's log, every
 * Redis key (job payloads, dead letters, audit trail, event stream), the ledger's tables and the
 * admin API's answers. No configured secret or token appears in any of them.
 */
describe('secrets stay secret through a whole run', () => {
  const redis = useRedisServer();
  const postgres = usePostgresServer();
  const runDir = mkdtempSync(join(tmpdir(), 'wdtk3-secrets-'));
  const fleet = new Fleet(runDir);
  const options = parseOptions(
    [
      '--orders',
      '200',
      '--invalid-rate',
      '0.08',
      '--k3-fault-rate',
      '0.1',
      '--wdt-fault-rate',
      '0.05',
      '--loaders',
      '1',
    ],
    {},
  );
  const toMs = Math.floor((Date.now() - 5 * 60_000) / 60_000) * 60_000;
  const window = { fromMs: toMs - 86_400_000, toMs };
  let endpoints: Endpoints;
  let databaseUrl: string;
  let producer: RedisConnection;
  let queues: PipelineQueues;
  let token: string;
  const answers: string[] = [];

  const admin = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const res = await fetch(`${endpoints.adminUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    answers.push(`${method} ${path} ${res.status} ${[...res.headers].join(' ')} ${text}`);
    return text.startsWith('{') || text.startsWith('[') ? JSON.parse(text) : text;
  };

  beforeAll(async () => {
    databaseUrl = await postgres().createDatabase('secrets_e2e');
    endpoints = await startServices(fleet, options, redis().url, 'secrets', runDir, window, databaseUrl);
    token = readFileSync(endpoints.adminTokenFile, 'utf8').trim();
    producer = createRedis(
      toRedisSettings(parseConfig(redisEnvSchema, { REDIS_URL: redis().url, REDIS_PREFIX: 'secrets' })),
      'producer',
      'secrets-e2e',
    );
    queues = openQueues(producer, '{secrets}');
  }, 120_000);
  afterAll(async () => {
    await Promise.allSettled(Object.values(queues ?? {}).map((queue) => queue.close()));
    producer?.disconnect();
    await fleet.stop(['extractor', 'loader', 'admin', 'ledger', 'wdt-sim', 'k3cloud-sim'], 10_000);
    if (process.env.KEEP === undefined) rmSync(runDir, { recursive: true, force: true });
  });

  it('appears in no log, Redis key, ledger row or API answer', async () => {
    await waitFor(
      async () => {
        const counts = (await admin('GET', '/ledger/counts')) as { byState?: Record<string, number> };
        const { saved = 0, dead = 0 } = counts.byState ?? {};
        return saved + dead === options.orders;
      },
      { timeoutMs: 180_000, intervalMs: 1_000, description: 'every order saved or dead-lettered' },
    );
    const dead = await queues.failed.getJobs(['wait'], 0, -1);
    expect(dead.length).toBeGreaterThan(2);
    const [first, second] = dead as [(typeof dead)[number], (typeof dead)[number]];
    // What an operator does: look, edit and replay, discard, dry-run, backfill, read the audit.
    await admin('GET', '/failed?limit=500');
    await admin('GET', `/failed/${first.id}`);
    await admin('POST', `/failed/${first.id}/replay`, {
      order: { ...first.data.order, remark: 'edited' },
      force: true,
    });
    await admin('DELETE', `/failed/${second.id}`, { reason: 'a test of secrets' });
    await admin('POST', `/orders/${encodeURIComponent(String(second.data.order.order_no))}/dry-run`);
    await admin('POST', '/sync/backfill', {
      from: new Date(window.fromMs).toISOString(),
      to: new Date(window.fromMs + 3_600_000).toISOString(),
    });
    for (const path of [
      '/queues',
      '/sync',
      '/audit',
      '/ledger/orders?limit=500',
      '/ledger/counts',
      '/reports/data-quality',
    ]) {
      await admin('GET', path);
    }
    await admin('GET', `/orders/so-${String(first.data.order.stockout_id)}`);
    await admin('GET', '/docs/json');
    await admin('GET', '/metrics');
    await admin('GET', '/health/ready');
    await admin('GET', '/alerts');
    await admin('GET', '/alerts/channels');
    // A token sent where it does not belong is refused — and must not be echoed or logged either.
    await fetch(`${endpoints.adminUrl}/failed?token=${token}&access_token=${token}`);
    await waitFor(async () => (await producer.xlen('{secrets}:events')) <= 1, {
      timeoutMs: 60_000,
      description: 'the ledger caught up',
    });

    const wdt = loadWdtSimConfig({}).sim;
    const k3 = simCredentials(loadK3SimConfig({}));
    const secrets: Record<string, string> = {
      'admin token': token,
      'WDT app secret': wdt.appSecret,
      'K3 app secret': k3.appSecret,
      'K3 password': k3.password,
    };
    // The demo alert channel's robot (issue 16): its webhook token and its 加签 secret.
    const robot = DEMO_ROBOTS.find((candidate) => candidate.type === 'dingtalk');
    secrets['alert robot webhook token'] = robot?.token ?? '';
    secrets['alert robot signing secret'] = robot?.secret ?? '';
    const dbPassword = new URL(databaseUrl).password;
    if (dbPassword !== '') secrets['PostgreSQL password'] = decodeURIComponent(dbPassword);
    for (const [name, value] of Object.entries(secrets)) expect(value.length, name).toBeGreaterThanOrEqual(8);

    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    const tables = await client.query<{ tablename: string }>(
      "SELECT tablename FROM pg_tables WHERE schemaname = 'public'",
    );
    const rows: string[] = [];
    for (const { tablename } of tables.rows) {
      const result = await client.query(`SELECT * FROM "${tablename}"`);
      rows.push(`${tablename} ${JSON.stringify(result.rows)}`);
    }
    await client.end();

    const places: Record<string, string> = {
      'service logs': filesText(runDir, new Set(['admin-token'])),
      redis: await redisText(producer, '{secrets}'),
      ledger: rows.join('\n'),
      'admin answers': answers.join('\n'),
    };
    // The places hold what they should, so an empty dump cannot pass for a clean one.
    expect(places['service logs']).toContain('"msg":"loader started"');
    expect(places.redis).toContain(':orders-failed:');
    expect(places.ledger).toContain('ledger_orders');
    expect(places['admin answers']).toContain('deadLetter');
    expect(places['admin answers']).toContain('demo-dingtalk');
    const leaks = Object.entries(places).flatMap(([place, text]) =>
      Object.entries(secrets).flatMap(([name, value]) =>
        text.includes(value) ? [`${name} in ${place}`] : [],
      ),
    );
    expect(leaks).toEqual([]);
  });
});
