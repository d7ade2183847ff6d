import { configureRules, createAlerter, parseChannels } from '@wdt-k3/alerts';
import { buildRobotSimApp } from '@wdt-k3/robot-sim';
import { createLogger } from '@wdt-k3/runtime';
import { useRedisServer } from '@wdt-k3/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdminUnderTest, FULL, READ, startAdmin } from '../test/admin.ts';
import { allOutput, cliFor } from '../test/run-cli.ts';
import { parseDuration } from './commands/alerts.ts';

/**
 * `wdt-k3 alerts …` and the alerting part of `wdt-k3 status`, as real CLI processes against the
 * real admin API, with a real alerter whose one robot was given the wrong 加签 secret: the robot
 * (the simulator) refuses every message, and that must show as a channel failure, not a crash.
 */
describe('wdt-k3 alerts, and status showing a failing channel', () => {
  const redis = useRedisServer();
  const sim = buildRobotSimApp({
    robots: [{ name: 'ops', type: 'dingtalk', token: 'cli-tok', secret: 'SECthe-right-one' }],
  });
  let admin: AdminUnderTest;
  let alerter: ReturnType<typeof createAlerter>;
  let cli: ReturnType<typeof cliFor>;

  beforeAll(async () => {
    admin = await startAdmin(redis().url);
    cli = cliFor(admin.url, FULL.token);
    const url = await sim.listen({ host: '127.0.0.1', port: 0 });
    const problems: string[] = [];
    const channels = parseChannels(
      {
        ALERT_CHANNELS: JSON.stringify([
          {
            type: 'dingtalk',
            name: 'ops',
            webhook: `${url}/robot/send?access_token=cli-tok`,
            secret: 'SECa-wrong-one-typed',
          },
        ]),
      },
      problems,
    );
    alerter = createAlerter({
      redis: admin.redis,
      prefix: admin.prefix,
      ordersQueue: admin.queues.orders,
      failedQueue: admin.queues.failed,
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
      instanceId: 'cli-test',
      logger: createLogger({ level: 'silent', service: 'cli-test' }),
    });
    await admin.addDeadLetter(7, { code: 'MAP_MISSING_CUSTOMER', failedAt: Date.now() - 60_000 });
    await alerter.tick();
    await alerter.deliver();
  });
  afterAll(async () => {
    await alerter.stop();
    await sim.close();
    await admin.close();
  });

  it('reads durations', () => {
    expect([
      parseDuration('90s'),
      parseDuration('2h'),
      parseDuration('1h30m'),
      parseDuration('2 weeks'),
    ]).toEqual([90_000, 7_200_000, 5_400_000, null]);
  });

  it('status names the failing channel and its code; the robot refused the sign; nothing crashed', async () => {
    expect(sim.inbox.list({ accepted: false }).map((m) => m.reason)).toEqual(['sign']);
    const run = await cliFor(admin.url, READ.token)(['status']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^Alerts\s+1 firing, 1 channels$/m);
    expect(run.stdout).toMatch(
      /^Problem\s+channel ops \(dingtalk\) failing for \d+s: 1 failed sends, last ALERT_CHANNEL_AUTH 310000 sign not match; 1 waiting$/m,
    );
    const channels = await cli(['alerts', 'channels']);
    expect(channels.stdout).toMatch(
      /^ops\s+dingtalk\s+http:\/\/127\.0\.0\.1:\d+\/robot\/send\s+1\s+0\s+1\s+ALERT_CHANNEL_AUTH/m,
    );
  });

  it('lists, acknowledges (audited), lists silences and ends them', async () => {
    const list = await cli(['alerts', 'list']);
    expect(list.stdout).toMatch(/^firing\s+warning\s+dead-letters:MAP_MISSING_CUSTOMER\s+1\s+\S+ \S+\s+-$/m);
    const refused = await cliFor(
      admin.url,
      READ.token,
    )(['alerts', 'ack', 'dead-letters:MAP_MISSING_CUSTOMER', '--for', '1h', '--reason', 'known']);
    expect(refused.code).toBe(1);
    const bad = await cli([
      'alerts',
      'ack',
      'dead-letters:MAP_MISSING_CUSTOMER',
      '--for',
      'soon',
      '--reason',
      'known',
    ]);
    expect([bad.code, bad.stderr]).toEqual([2, expect.stringContaining('--for must be a duration')]);
    const ack = await cli([
      'alerts',
      'ack',
      'dead-letters:MAP_MISSING_CUSTOMER',
      '--for',
      '1h',
      '--reason',
      'customer table next week',
    ]);
    expect(ack.stdout).toMatch(
      /^Acknowledged dead-letters:MAP_MISSING_CUSTOMER until .+ \(Beijing\); id (\S+) /,
    );
    const id = /id (\S+) /.exec(ack.stdout)?.[1] ?? '';
    expect((await cli(['alerts', 'list'])).stdout).toMatch(/MAP_MISSING_CUSTOMER.*\s+ack$/m);
    expect((await cli(['alerts', 'silences'])).stdout).toContain('customer table next week');
    expect((await cli(['alerts', 'unsilence', id])).stdout).toBe(`Silence ${id} ended.\n`);
    const audit = (await admin.getJson('/audit')) as { entries: Array<{ action: string }> };
    expect(audit.entries.map((e) => e.action)).toEqual(['alert.unsilence', 'alert.ack']);
  });

  it('a test message to the misconfigured robot fails with the vendor’s reason and exit 1', async () => {
    // The alerter delivers only while it holds its lease (10 s, taken in beforeAll, longer ago than
    // the tests before this one may take): evaluate, which renews it, then deliver, one at a time.
    let busy = false;
    const pump = setInterval(() => {
      if (busy) return;
      busy = true;
      void alerter
        .tick()
        .then(() => alerter.deliver())
        .finally(() => {
          busy = false;
        });
    }, 100);
    // The channel is in its backoff after the refused alert; a test message does not wait for it.
    const run = await cli(['alerts', 'test', 'ops', '--wait-ms', '20000']);
    clearInterval(pump);
    expect([run.code, run.stdout]).toEqual([
      1,
      expect.stringContaining('failed: ALERT_CHANNEL_AUTH 310000 sign not match'),
    ]);
    expect(allOutput.join('\n')).not.toContain('SECa-wrong-one-typed');
  });
});
