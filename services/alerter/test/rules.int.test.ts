import { configureRules, createAlerter, listAlerts, parseChannels, RULE_IDS } from '@wdt-k3/alerts';
import {
  closeQueues,
  createExtractorStatusStore,
  createSignalRecorder,
  createSyncState,
  enqueue,
  eventStreamKey,
  openQueues,
  type PipelineQueues,
  SIGNALS,
} from '@wdt-k3/jobs';
import { LEDGER_GROUP, migrate } from '@wdt-k3/ledger';
import { buildRobotSimApp } from '@wdt-k3/robot-sim';
import { testLogger, usePostgresServer, useRedisServer } from '@wdt-k3/testkit';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deadLetter } from './dead-letters.ts';

const PREFIX = '{rules}';
const MINUTE = 60_000;

/**
 * Every rule fires and resolves, driven by what the services really write — the extractor's
 * status and sync state, the loaders' signals, BullMQ queues, the event stream's ledger group,
 * the ledger's rows in PostgreSQL, a channel's failed deliveries — read back by the alerter over
 * a real Redis and PostgreSQL. The alerter's clock runs ahead of the wall clock by `skew`, which
 * the test moves instead of waiting minutes (BullMQ and stream ids keep their real times).
 */
describe('every rule, end to end over Redis and PostgreSQL', () => {
  const server = useRedisServer();
  const postgres = usePostgresServer();
  let skew = 0;
  const now = () => Date.now() + skew;
  const sim = buildRobotSimApp({
    robots: [{ name: 'hook', type: 'webhook', token: 'in', secret: 'rules-webhook-secret' }],
    now,
  });
  let redis: Redis;
  let queues: PipelineQueues;
  let pool: pg.Pool;
  let alerter: ReturnType<typeof createAlerter>;

  beforeAll(async () => {
    redis = new Redis(server().url);
    queues = openQueues(redis, PREFIX);
    pool = new pg.Pool({ connectionString: await postgres().createDatabase('rules'), max: 2 });
    await migrate(pool, testLogger());
    const url = await sim.listen({ host: '127.0.0.1', port: 0 });
    const problems: string[] = [];
    const channels = parseChannels(
      {
        ALERT_CHANNELS: JSON.stringify([
          {
            type: 'webhook',
            name: 'hook',
            webhook: `${url}/webhook/in`,
            secret: 'rules-webhook-secret',
            minSeverity: 'info',
          },
        ]),
      },
      problems,
    );
    const instant = Object.fromEntries(RULE_IDS.map((id) => [id, { forMs: 0 }]));
    alerter = createAlerter({
      redis,
      prefix: PREFIX,
      ordersQueue: queues.orders,
      failedQueue: queues.failed,
      ledger: pool,
      channels,
      rules: configureRules(JSON.stringify(instant), problems),
      environment: { pollIntervalMs: MINUTE, extractLagMs: 2 * MINUTE },
      settings: {
        evaluateIntervalMs: 1_000,
        deliverIntervalMs: 1_000,
        leaseMs: 60_000,
        repeatIntervalMs: 24 * 60 * MINUTE,
        groupIntervalMs: 60 * MINUTE,
        resolveAfterMs: 0,
        resolvedRetentionMs: 24 * 60 * MINUTE,
        linkBase: null,
      },
      instanceId: 'rules-test',
      logger: testLogger(),
      now,
    });
    expect(problems).toEqual([]);
  });
  afterAll(async () => {
    await alerter.stop();
    await sim.close();
    await pool.end();
    await closeQueues(queues);
    redis.disconnect();
  });

  const status = async (key: string): Promise<string> => {
    await alerter.tick();
    await alerter.deliver();
    const { alerts } = await listAlerts(redis, PREFIX, 'all', now());
    return alerts.find((alert) => alert.key === key)?.status ?? 'none';
  };
  /** `firing` after `cause`, `resolved` after `cure`. */
  const firesAndResolves = async (
    key: string,
    cause: () => Promise<unknown>,
    cure: () => Promise<unknown>,
  ) => {
    await cause();
    expect(await status(key), key).toBe('firing');
    await cure();
    expect(await status(key), key).toBe('resolved');
  };

  it('dead letters, grouped by code', async () => {
    await firesAndResolves(
      'dead-letters:K3_BASEDATA_MISSING',
      () =>
        enqueue(queues.failed, 'deadLetter', deadLetter(1, 'K3_BASEDATA_MISSING', now()), { jobId: 'so-1' }),
      () => queues.failed.remove('so-1'),
    );
  });

  it('credentials refused, by WDT (extractor status) and by K3 (loader signals)', async () => {
    const extractor = createExtractorStatusStore(redis, PREFIX);
    await firesAndResolves(
      'credentials-refused:wdt',
      () =>
        extractor.recordWdtRefusal({
          code: 'WDT_SIGNATURE_INVALID',
          message: 'Invalid signature',
          at: now(),
        }),
      () => extractor.recordWdtOk(now()),
    );
    const loader = createSignalRecorder(redis, PREFIX, { now });
    await firesAndResolves(
      'credentials-refused:k3',
      async () => {
        loader.refused('k3', { code: 'K3_AUTH_FAILED', message: 'login refused', at: now() });
        await loader.flush();
      },
      async () => {
        skew += 1_000;
        loader.accepted('k3');
        await loader.close();
      },
    );
  });

  it('the watermark lagging and stuck, ticks missing, a failed run', async () => {
    const state = createSyncState(redis, PREFIX);
    const extractor = createExtractorStatusStore(redis, PREFIX);
    await firesAndResolves(
      'watermark-lag',
      () => state.initWatermark(now() - 60 * MINUTE),
      async () => {
        await state.commit('run-1', now() - 3 * MINUTE);
        await extractor.recordAdvance(now());
      },
    );
    await firesAndResolves(
      'extractor-ticks-missing',
      () => state.recordTick(now() - 10 * MINUTE),
      () => state.recordTick(now()),
    );
    await firesAndResolves(
      'extractor-run-failed',
      () =>
        extractor.recordRunFailure({
          runId: 'run-2',
          kind: 'incremental',
          reason: 'page out of attempts',
          at: now(),
        }),
      () => extractor.clearRunFailure(),
    );
  });

  it('order jobs waiting too long, and a fleet starting none of them', async () => {
    await enqueue(queues.orders, 'orderLoad', {
      order: { stockout_id: 9, order_no: 'CK9' },
      source: { runId: 'r', kind: 'incremental', pageNo: 0, fetchedAt: Date.now() },
    });
    skew += 6 * MINUTE;
    expect(await status('loader-fleet-stalled')).toBe('firing');
    expect(await status('orders-waiting-too-long')).toBe('none');
    skew += 10 * MINUTE;
    expect(await status('orders-waiting-too-long')).toBe('firing');
    await queues.orders.obliterate({ force: true });
    expect(await status('loader-fleet-stalled')).toBe('resolved');
    expect(await status('orders-waiting-too-long')).toBe('resolved');
  });

  it('WDT 1012 storms and the K3 failure rate, from the signals, ageing out of their windows', async () => {
    const signals = createSignalRecorder(redis, PREFIX, { now });
    await firesAndResolves(
      'wdt-rate-limit-storm',
      async () => {
        signals.count(SIGNALS.wdtCalls, 40);
        signals.count(SIGNALS.wdtRateLimited, 12);
        await signals.flush();
      },
      async () => {
        skew += 11 * MINUTE;
      },
    );
    await firesAndResolves(
      'k3-failure-rate',
      async () => {
        signals.count(SIGNALS.k3Calls, 100);
        signals.count(SIGNALS.k3Failed, 40);
        signals.count(SIGNALS.jobsStarted, 100);
        await signals.flush();
      },
      async () => {
        skew += 6 * MINUTE;
      },
    );
    await signals.close();
  });

  it('the ledger lagging behind the event stream, and orders changed after save', async () => {
    const stream = eventStreamKey(PREFIX);
    await firesAndResolves(
      'ledger-lag',
      async () => {
        await redis.xgroup('CREATE', stream, LEDGER_GROUP, '0', 'MKSTREAM');
        await redis.xadd(stream, '*', 'type', 'order.extracted', 'data', '{}');
        skew += 6 * MINUTE;
      },
      async () => {
        const read = (await redis.xreadgroup('GROUP', LEDGER_GROUP, 'c1', 'STREAMS', stream, '>')) as Array<
          [string, Array<[string, string[]]>]
        >;
        for (const [, entries] of read)
          for (const [id] of entries) await redis.xack(stream, LEDGER_GROUP, id);
      },
    );
    await firesAndResolves(
      'orders-changed-after-save',
      () =>
        pool.query(
          `INSERT INTO ledger_orders (order_key, order_no, state, first_seen_at, updated_at, last_event_id)
           VALUES ('so-5', 'CK5', 'changed', now(), now(), '1-0')`,
        ),
      () => pool.query("UPDATE ledger_orders SET state = 'saved' WHERE order_key = 'so-5'"),
    );
  });

  it('an alert channel failing, then delivering again', async () => {
    await sim.inject({
      method: 'PUT',
      url: '/_sim/robots/hook/fail',
      payload: { count: 10_000, status: 503 },
    });
    await enqueue(queues.failed, 'deadLetter', deadLetter(2, 'MAP_MISSING_CUSTOMER', now()), {
      jobId: 'so-2',
    });
    await status('dead-letters:MAP_MISSING_CUSTOMER');
    skew += 11 * MINUTE;
    expect(await status('alert-channel-failing:hook')).toBe('firing');
    await sim.inject({ method: 'PUT', url: '/_sim/robots/hook/fail', payload: { count: 0 } });
    skew += 6 * MINUTE;
    expect(await status('alert-channel-failing:hook')).toBe('firing');
    await alerter.deliver();
    expect(await status('alert-channel-failing:hook')).toBe('resolved');
    // What the channel missed while it failed went out once it worked.
    expect(sim.inbox.list({ accepted: true }).some((m) => m.text.includes('MAP_MISSING_CUSTOMER'))).toBe(
      true,
    );
  });
});
