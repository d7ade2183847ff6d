import { describe, expect, it } from 'vitest';
import { channelTarget, parseChannels } from './config.ts';

const DING = 'https://oapi.dingtalk.com/robot/send?access_token=tok-secret-123';
const parse = (value: unknown) => {
  const problems: string[] = [];
  const channels = parseChannels({ ALERT_CHANNELS: JSON.stringify(value) }, problems);
  return { channels, problems };
};

describe('parseChannels', () => {
  it('accepts each channel type with its defaults', () => {
    const { channels, problems } = parse([
      { type: 'dingtalk', name: 'ops', webhook: DING, secret: 'SECabcdefghijk' },
      {
        type: 'wecom',
        name: 'wx',
        webhook: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k-1',
        language: 'en',
      },
      {
        type: 'feishu',
        name: 'fs',
        webhook: 'https://open.feishu.cn/open-apis/bot/v2/hook/abc',
        secret: 'feishu-secret',
      },
      { type: 'slack', name: 'sl', webhook: 'https://hooks.slack.com/services/T1/B2/c3' },
      {
        type: 'webhook',
        name: 'hook',
        webhook: 'https://example.com/in?token=t',
        secret: 'a-long-enough-secret',
      },
    ]);
    expect(problems).toEqual([]);
    expect(channels.map((c) => [c.name, c.minSeverity, c.language])).toEqual([
      ['ops', 'warning', 'zh-CN'],
      ['wx', 'warning', 'en'],
      ['fs', 'warning', 'zh-CN'],
      ['sl', 'warning', 'zh-CN'],
      ['hook', 'warning', 'zh-CN'],
    ]);
  });

  it.each([
    [
      [{ type: 'dingding', name: 'a', webhook: DING }],
      /^ALERT_CHANNELS\[0\]\.type: unknown channel type "dingding"/,
    ],
    [
      [{ type: 'wecom', name: 'a', webhook: 'not a url' }],
      /^ALERT_CHANNELS\[0\]\.webhook: not an http\(s\) URL$/,
    ],
    [
      [{ type: 'wecom', name: 'a', webhook: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send' }],
      /webhook: lacks \?key=/,
    ],
    [[{ type: 'dingtalk', name: 'a', webhook: DING }], /^ALERT_CHANNELS\[0\]\.secret: required/],
    [
      [{ type: 'dingtalk', name: 'a', webhook: DING, security: 'sign' }],
      /secret: required when security is "sign"/,
    ],
    [
      [{ type: 'dingtalk', name: 'a', webhook: DING, secret: 'nope-not-sec' }],
      /secret: a DingTalk secret starts with SEC/,
    ],
    [[{ type: 'webhook', name: 'a', webhook: 'https://example.com/x' }], /^ALERT_CHANNELS\[0\]\.secret: /],
    [
      [{ type: 'slack', name: 'a', webhook: 'https://hooks.slack.com/x', secert: 'typo' }],
      /Unrecognized key/,
    ],
    [
      [
        { type: 'slack', name: 'a', webhook: 'https://hooks.slack.com/x' },
        { type: 'slack', name: 'a', webhook: 'https://hooks.slack.com/y' },
      ],
      /^ALERT_CHANNELS\[1\]\.name: "a" is used by an earlier channel$/,
    ],
    [{ type: 'slack' }, /^ALERT_CHANNELS: must be an array/],
  ])('refuses %j naming the setting', (value, expected) => {
    const { channels, problems } = parse(value);
    expect(channels).toEqual([]);
    expect(problems.join('\n')).toMatch(expected);
  });

  it('never quotes a value: not the JSON, not the webhook, not the secret', () => {
    const problems: string[] = [];
    parseChannels(
      { ALERT_CHANNELS: `[{"type":"dingtalk","webhook":"${DING}","secret":"SECsecret-xyz",}` },
      problems,
    );
    parseChannels(
      {
        ALERT_CHANNELS: JSON.stringify([
          { type: 'dingtalk', name: 'A B', webhook: `${DING} x`, secret: 'SECsecret-xyz' },
        ]),
      },
      problems,
    );
    expect(problems.length).toBeGreaterThan(1);
    for (const problem of problems) {
      expect(problem).not.toContain('tok-secret-123');
      expect(problem).not.toContain('SECsecret-xyz');
    }
  });

  it('refuses both settings at once, and reads none as no channels', () => {
    const problems: string[] = [];
    expect(parseChannels({ ALERT_CHANNELS: '[]', ALERT_CHANNELS_FILE: '/x.json' }, problems)).toEqual([]);
    expect(problems).toEqual(['ALERT_CHANNELS_FILE: set ALERT_CHANNELS or ALERT_CHANNELS_FILE, not both']);
    const none: string[] = [];
    expect(parseChannels({}, none)).toEqual([]);
    expect(none).toEqual([]);
  });

  it('shows where a channel posts without its credential', () => {
    const { channels } = parse([
      { type: 'dingtalk', name: 'a', webhook: DING, keyword: '告警' },
      { type: 'feishu', name: 'b', webhook: 'https://open.feishu.cn/open-apis/bot/v2/hook/tok-feishu' },
      { type: 'slack', name: 'c', webhook: 'https://hooks.slack.com/services/T1/B2/tok-slack' },
    ]);
    expect(channels.map(channelTarget)).toEqual([
      'https://oapi.dingtalk.com/robot/send',
      'https://open.feishu.cn/open-apis/bot/v2/hook/***',
      'https://hooks.slack.com/***',
    ]);
  });
});
