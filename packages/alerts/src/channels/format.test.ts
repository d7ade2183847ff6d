import { describe, expect, it } from 'vitest';
import type { Notification } from '../engine/types.ts';
import { type ChannelConfig, parseChannels } from './config.ts';
import { renderNotification } from './render.ts';
import { buildMessage } from './send.ts';

const channel = (entry: Record<string, unknown>): ChannelConfig => {
  const problems: string[] = [];
  const [parsed] = parseChannels({ ALERT_CHANNELS: JSON.stringify([{ name: 'c', ...entry }]) }, problems);
  if (parsed === undefined) throw new Error(problems.join('\n'));
  return parsed;
};

const deadLetters = (code: string, count: number, id = code): Notification => ({
  id,
  kind: 'firing',
  key: `dead-letters:${code}`,
  rule: 'dead-letters',
  severity: 'warning',
  subject: code,
  at: Date.UTC(2026, 10, 1, 1, 0, 0),
  since: Date.UTC(2026, 10, 1, 0, 30, 0),
  value: count,
  facts: {
    count,
    orderNos: ['CK202611010001', 'CK202611010002'],
    blocking: [{ kind: 'material', number: 'G9', orders: count }],
    message: '第1行字段“物料编码”的基础资料“G9”不存在 [click](http://evil.example)',
  },
  resolvedAt: null,
  requestedBy: null,
});

const render = (notification: Notification, language: 'zh-CN' | 'en' = 'zh-CN') =>
  renderNotification(notification, { language, linkBase: 'https://ops.example.com', channel: 'c' });

describe('messages', () => {
  it('DingTalk: markdown with the count, the code, the missing numbers, Beijing time, the link, signed and with the keyword', () => {
    const ding = channel({
      type: 'dingtalk',
      webhook: 'https://oapi.dingtalk.com/robot/send?access_token=t',
      secret: 'SECabcdefghijk',
      keyword: 'wdt告警',
    });
    const { request, included } = buildMessage(
      ding,
      [render(deadLetters('K3_BASEDATA_MISSING', 37))],
      1_700_000_000_000,
    );
    expect(included).toBe(1);
    expect(request.url).toMatch(/access_token=t&timestamp=1700000000000&sign=[A-Za-z0-9%]+$/);
    const body = JSON.parse(request.body) as { msgtype: string; markdown: { title: string; text: string } };
    expect(body.msgtype).toBe('markdown');
    expect(body.markdown.title).toContain('wdt告警');
    expect(body.markdown.text).toContain('37 张订单因 K3_BASEDATA_MISSING 进入死信队列');
    expect(body.markdown.text).toContain('物料 G9（37 单）');
    expect(body.markdown.text).toContain('2026-11-01 08:30:00（北京时间）');
    expect(body.markdown.text).toContain(
      '(https://ops.example.com/console/dead-letters?code=K3_BASEDATA_MISSING)',
    );
    expect(body.markdown.text).toContain('wdt-k3 failed list --code K3_BASEDATA_MISSING');
    // Data cannot open a link of its own.
    expect(body.markdown.text).not.toContain('[click](http://evil.example)');
  });

  it('English on request', () => {
    const slack = channel({
      type: 'slack',
      webhook: 'https://hooks.slack.com/services/a/b/c',
      language: 'en',
    });
    const { request } = buildMessage(slack, [render(deadLetters('MAP_MISSING_CUSTOMER', 1), 'en')], 0);
    const text = (JSON.parse(request.body) as { text: string }).text;
    expect(text).toContain('1 order dead-lettered with MAP_MISSING_CUSTOMER');
    expect(text).toContain('<https://ops.example.com/console/dead-letters?code=MAP_MISSING_CUSTOMER|');
  });

  it('WeCom: a digest carries as many alerts as fit 4,096 bytes of markdown, the rest wait', () => {
    const wecom = channel({
      type: 'wecom',
      webhook: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k',
    });
    const alerts = Array.from({ length: 60 }, (_, i) => render(deadLetters(`K3_CODE_${i}`, i + 1)));
    const { request, included } = buildMessage(wecom, alerts, 0);
    const content = (JSON.parse(request.body) as { markdown: { content: string } }).markdown.content;
    expect(included).toBeGreaterThan(1);
    expect(included).toBeLessThan(60);
    expect(Buffer.byteLength(content)).toBeLessThanOrEqual(4_096);
    expect(content).toContain(`K3_CODE_${included - 1}`);
    expect(content).not.toContain(`K3_CODE_${included}`);
  });

  it('shrinks a single alert that is too large instead of refusing it', () => {
    const wecom = channel({
      type: 'wecom',
      webhook: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k',
    });
    const huge = deadLetters('K3_BASEDATA_MISSING', 5);
    const { request } = buildMessage(
      wecom,
      [render({ ...huge, facts: { ...huge.facts, message: '长'.repeat(5_000) } })],
      0,
    );
    const content = (JSON.parse(request.body) as { markdown: { content: string } }).markdown.content;
    expect(Buffer.byteLength(content)).toBeLessThanOrEqual(4_096);
    expect(content).toContain('K3_BASEDATA_MISSING');
  });

  it('Feishu: an interactive card, signed in the body, green when everything resolved', () => {
    const feishu = channel({
      type: 'feishu',
      webhook: 'https://open.feishu.cn/open-apis/bot/v2/hook/x',
      secret: 'feishu-secret-1',
    });
    const resolved: Notification = {
      ...deadLetters('K3_BASEDATA_MISSING', 2),
      kind: 'resolved',
      resolvedAt: Date.UTC(2026, 10, 1, 2),
    };
    const body = JSON.parse(
      buildMessage(feishu, [render(resolved)], 1_700_000_000_123).request.body,
    ) as Record<string, unknown>;
    expect(body).toMatchObject({
      timestamp: '1700000000',
      sign: 'O+NhcBzGQTPcmDxsV+GPHkM1FmChG6fUDNuJCOKB2pM=',
      msg_type: 'interactive',
      card: { header: { template: 'green' } },
    });
    expect(JSON.stringify(body)).toContain('已于 2026-11-01 10:00:00（北京时间） 恢复，持续 1 小时 30 分钟');
  });
});
