import type { ChannelConfig } from '../channels/config.ts';
import type { Notification } from '../engine/types.ts';
import { ruleById } from '../rules/catalogue.ts';
import { atLeast } from '../severity.ts';

/** `dead-letters` matches itself; `dead-*` every rule starting with `dead-`; `*` every rule. */
export function ruleMatches(pattern: string, ruleId: string): boolean {
  return pattern.endsWith('*') ? ruleId.startsWith(pattern.slice(0, -1)) : pattern === ruleId;
}

/** Whether `channel` receives `notification`: its rule filter, minimum severity, and exclusions. */
export function routes(channel: ChannelConfig, notification: Notification): boolean {
  if (notification.kind === 'test') return false;
  if (
    channel.rules !== undefined &&
    !channel.rules.some((pattern) => ruleMatches(pattern, notification.rule))
  )
    return false;
  if (channel.excludeRules?.some((pattern) => ruleMatches(pattern, notification.rule)) === true) return false;
  if (!atLeast(notification.severity, channel.minSeverity)) return false;
  const rule = ruleById(notification.rule);
  const excluded = rule?.excludeChannel?.({
    subject: notification.subject,
    value: notification.value,
    since: notification.since,
    facts: notification.facts,
  });
  return excluded !== channel.name;
}
