import { type ChannelConfig, configureRules, createAlerter, parseChannels } from '@wdt-k3/alerts';
import { closeQueues, DEAD_LETTER_CODES, enqueue, openQueues, type PipelineQueues } from '@wdt-k3/jobs';
import { buildRobotSimApp, type ReceivedMessage } from '@wdt-k3/robot-sim';
import { testLogger, useRedisServer } from '@wdt-k3/testkit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deadLetter } from './dead-letters.ts';

/**
 * 200 dead letters in one minute under 40 codes, as 20 waves, at a DingTalk robot that allows 20
 * messages a minute and mutes for 10 minutes past it. The alerter and the simulator share one
 * clock that the test moves (as the other simulators' tests do), so the minute is exact and the
 * test never waits for it; Redis and HTTP are real.
 */
const PREFIX = '{burst}';
const CODES = DEAD_LETTER_CODES.slice(0, 40);
const SECRET = 'SECburst-secret-0123';

describe('a burst of dead letters at a rate-limited robot', () => {
  const server = useRedisServer();
  const clock = { now: Date.UTC(2026, 10, 1, 2, 0, 0) };
  const sim = buildRobotSimApp({
    robots: [{ name: 'ops', type: 'dingtalk', token: 'burst', secret: SECRET, keywords: ['告警'] }],
    now: () => clock.now,
  });
  let redis: Redis;
  let queues: PipelineQueues;
  let channel: ChannelConfig;

  beforeAll(async () => {
    redis = new Redis(server().url);
    queues = openQueues(redis, PREFIX);
    const url = await sim.listen({ host: '127.0.0.1', port: 0 });
    const problems: string[] = [];
    [channel] = parseChannels(
      {
        ALERT_CHANNELS: JSON.stringify([
          {
            type: 'dingtalk',
            name: 'ops',
            webhook: `${url}/robot/send?access_token=burst`,
            secret: SECRET,
            keyword: '告警',
            // Some codes heal by themselves and are info: this channel takes them too.
            minSeverity: 'info',
          },
        ]),
      },
      problems,
    ) as [ChannelConfig];
    expect(problems).toEqual([]);
  });
  afterAll(async () => {
    await sim.close();
    await closeQueues(queues);
    redis.disconnect();
  });

  it('sends at most 20 messages in any minute, loses no code or count, and delivers every resolve', async () => {
    const alerter = createAlerter({
      redis,
      prefix: PREFIX,
      ordersQueue: queues.orders,
      failedQueue: queues.failed,
      channels: [channel],
      rules: configureRules('{"dead-letters":{"forMs":5000}}', []),
      environment: { pollIntervalMs: 60_000, extractLagMs: 120_000 },
      settings: {
        evaluateIntervalMs: 1_000,
        deliverIntervalMs: 1_000,
        leaseMs: 60_000,
        repeatIntervalMs: 4 * 3_600_000,
        groupIntervalMs: 10_000,
        resolveAfterMs: 30_000,
        resolvedRetentionMs: 86_400_000,
        linkBase: 'https://ops.example.com',
      },
      instanceId: 'burst-test',
      logger: testLogger(),
      now: () => clock.now,
    });
    const step = async (): Promise<void> => {
      await alerter.tick();
      await alerter.deliver();
      clock.now += 1_000;
    };
    // 20 waves of 10, one every 3 s: every code gets five letters, arriving spread over the minute.
    let n = 0;
    for (let wave = 0; wave < 20; wave += 1) {
      for (let i = 0; i < 10; i += 1) {
        const code = CODES[(wave * 10 + i) % CODES.length] as string;
        n += 1;
        await enqueue(queues.failed, 'deadLetter', deadLetter(n, code, clock.now), { jobId: `so-${n}` });
      }
      for (let s = 0; s < 3; s += 1) await step();
    }
    expect(await queues.failed.count()).toBe(200);
    // Until every code's latest count has gone out.
    const latest = () => latestCounts(sim.inbox.list({ accepted: true }));
    for (let s = 0; s < 1_200 && !CODES.every((code) => latest().get(code) === 5); s += 1) await step();
    expect(Object.fromEntries(latest())).toEqual(Object.fromEntries(CODES.map((code) => [code, 5])));

    // Base data added, everything replayed and saved: the queue empties, every code resolves.
    await queues.failed.obliterate({ force: true });
    const resolvedCodes = () => resolved(sim.inbox.list({ accepted: true }));
    for (let s = 0; s < 1_200 && resolvedCodes().size < CODES.length; s += 1) await step();
    expect([...resolvedCodes()].sort()).toEqual([...CODES].sort());

    const all = sim.inbox.list({});
    expect(all.filter((m) => !m.accepted)).toEqual([]);
    const times = all.map((m) => m.receivedAt);
    const busiest = Math.max(...times.map((t) => times.filter((u) => u >= t && u < t + 60_000).length));
    expect(busiest).toBeLessThanOrEqual(20);
    // Grouped and queued, not one message per letter nor per notification.
    expect(all.length).toBeLessThan(CODES.length * 2);
    await alerter.stop();
  }, 300_000);
});

/** Per code, the count in the latest accepted message that names it. */
function latestCounts(messages: readonly ReceivedMessage[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const message of messages)
    for (const match of message.text.matchAll(/(\d+) 张订单因 ([A-Z0-9_]+) 进入死信队列/g))
      counts.set(match[2] as string, Number(match[1]));
  return counts;
}

function resolved(messages: readonly ReceivedMessage[]): Set<string> {
  const codes = new Set<string>();
  for (const message of messages)
    for (const block of message.text.split('---'))
      if (block.includes('已恢复'))
        for (const match of block.matchAll(/因 ([A-Z0-9_]+) 进入死信队列/g)) codes.add(match[1] as string);
  return codes;
}
