import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openQueues, type PipelineQueues } from '@wdt-k3/jobs';
import { DEMO_ROBOTS, type ReceivedMessage } from '@wdt-k3/robot-sim';
import {
  createRedis,
  parseConfig,
  type RedisConnection,
  redisEnvSchema,
  toRedisSettings,
} from '@wdt-k3/runtime';
import { findFreePort, jsonControl, useRedisServer, waitFor } from '@wdt-k3/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Fleet } from '../src/fleet.ts';
import { parseOptions } from '../src/options.ts';
import { type Endpoints, startServices } from '../src/services.ts';

const PREFIX = 'alerts';
const feishu = DEMO_ROBOTS.find((robot) => robot.type === 'feishu');
const ding = DEMO_ROBOTS.find((robot) => robot.type === 'dingtalk');

/**
 * Alerts in a running pipeline, every part a real process: 200 orders of which some lack a K3
 * material and some a customer; two alerter replicas; three channels at the robot simulator — the
 * demo DingTalk robot (加签 + keyword), a Feishu robot (签名校验), and the same Feishu robot with a
 * wrong secret. One grouped message per code per robot; the evaluating replica killed -9 before
 * the fix; after the material is added and the orders replayed (the customers' orders discarded),
 * one resolve per code per robot, from the replica that took over.
 */
