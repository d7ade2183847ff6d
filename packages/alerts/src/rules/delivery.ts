import { envInt } from '@wdt-k3/runtime';
import { z } from 'zod';
import { beijing, num, str } from './format.ts';
import { defineRule, say } from './types.ts';

/**
 * An alert channel failing for N minutes: an alerting outage must itself be visible. Sent to the
 * other channels (the failing one would not carry it), counted in metrics, shown by wdt-k3 status.
 */
export const channelFailingRule = defineRule({
  id: 'alert-channel-failing',
  severity: 'warning',
  needs: ['channels'],
  settings: z.strictObject({ minutes: envInt.pipe(z.number().min(1).max(1_440)).default(10) }),
  forMs: 0,
  doc: {
    'zh-CN': {
      name: '告警通道发送失败',
      meaning:
        '某个告警通道（机器人）连续发送失败超过 N 分钟：那个群收不到告警。消息在队列里保留，恢复后补发。',
      action:
        '用 `wdt-k3 alerts channels` 看失败代码（签名、关键词、token、限流），改好 `ALERT_CHANNELS` 后重启告警服务，再 `wdt-k3 alerts test <通道>`。',
    },
    en: {
      name: 'Alert channel failing',
      meaning:
        'An alert channel (robot) has failed to deliver for N minutes: that group gets no alerts. Messages stay queued and go out once it works.',
      action:
        'See the failure code with `wdt-k3 alerts channels` (sign, keyword, token, throttle); fix `ALERT_CHANNELS`, restart the alerter, then `wdt-k3 alerts test <channel>`.',
    },
  },
  evaluate: (snapshot, settings) =>
    (snapshot.channels ?? [])
      .filter(
        (channel) =>
          channel.failingSince !== null && snapshot.now - channel.failingSince >= settings.minutes * 60_000,
      )
      .map((channel) => ({
        subject: channel.name,
        value: channel.consecutiveFailures,
        since: channel.failingSince ?? snapshot.now,
        facts: {
          channel: channel.name,
          type: channel.type,
          failures: channel.consecutiveFailures,
          code: channel.lastFailure?.code ?? '',
          message: channel.lastFailure?.message ?? '',
        },
      })),
  describe: (finding, language) => ({
    title: say(
      language,
      `告警通道发送失败：${finding.subject ?? ''}`,
      `Alert channel failing: ${finding.subject ?? ''}`,
    ),
    summary: say(
      language,
      `通道 ${str(finding.facts, 'channel')}（${str(finding.facts, 'type')}）自 ${beijing(finding.since, language)} 起连续失败 ${num(finding.facts, 'failures')} 次。`,
      `Channel ${str(finding.facts, 'channel')} (${str(finding.facts, 'type')}) has failed ${num(finding.facts, 'failures')} times in a row since ${beijing(finding.since, language)}.`,
    ),
    fields: [
      [say(language, '错误代码', 'Code'), str(finding.facts, 'code')],
      [say(language, '原始错误', 'Message'), str(finding.facts, 'message')],
    ],
    action: say(
      language,
      '用 wdt-k3 alerts channels 查看原因，修正 ALERT_CHANNELS 后重启告警服务并发送测试消息。',
      'See wdt-k3 alerts channels, fix ALERT_CHANNELS, restart the alerter and send a test message.',
    ),
  }),
  link: () => '/console/alerts',
  command: (finding) => `wdt-k3 alerts test ${finding.subject ?? '<channel>'}`,
  excludeChannel: (finding) => finding.subject,
});
