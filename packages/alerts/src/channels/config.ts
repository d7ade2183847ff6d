import { readFileSync } from 'node:fs';
import { LANGUAGES } from '@wdt-k3/jobs';
import { envInt } from '@wdt-k3/runtime';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { SEVERITIES } from '../severity.ts';

/**
 * The alert channels of a deployment (`ALERT_CHANNELS` JSON, or `ALERT_CHANNELS_FILE` JSON/YAML),
 * checked once at start. Webhook URLs carry the robot's credential and `secret` signs: both are
 * secrets, so a problem names the setting and the entry, never a value.
 */
export const CHANNEL_TYPES = ['dingtalk', 'wecom', 'feishu', 'slack', 'webhook'] as const;
export type ChannelType = (typeof CHANNEL_TYPES)[number];

/** Messages a channel may send per window when its entry says nothing (README, per vendor). */
export const DEFAULT_RATE_LIMITS: Readonly<
  Record<ChannelType, { messages: number; perMs: number; minIntervalMs: number }>
> = {
  // DingTalk and WeCom allow 20 a minute; over it DingTalk mutes the robot for 10 minutes. 18 in
  // our sliding minute leaves room for latency moving two sends closer together on their clock.
  dingtalk: { messages: 18, perMs: 60_000, minIntervalMs: 0 },
  wecom: { messages: 18, perMs: 60_000, minIntervalMs: 0 },
  // Feishu: 100 a minute and 5 a second per bot.
  feishu: { messages: 90, perMs: 60_000, minIntervalMs: 250 },
  // Slack: about one a second per webhook.
  slack: { messages: 50, perMs: 60_000, minIntervalMs: 1_100 },
  webhook: { messages: 60, perMs: 60_000, minIntervalMs: 0 },
};

const isHttpUrl = (value: string): boolean => {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
};

const webhookUrl = (needs: (url: URL) => boolean, what: string) =>
  z
    .string()
    .refine(isHttpUrl, 'not an http(s) URL')
    .refine((value) => !isHttpUrl(value) || needs(new URL(value)), what);

const ruleFilter = z
  .array(z.string().regex(/^[a-z0-9*-]{1,60}$/, 'a rule id or a pattern like dead-*'))
  .min(1);

const common = {
  name: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'lower-case letters, digits, - and _ (at most 40)'),
  /** Rule ids (or `prefix*` patterns) this channel receives; all when absent. */
  rules: ruleFilter.optional(),
  excludeRules: ruleFilter.optional(),
  minSeverity: z.enum(SEVERITIES).default('warning'),
  language: z.enum(LANGUAGES).default('zh-CN'),
  timeoutMs: envInt.pipe(z.number().min(1_000).max(60_000)).default(10_000),
  rateLimit: z
    .strictObject({
      messages: envInt.pipe(z.number().min(1).max(10_000)),
      perMs: envInt.pipe(z.number().min(1_000).max(3_600_000)),
    })
    .optional(),
};

const keyword = z.string().trim().min(1).max(20);

const dingtalk = z.strictObject({
  ...common,
  type: z.literal('dingtalk'),
  webhook: webhookUrl((url) => url.searchParams.has('access_token'), 'lacks ?access_token=…'),
  /** 加签: the robot's `SEC…` secret. */
  secret: z.string().startsWith('SEC', 'a DingTalk secret starts with SEC').min(10).optional(),
  /** 自定义关键词: one of the robot's keywords, put into every message. */
  keyword: keyword.optional(),
  /** `ip`: the robot checks our IP only (neither sign nor keyword). */
  security: z.enum(['sign', 'keyword', 'ip']).optional(),
});

const wecom = z.strictObject({
  ...common,
  type: z.literal('wecom'),
  webhook: webhookUrl((url) => url.searchParams.has('key'), 'lacks ?key=…'),
});

const feishu = z.strictObject({
  ...common,
  type: z.literal('feishu'),
  webhook: webhookUrl(
    (url) => /\/open-apis\/bot\/v2\/hook\/[^/]+$/.test(url.pathname),
    'not a …/open-apis/bot/v2/hook/<token> URL',
  ),
  /** 签名校验 secret, when the bot has it on. */
  secret: z.string().min(8).optional(),
  keyword: keyword.optional(),
});

const slack = z.strictObject({
  ...common,
  type: z.literal('slack'),
  webhook: webhookUrl(() => true, ''),
});

const webhook = z.strictObject({
  ...common,
  type: z.literal('webhook'),
  webhook: webhookUrl(() => true, ''),
  /** HMAC-SHA256 key for `X-WdtK3-Signature`; receivers verify with it. */
  secret: z
    .string({
      error: (issue) =>
        issue.input === undefined ? 'required (the HMAC key receivers verify with)' : 'must be text',
    })
    .min(16, 'at least 16 characters'),
});

const channelSchema = z.discriminatedUnion('type', [dingtalk, wecom, feishu, slack, webhook]);

export type ChannelConfig = z.output<typeof channelSchema>;
export type ChannelOf<T extends ChannelType> = Extract<ChannelConfig, { type: T }>;