describe('alerts end to end', () => {
  const redis = useRedisServer();
  const runDir = mkdtempSync(join(tmpdir(), 'wdtk3-alerts-'));
  const fleet = new Fleet(runDir);
  let endpoints: Endpoints;
  let producer: RedisConnection;
  let queues: PipelineQueues;
  let alerterEnv: Record<string, string>;
  let admin: <T = Record<string, unknown>>(method: string, path: string, body?: unknown) => Promise<T>;

  beforeAll(async () => {
    const options = parseOptions(['--orders', '200', '--invalid-rate', '0.3', '--loaders', '1'], {});
    const toMs = Math.floor((Date.now() - 5 * 60_000) / 60_000) * 60_000;
    const envFor = (robotUrl: string): Record<string, string> => ({
      ALERT_CHANNELS: JSON.stringify([
        {
          type: 'dingtalk',
          name: 'ops-dingtalk',
          webhook: `${robotUrl}/robot/send?access_token=${ding?.token}`,
          secret: ding?.secret,
          keyword: 'wdt-k3',
        },
        {
          type: 'feishu',
          name: 'ops-feishu',
          webhook: `${robotUrl}/open-apis/bot/v2/hook/${feishu?.token}`,
          secret: feishu?.secret,
          language: 'en',
        },
        {
          type: 'feishu',
          name: 'bad-feishu',
          webhook: `${robotUrl}/open-apis/bot/v2/hook/${feishu?.token}`,
          secret: 'not-the-robots-secret',
        },
      ]),
      ALERT_EVALUATE_INTERVAL_MS: '1000',
      ALERT_DELIVER_INTERVAL_MS: '500',
      ALERT_LEASE_MS: '3000',
      ALERT_RESOLVE_AFTER_MS: '2000',
      ALERT_GROUP_INTERVAL_MS: '5000',
      ALERT_RULES: JSON.stringify({
        'dead-letters': { forMs: 15_000 },
        'alert-channel-failing': { minutes: 1 },
      }),
    });
    endpoints = await startServices(
      fleet,
      options,
      redis().url,
      PREFIX,
      runDir,
      { fromMs: toMs - 86_400_000, toMs },
      null,
      { alerter: envFor },
    );
    alerterEnv = envFor(endpoints.robotSimUrl);
    producer = createRedis(
      toRedisSettings(parseConfig(redisEnvSchema, { REDIS_URL: redis().url, REDIS_PREFIX: PREFIX })),
      'producer',
      'alerts-e2e',
    );
    queues = openQueues(producer, `{${PREFIX}}`);
    const token = readFileSync(endpoints.adminTokenFile, 'utf8').trim();
    admin = async (method, path, body) => {
      const res = await fetch(`${endpoints.adminUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const json = (await res.json()) as never;
      if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${JSON.stringify(json)}`);
      return json;
    };
  }, 180_000);
  afterAll(async () => {
    await Promise.allSettled(Object.values(queues ?? {}).map((queue) => queue.close()));
    producer?.disconnect();
    await fleet.stop(['extractor', 'loader', 'admin', 'alerter'], 10_000);
    if (process.env.KEEP === undefined) rmSync(runDir, { recursive: true, force: true });
  });

  const messages = async (): Promise<ReceivedMessage[]> =>
    (await jsonControl(endpoints.robotSimUrl)<{ messages: ReceivedMessage[] }>('GET', '/_sim/messages'))
      .messages;
  /** `kind` messages naming `code`, per robot, over accepted messages: [robot, count]. */
  const sent = (
    all: readonly ReceivedMessage[],
    robot: string,
    kind: 'firing' | 'resolved',
    code: string,
  ): number =>
    all.filter(
      (m) =>
        m.accepted &&
        m.robot === robot &&
        m.text.includes(code) &&
        (kind === 'resolved'
          ? /已恢复|RESOLVED/.test(m.text)
          : /[［[](告警|FIRING)·/.test(m.text) && !/已恢复|RESOLVED/.test(m.text)),
    ).length;

  it('groups, sends each alert once across two replicas, survives the leader’s kill -9, and delivers the resolves', async () => {
    // The second replica, with the same settings.
    await fleet.start(
      'alerter-2',
      'alerter',
      { REDIS_URL: redis().url, REDIS_PREFIX: PREFIX, OPS_PORT: String(await findFreePort()), ...alerterEnv },
      /"msg":"alerter started"/,
    );
    await waitFor(
      async () => {
        const counts = await queues.orders.getJobCounts('waiting', 'active', 'delayed');
        const done = (await queues.failed.count()) > 0 && Object.values(counts).every((n) => n === 0);
        return done && (await admin<{ byCode: Record<string, number> }>('GET', '/failed?limit=1')).byCode;
      },
      { timeoutMs: 120_000, intervalMs: 500, description: 'every order saved or dead-lettered' },
    );
    const byCode = (await admin<{ byCode: Record<string, number> }>('GET', '/failed?limit=1')).byCode;
    const codes = Object.keys(byCode).sort();
    expect(codes).toEqual(['K3_BASEDATA_MISSING', 'MAP_MISSING_CUSTOMER']);

    // One grouped message per code and robot, carrying the code's whole count.
    await waitFor(
      async () => {
        const all = await messages();
        return codes.every(
          (code) => sent(all, 'dingtalk', 'firing', code) >= 1 && sent(all, 'feishu', 'firing', code) >= 1,
        );
      },
      { timeoutMs: 90_000, intervalMs: 500, description: 'the firing messages' },
    );
    const fired = await messages();
    for (const code of codes) {
      expect(sent(fired, 'dingtalk', 'firing', code), code).toBe(1);
      expect(sent(fired, 'feishu', 'firing', code), code).toBe(1);
    }
    const dingText = fired
      .filter((m) => m.robot === 'dingtalk' && m.accepted)
      .map((m) => m.text)
      .join('\n');
    expect(dingText).toContain(`${byCode.K3_BASEDATA_MISSING} 张订单因 K3_BASEDATA_MISSING 进入死信队列`);
    expect(dingText).toMatch(/缺少的基础资料\*\*：物料 \S+（\d+ 单）/);
    expect(dingText).toContain(`${endpoints.adminUrl}/console/dead-letters?code=K3_BASEDATA_MISSING`);
    const feishuText = fired
      .filter((m) => m.robot === 'feishu' && m.accepted)
      .map((m) => m.text)
      .join('\n');
    expect(feishuText).toContain(
      `${byCode.MAP_MISSING_CUSTOMER} orders dead-lettered with MAP_MISSING_CUSTOMER`,
    );
    // The wrong secret: refused by the robot, a channel failure, and no crash.
    expect(fired.filter((m) => !m.accepted).every((m) => m.robot === 'feishu' && m.reason === 'sign')).toBe(
      true,
    );
    const channels = await admin<{
      channels: Array<{ name: string; consecutiveFailures: number; lastFailure: { code: string } | null }>;
    }>('GET', '/alerts/channels');
    expect(channels.channels.find((c) => c.name === 'bad-feishu')).toMatchObject({
      lastFailure: { code: 'ALERT_CHANNEL_AUTH' },
    });

    // kill -9 the replica that evaluates; the other takes the lease once it expires.
    const holder = (await producer.get(`{${PREFIX}}:alerts:lease`)) ?? '';
    const leader = fleet.members.find(
      (m) => m.name.startsWith('alerter') && holder.endsWith(`-${m.proc.pid}`),
    );
    expect(leader, holder).toBeDefined();
    leader?.proc.signal('SIGKILL');
    await leader?.proc.exited;

    // The fix: K3's administrator adds the missing materials; replay; the customers' orders discarded.
    const letters = await queues.failed.getJobs(['wait'], 0, -1);
    const materials = new Set<string>();
    for (const job of letters)
      for (const error of job.data.error.fieldErrors as Array<{ message: string }>)
        for (const [, number] of error.message.matchAll(/基础资料[“"]([^”"]+)[”"]/g))
          materials.add(number as string);
    expect(materials.size).toBeGreaterThan(0);
    await jsonControl(endpoints.k3Url)('POST', '/_sim/basedata', {
      materials: [...materials].map((number) => ({ number, name: number })),
    });
    await admin('POST', '/failed/replay', { filter: { code: ['K3_BASEDATA_MISSING'] }, limit: 1_000 });
    for (const job of letters.filter((j) => j.data.error.code === 'MAP_MISSING_CUSTOMER'))
      await admin('DELETE', `/failed/${job.id}`, { reason: 'test orders without a customer' });
    await waitFor(async () => (await queues.failed.count()) === 0, {
      timeoutMs: 120_000,
      intervalMs: 500,
      description: 'the dead-letter queue empty',
    });

    await waitFor(
      async () => {
        const all = await messages();
        return codes.every(
          (code) =>
            sent(all, 'dingtalk', 'resolved', code) >= 1 && sent(all, 'feishu', 'resolved', code) >= 1,
        );
      },
      { timeoutMs: 90_000, intervalMs: 500, description: 'the resolve messages' },
    );
    // The channel that never worked is reported to the others once it failed for a minute.
    await waitFor(async () => (await messages()).some((m) => m.accepted && m.text.includes('bad-feishu')), {
      timeoutMs: 150_000,
      intervalMs: 1_000,
      description: 'the alert-channel-failing message',
    });
    const all = await messages();
    for (const code of codes) {
      expect(sent(all, 'dingtalk', 'resolved', code), code).toBe(1);
      expect(sent(all, 'feishu', 'resolved', code), code).toBe(1);
      expect(sent(all, 'dingtalk', 'firing', code), code).toBe(1);
    }
    expect(all.filter((m) => !m.accepted).every((m) => m.reason === 'sign')).toBe(true);
    const evaluator = (await admin<{ evaluator: string }>('GET', '/alerts')).evaluator;
    expect(evaluator).not.toBe(holder);
  });
});
