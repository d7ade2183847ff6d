import { fileURLToPath } from 'node:url';
import { startProcess, useRedisServer } from '@wdt-k3/testkit';
import { describe, expect, it } from 'vitest';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const TOKEN = 'tok-9d1c77aa';
const SECRET = 'SECshould-never-print';

/** The real alerter process with a bad configuration: one line per problem, naming the setting; exit 1. */
describe('the alerter refusing a bad configuration', () => {
  const redis = useRedisServer();

  const start = (env: Record<string, string>) =>
    startProcess(process.execPath, [MAIN], {
      name: 'alerter-bad-config',
      env: { REDIS_URL: redis().url, ...env },
    });

  it.each([
    [
      'an unknown channel type',
      [
        {
          type: 'dingding',
          name: 'ops',
          webhook: `https://oapi.dingtalk.com/robot/send?access_token=${TOKEN}`,
        },
      ],
      [
        'ALERT_CHANNELS[0].type: unknown channel type "dingding" (one of dingtalk, wecom, feishu, slack, webhook)',
      ],
    ],
    [
      'a malformed URL',
      [{ type: 'wecom', name: 'ops', webhook: `qyapi.weixin.qq.com/send?key=${TOKEN}` }],
      ['ALERT_CHANNELS[0].webhook: not an http(s) URL'],
    ],
    [
      'a missing secret',
      [
        {
          type: 'dingtalk',
          name: 'ops',
          webhook: `https://oapi.dingtalk.com/robot/send?access_token=${TOKEN}`,
          secret: SECRET,
        },
        { type: 'webhook', name: 'hook', webhook: `https://example.com/in?token=${TOKEN}` },
      ],
      ['ALERT_CHANNELS[1].secret: required (the HMAC key receivers verify with)'],
    ],
  ])('%s', async (_what, channels, problems) => {
    const child = start({ ALERT_CHANNELS: JSON.stringify(channels) });
    const exit = await child.exited;
    expect(exit.code).toBe(1);
    const lines = child.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.map((line) => [line.code, line.source, line.problem])).toEqual(
      problems.map((problem) => ['CONFIG_INVALID', 'alerter configuration', problem]),
    );
    expect(child.lines.join('\n')).not.toContain(TOKEN);
    expect(child.lines.join('\n')).not.toContain(SECRET);
  });

  it('starts with no channel at all, and says so', async () => {
    const child = start({ OPS_PORT: '0', REDIS_PREFIX: 'bare' });
    await child.waitForLine(/"msg":"alerter started"/, 30_000);
    expect(child.lines.some((line) => line.includes('no alert channels'))).toBe(true);
    await child.stop(10_000);
  });
});