/** One line per problem: `ALERT_CHANNELS[1].webhook: not an http(s) URL`. */
function entryProblems(setting: string, index: number, entry: unknown): string[] {
  const where = `${setting}[${index}]`;
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry))
    return [`${where}: must be an object with a "type"`];
  const type = (entry as { type?: unknown }).type;
  if (typeof type !== 'string' || !(CHANNEL_TYPES as readonly string[]).includes(type))
    return [
      `${where}.type: unknown channel type ${typeof type === 'string' ? JSON.stringify(type.slice(0, 20)) : '(none)'} (one of ${CHANNEL_TYPES.join(', ')})`,
    ];
  const parsed = channelSchema.safeParse(entry);
  if (parsed.success) return securityProblems(where, parsed.data);
  return parsed.error.issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    return `${where}${path === '' ? '' : `.${path}`}: ${issue.message}`;
  });
}

function securityProblems(where: string, channel: ChannelConfig): string[] {
  if (channel.type !== 'dingtalk') return [];
  const security =
    channel.security ?? (channel.secret !== undefined ? 'sign' : channel.keyword ? 'keyword' : null);
  if (security === null)
    return [
      `${where}.secret: required (加签 SEC… secret), or give keyword, or security "ip" for an IP allow-list robot`,
    ];
  if (security === 'sign' && channel.secret === undefined)
    return [`${where}.secret: required when security is "sign"`];
  if (security === 'keyword' && channel.keyword === undefined)
    return [`${where}.keyword: required when security is "keyword"`];
  return [];
}

function readSource(
  env: { readonly ALERT_CHANNELS?: string | undefined; readonly ALERT_CHANNELS_FILE?: string | undefined },
  problems: string[],
): { setting: string; value: unknown } | null {
  const inline = env.ALERT_CHANNELS?.trim() ?? '';
  const file = env.ALERT_CHANNELS_FILE?.trim() ?? '';
  if (inline !== '' && file !== '') {
    problems.push('ALERT_CHANNELS_FILE: set ALERT_CHANNELS or ALERT_CHANNELS_FILE, not both');
    return null;
  }
  if (inline !== '') {
    try {
      return { setting: 'ALERT_CHANNELS', value: JSON.parse(inline) };
    } catch {
      // JSON.parse's message quotes the input, which holds webhook tokens: say where only.
      problems.push('ALERT_CHANNELS: not valid JSON (a JSON array of channels)');
      return null;
    }
  }
  if (file === '') return { setting: 'ALERT_CHANNELS', value: [] };
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    problems.push(
      `ALERT_CHANNELS_FILE: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
    );
    return null;
  }
  try {
    return {
      setting: 'ALERT_CHANNELS_FILE',
      value: /\.ya?ml$/i.test(file) ? parseYaml(text) : JSON.parse(text),
    };
  } catch {
    problems.push(`ALERT_CHANNELS_FILE: ${file} is not valid ${/\.ya?ml$/i.test(file) ? 'YAML' : 'JSON'}`);
    return null;
  }
}

/**
 * The channels, or the problems (pushed to `problems`, one line each, naming the setting): an
 * unknown type, a malformed URL, a missing secret, a duplicate name, an unknown key.
 */
export function parseChannels(
  env: { readonly ALERT_CHANNELS?: string | undefined; readonly ALERT_CHANNELS_FILE?: string | undefined },
  problems: string[],
): ChannelConfig[] {
  const source = readSource(env, problems);
  if (source === null) return [];
  const list = source.value;
  if (!Array.isArray(list)) {
    problems.push(`${source.setting}: must be an array of channels`);
    return [];
  }
  const found: string[] = [];
  list.forEach((entry, index) => {
    found.push(...entryProblems(source.setting, index, entry));
  });
  if (found.length > 0) {
    problems.push(...found);
    return [];
  }
  const channels = list.map((entry) => channelSchema.parse(entry));
  const seen = new Set<string>();
  channels.forEach((channel, index) => {
    if (seen.has(channel.name))
      problems.push(`${source.setting}[${index}].name: "${channel.name}" is used by an earlier channel`);
    seen.add(channel.name);
  });
  return problems.length > 0 ? [] : channels;
}

/** Where a channel posts, without its credential: `https://oapi.dingtalk.com/robot/send` (for people and logs). */
export function channelTarget(channel: ChannelConfig): string {
  const url = new URL(channel.webhook);
  // DingTalk and WeCom carry the credential in the query, Feishu and Slack in the path; a
  // generic receiver may do either, so only its host is shown.
  const path =
    channel.type === 'feishu'
      ? url.pathname.replace(/[^/]+$/, '***')
      : channel.type === 'slack' || channel.type === 'webhook'
        ? '/***'
        : url.pathname;
  return `${url.protocol}//${url.host}${path}`;
}

export function rateLimitOf(channel: ChannelConfig): {
  messages: number;
  perMs: number;
  minIntervalMs: number;
} {
  const defaults = DEFAULT_RATE_LIMITS[channel.type];
  return channel.rateLimit === undefined ? defaults : { ...defaults, ...channel.rateLimit };
}
