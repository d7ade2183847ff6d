export {
  type Alerter,
  type AlerterDeps,
  type AlerterHooks,
  type AlerterSettings,
  createAlerter,
  type EvaluationReport,
} from './alerter.ts';
export {
  type AlertView,
  alertFilterSchema,
  alertListSchema,
  alertViewSchema,
  channelListSchema,
  createSilence,
  endSilence,
  listAlerts,
  listChannels,
  listSilences,
  requestTest,
  type SilenceInput,
  silenceInputSchema,
  silenceListSchema,
  type TestOutcome,
  testOutcomeSchema,
} from './api.ts';
export {
  CHANNEL_TYPES,
  type ChannelConfig,
  type ChannelType,
  channelTarget,
  DEFAULT_RATE_LIMITS,
  parseChannels,
  rateLimitOf,
} from './channels/config.ts';
export { dingtalkSign } from './channels/dingtalk.ts';
export { feishuSign } from './channels/feishu.ts';
export { type RenderedAlert, renderNotification } from './channels/render.ts';
export { buildMessage, sendMessage } from './channels/send.ts';
export type { SendOutcome } from './channels/vendor.ts';
export { SIGNATURE_HEADER, TIMESTAMP_HEADER, webhookSignature } from './channels/webhook.ts';
export { superseded } from './delivery/deliver.ts';
export { routes, ruleMatches } from './delivery/routing.ts';
export {
  alertKeyOf,
  type EvaluationSettings,
  evaluate,
  muteOf,
  type RuleOutcome,
} from './engine/evaluate.ts';
export {
  ALERT_STATUSES,
  type AlertState,
  type AlertStatus,
  alertStateSchema,
  type ChannelStatus,
  channelStatusSchema,
  NOTIFICATION_KINDS,
  type Notification,
  type NotificationKind,
  notificationSchema,
  SILENCE_KINDS,
  type Silence,
  type SilenceKind,
  silenceSchema,
} from './engine/types.ts';
export { ALERT_ERROR_CODES, ALERT_ERRORS, AlertError, type AlertErrorCode } from './errors.ts';
export { alertKeys } from './keys.ts';
export { type ConfiguredRule, configureRules, RULE_IDS, RULES, ruleById } from './rules/catalogue.ts';
export type { AlertRule, Finding, RuleEnvironment } from './rules/types.ts';
export { SEVERITIES, type Severity } from './severity.ts';
export { type Snapshot, SOURCE_NAMES, type SourceName } from './sources/types.ts';
