import { Writable } from 'node:stream';
import { configureRules, createAlerter, parseChannels } from '@wdt-k3/alerts';
import { buildRobotSimApp } from '@wdt-k3/robot-sim';
import { createLogger } from '@wdt-k3/runtime';
import { useRedisServer, waitFor } from '@wdt-k3/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, FULL, type Harness, READ, startHarness } from '../test/harness.ts';

const TOKEN = 'robot-access-token-9f3e';
const SECRET = 'SECrobot-signing-secret-77aa';

/**
 * The alert routes against a real alerter (packages/alerts, in this process) delivering to the
 * robot simulator over HTTP, all on one real Redis — and the promise that a robot's webhook token
 * and signing secret appear in no log line, no answer, no audit entry and no Redis value.
 */
describe('admin: alert routes', () => {
  const server = useRedisServer();
  const sim = buildRobotSimApp({ robots: [{ name: 'ops', type: 'dingtalk', token: TOKEN, secret: SECRET }] });
  const logged: string[] = [];
  const logger = createLogger(
    { level: 'debug', service: 'alerter-test' },
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        logged.push(chunk.toString());
        done();
      },
    }),
  );
  let h: Harness;
  let alerter: ReturnType<typeof createAlerter>;
  let pump: NodeJS.Timeout;

  beforeAll(async () => {
    h = await startHarness(server().url);
    const url = await sim.listen({ host: '127.0.0.1', port: 0 });
    const problems: string[] = [];
    const channels = parseChannels(
      {
        ALERT_CHANNELS: JSON.stringify([
          {
            type: 'dingtalk',
            name: 'ops',
            webhook: `${url}/robot/send?access_token=${TOKEN}`,
            secret: SECRET,
          },
        ]),
      },
      problems,
    );
    expect(problems).toEqual([]);
    // A channel config as a careless caller might log it: the logger must redact it.
    logger.info({ channels }, 'channels configured');
    alerter = createAlerter({
      redis: h.redis,
      prefix: h.prefix,
      ordersQueue: h.queues.orders,
      failedQueue: h.queues.failed,
      channels,
      rules: configureRules('{"dead-letters":{"forMs":0}}', []),
      environment: { pollIntervalMs: 60_000, extractLagMs: 120_000 },
      settings: {
        evaluateIntervalMs: 1_000,
        deliverIntervalMs: 100,
        leaseMs: 10_000,
        repeatIntervalMs: 3_600_000,
        groupIntervalMs: 300_000,
        resolveAfterMs: 0,
        resolvedRetentionMs: 86_400_000,
        linkBase: null,
      },
      instanceId: 'admin-test',
      logger,
    });
    await h.addDeadLetter(1, { code: 'K3_BASEDATA_MISSING' });
    await h.addDeadLetter(2, { code: 'K3_BASEDATA_MISSING' });
    await alerter.tick();
    // Delivery keeps running while the test route waits for its outcome.
    pump = setInterval(() => void alerter.deliver(), 50);
    // The firing alert reaches the robot before any test runs: a silence made by a test while it
    // is still queued would hold it back, and the test-message test counts both messages.
    await waitFor(() => sim.inbox.list({ robot: 'ops', accepted: true }).length === 1, {
      timeoutMs: 20_000,
      description: 'the firing dead-letter alert delivered to the robot',
    });
  });
  afterAll(async () => {
    clearInterval(pump);
    await alerter.stop();
    await sim.close();
    await h.close();
  });

  const inject = (method: 'GET' | 'POST' | 'DELETE', url: string, body?: object, token = FULL) =>
    h.app.inject({ method, url, headers: bearer(token), ...(body === undefined ? {} : { payload: body }) });

  it('lists the firing alert and who evaluates', async () => {
    const res = await inject('GET', '/alerts?state=firing');
    expect(res.statusCode).toBe(200);
    const body = res.json() as {
      alerts: Array<{ key: string; value: number; muted: unknown }>;
      evaluator: string;
    };
    expect(body.evaluator).toBe('admin-test');
    expect(body.alerts.map((a) => [a.key, a.value, a.muted])).toEqual([
      ['dead-letters:K3_BASEDATA_MISSING', 2, null],
    ]);
  });

  it('silences for a duration, audited; a read-only token may not; ending it is audited too', async () => {
    const body = {
      rule: 'dead-letters',
      key: 'dead-letters:K3_BASEDATA_MISSING',
      durationMs: 7_200_000,
      reason: 'K3 admin adds G9',
    };
    expect((await inject('POST', '/alerts/silences', body, READ)).statusCode).toBe(403);
    expect((await inject('POST', '/alerts/silences', { ...body, key: 'other:X' })).statusCode).toBe(400);
    const created = await inject('POST', '/alerts/silences', { ...body, kind: 'ack' });
    expect(created.statusCode).toBe(200);
    const { silence } = created.json() as { silence: { id: string; kind: string } };
    expect(silence.kind).toBe('ack');
    const listed = (await inject('GET', '/alerts?state=firing')).json() as {
      alerts: Array<{ muted: string }>;
    };
    expect(listed.alerts[0]?.muted).toBe('ack');
    expect((await inject('DELETE', `/alerts/silences/${silence.id}`)).statusCode).toBe(200);
    expect((await inject('DELETE', '/alerts/silences/nope')).statusCode).toBe(404);
    const audit = (await inject('GET', '/audit')).json() as {
      entries: Array<{ who: string; action: string; target: string }>;
    };
    expect(audit.entries.map((e) => [e.who, e.action, e.target])).toEqual([
      ['ops', 'alert.unsilence', 'dead-letters:K3_BASEDATA_MISSING'],
      ['ops', 'alert.ack', 'dead-letters:K3_BASEDATA_MISSING'],
    ]);
  });

  it('sends a test message through the channel and answers its outcome; an unknown channel is 404', async () => {
    const res = await inject('POST', '/alerts/channels/ops/test', { waitMs: 20_000 });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ channel: 'ops', outcome: 'delivered' });
    const received = sim.inbox.list({ robot: 'ops', accepted: true });
    // Both arrive; the test may overtake the alert (a test message goes first).
    expect(received.map((m) => m.text.split('\n')[0]).sort()).toEqual([
      expect.stringContaining('[告警·警告] 死信：'),
      expect.stringContaining('[测试]'),
    ]);
    expect((await inject('POST', '/alerts/channels/nope/test', { waitMs: 0 })).statusCode).toBe(404);
    const channels = (await inject('GET', '/alerts/channels')).json() as {
      channels: Array<{ delivered: number; target: string }>;
    };
    expect(channels.channels[0]).toMatchObject({
      delivered: 2,
      target: expect.stringMatching(/\/robot\/send$/),
    });
  });

  it('never lets the webhook token or the secret out: logs, answers, audit, Redis', async () => {
    const answers = await Promise.all(
      ['/alerts', '/alerts/channels', '/alerts/silences', '/audit', '/metrics'].map(
        async (url) => (await inject('GET', url)).body,
      ),
    );
    const redisValues: string[] = [];
    for (const key of await h.redis.keys(`${h.prefix}*`)) {
      const type = await h.redis.type(key);
      if (type === 'string') redisValues.push((await h.redis.get(key)) ?? '');
      if (type === 'hash') redisValues.push(JSON.stringify(await h.redis.hgetall(key)));
      if (type === 'list') redisValues.push(JSON.stringify(await h.redis.lrange(key, 0, -1)));
      if (type === 'zset') redisValues.push(JSON.stringify(await h.redis.zrange(key, '0', '-1')));
      if (type === 'stream') redisValues.push(JSON.stringify(await h.redis.xrange(key, '-', '+')));
    }
    const everything = [...logged, ...answers, ...redisValues].join('\n');
    expect(logged.join('')).toContain('[redacted]');
    expect(redisValues.join('').length).toBeGreaterThan(1_000);
    expect(everything).not.toContain(TOKEN);
    expect(everything).not.toContain(SECRET);
  });
});
