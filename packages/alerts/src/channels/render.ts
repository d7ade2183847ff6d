import type { Language } from '@wdt-k3/jobs';
import type { Notification, NotificationKind } from '../engine/types.ts';
import { ruleById } from '../rules/catalogue.ts';
import { beijing, duration, str } from '../rules/format.ts';
import { type FindingView, say } from '../rules/types.ts';
import type { Severity } from '../severity.ts';

/** One notification as a person reads it, in one language, before a channel's dialect. */
export interface RenderedAlert {
  readonly id: string;
  readonly kind: NotificationKind;
  readonly severity: Severity;
  /** `[告警·严重] 死信：K3 基础资料缺失`. */
  readonly heading: string;
  readonly summary: string;
  readonly fields: ReadonlyArray<readonly [string, string]>;
  readonly action: string | null;
  /** The console page that acts on it; null without ALERT_LINK_BASE_URL. */
  readonly link: string | null;
  readonly linkLabel: string;
  readonly command: string | null;
  /** The notification itself, for the generic webhook's JSON. */
  readonly notification: Notification;
}

const KIND: Readonly<Record<NotificationKind, readonly [string, string]>> = {
  firing: ['告警', 'FIRING'],
  update: ['告警更新', 'UPDATE'],
  reminder: ['仍未解决', 'STILL FIRING'],
  resolved: ['已恢复', 'RESOLVED'],
  test: ['测试', 'TEST'],
};

const SEVERITY: Readonly<Record<Severity, readonly [string, string]>> = {
  critical: ['严重', 'critical'],
  warning: ['警告', 'warning'],
  info: ['提示', 'info'],
};

export interface RenderOptions {
  readonly language: Language;
  /** `https://ops.example.com` (ALERT_LINK_BASE_URL); links are left out without it. */
  readonly linkBase: string | null;
  /** The channel it goes to (a test message names it). */
  readonly channel: string;
}

const label = (pair: readonly [string, string], language: Language): string =>
  language === 'en' ? pair[1] : pair[0];

function testAlert(notification: Notification, options: RenderOptions): RenderedAlert {
  const { language } = options;
  return {
    id: notification.id,
    kind: 'test',
    severity: 'info',
    heading: say(
      language,
      `[测试] wdt-k3-sync 告警通道 ${options.channel}`,
      `[TEST] wdt-k3-sync alert channel ${options.channel}`,
    ),
    summary: say(
      language,
      `这是一条测试消息：告警能送达这个群。由 ${notification.requestedBy ?? '?'} 于 ${beijing(notification.at, language)} 发送。`,
      `A test message: alerts reach this group. Sent by ${notification.requestedBy ?? '?'} at ${beijing(notification.at, language)}.`,
    ),
    fields: [],
    action: null,
    link: options.linkBase === null ? null : `${options.linkBase}/console/alerts`,
    linkLabel: say(language, '打开告警页面', 'Open the alerts page'),
    command: null,
    notification,
  };
}

/** What a message says about one notification. */
export function renderNotification(notification: Notification, options: RenderOptions): RenderedAlert {
  if (notification.kind === 'test') return testAlert(notification, options);
  const { language } = options;
  const rule = ruleById(notification.rule);
  const view: FindingView = {
    subject: notification.subject,
    value: notification.value,
    since: notification.since,
    facts: notification.facts,
  };
  const text = rule?.describe(view, language) ?? {
    title: notification.key,
    summary: str(notification.facts, 'summary'),
    fields: [],
    action: '',
  };
  const tag = `${label(KIND[notification.kind], language)}·${label(SEVERITY[notification.severity], language)}`;
  const resolved = notification.kind === 'resolved';
  const resolvedAt = notification.resolvedAt ?? notification.at;
  const summary = resolved
    ? say(
        language,
        `已于 ${beijing(resolvedAt, language)} 恢复，持续 ${duration(resolvedAt - notification.since, language)}。最后一次：${text.summary}`,
        `Resolved at ${beijing(resolvedAt, language)} after ${duration(resolvedAt - notification.since, language)}. Last seen: ${text.summary}`,
      )
    : text.summary;
  const path = rule?.link(view) ?? '/console/alerts';
  return {
    id: notification.id,
    kind: notification.kind,
    severity: notification.severity,
    heading: `[${tag}] ${text.title}`,
    summary,
    fields: resolved
      ? []
      : [...text.fields, [say(language, '开始于', 'Since'), beijing(notification.since, language)] as const],
    action: resolved || text.action === '' ? null : text.action,
    link: options.linkBase === null ? null : `${options.linkBase}${path}`,
    linkLabel: say(language, '在控制台处理', 'Act on it in the console'),
    command: resolved ? null : (rule?.command(view) ?? null),
    notification,
  };
}

/** The title of a message that carries several notifications. */
export function digestTitle(alerts: readonly RenderedAlert[], language: Language): string {
  const firing = alerts.filter((alert) => alert.kind !== 'resolved' && alert.kind !== 'test').length;
  const resolved = alerts.filter((alert) => alert.kind === 'resolved').length;
  return say(
    language,
    `wdt-k3-sync 告警汇总：${firing} 条告警，${resolved} 条恢复`,
    `wdt-k3-sync alerts: ${firing} firing, ${resolved} resolved`,
  );
}
