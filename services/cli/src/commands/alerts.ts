import {
  alertFilterSchema,
  alertListSchema,
  type ChannelStatus,
  channelListSchema,
  silenceListSchema,
  silenceSchema,
  testOutcomeSchema,
} from '@wdt-k3/alerts';
import { z } from 'zod';
import { commandUsageError, requireOption, stringOption } from '../args.ts';
import { pathOf } from '../client.ts';
import { EXIT } from '../errors.ts';
import { formatBeijing, formatDuration } from '../format.ts';
import type { Style } from '../output.ts';
import { formatTable } from '../table.ts';
import { readAnswer } from './answers.ts';
import type { CommandSpec } from './types.ts';

const UNITS: Readonly<Record<string, number>> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `90s`, `30m`, `2h`, `1d`, `1h30m` → ms. */
export function parseDuration(text: string): number | null {
  const parts = [...text.trim().matchAll(/(\d+)\s*([smhd])/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text.trim().replace(/\s+/g, '')) return null;
  return parts.reduce((sum, [, n, unit]) => sum + Number(n) * (UNITS[unit as string] ?? 0), 0);
}

const forOption = {
  for: { type: 'string', value: 'DURATION', description: 'how long: 30m, 2h, 1d, 1h30m (required)' },
  reason: { type: 'string', value: 'TEXT', description: 'why, for the audit trail (required)' },
} as const;

function durationOf(args: Parameters<CommandSpec['run']>[1], command: CommandSpec): number {
  const text = requireOption(args, 'for', command);
  const ms = parseDuration(text);
  if (ms === null)
    throw commandUsageError(command, `--for must be a duration such as 30m, 2h or 1d, got "${text}"`);
  return ms;
}

const alertsList: CommandSpec = {
  path: ['alerts', 'list'],
  args: '',
  summary: 'Alerts firing (and pending, resolved): since when, how many, silenced or acknowledged',
  options: {
    state: { type: 'string', value: 'STATE', description: 'firing, pending, resolved or all (default all)' },
  },
  positionals: [0, 0],
  examples: ['wdt-k3 alerts list', 'wdt-k3 alerts list --state firing --json'],
  run: async (ctx, args) => {
    const state = alertFilterSchema.safeParse(stringOption(args, 'state') ?? 'all');
    if (!state.success)
      throw commandUsageError(alertsList, '--state must be firing, pending, resolved or all');
    const { body } = await ctx.client.request({
      method: 'GET',
      path: '/alerts',
      query: { state: state.data },
    });
    if (ctx.json) {
      ctx.out.json(body);
      return EXIT.ok;
    }
    const { alerts, evaluator } = readAnswer(alertListSchema, body, 'GET /alerts');
    const style = ctx.out.style;
    ctx.out.lines([
      `Evaluated by ${evaluator ?? style.red('no alerter (none holds the lease)')}`,
      ...(alerts.length === 0
        ? ['No alerts.']
        : formatTable(
            [
              { header: 'STATUS' },
              { header: 'SEVERITY' },
              { header: 'ALERT', maxWidth: 48 },
              { header: 'VALUE', align: 'right' },
              { header: 'SINCE (BEIJING)' },
              { header: 'MUTED' },
            ],
            alerts.map((alert) => [
              alert.status === 'firing' ? style.red('firing') : alert.status,
              alert.severity,
              alert.key,
              String(alert.value),
              formatBeijing(alert.since),
              alert.muted ?? '-',
            ]),
            style.bold,
          )),
    ]);
    return EXIT.ok;
  },
};

function silenceCommand(kind: 'silence' | 'ack'): CommandSpec {
  const spec: CommandSpec = {
    path: ['alerts', kind],
    args: kind === 'silence' ? '<rule>' : '<alert-key>',
    summary:
      kind === 'silence'
        ? 'Silence a rule (or one alert with --key) for a while: no messages, not even its resolve (audited)'
        : 'Acknowledge one alert for a while: no reminders or updates, the resolve still goes out (audited)',
    options:
      kind === 'silence'
        ? { key: { type: 'string', value: 'KEY', description: 'one alert of the rule' }, ...forOption }
        : forOption,
    positionals: [1, 1],
    examples:
      kind === 'silence'
        ? ['wdt-k3 alerts silence k3-failure-rate --for 2h --reason "K3 upgrade tonight"']
        : [
            'wdt-k3 alerts ack dead-letters:K3_BASEDATA_MISSING --for 4h --reason "K3 admin adds the materials"',
          ],
    run: async (ctx, args) => {
      const target = args.positionals[0] as string;
      const rule = kind === 'ack' ? (target.split(':')[0] ?? target) : target;
      const key = kind === 'ack' ? target : stringOption(args, 'key');
      const body = {
        rule,
        ...(key === undefined ? {} : { key }),
        kind,
        durationMs: durationOf(args, spec),
        reason: requireOption(args, 'reason', spec),
      };
      const answer = await ctx.client.request({ method: 'POST', path: '/alerts/silences', body });
      if (ctx.json) {
        ctx.out.json(answer.body);
        return EXIT.ok;
      }
      const { silence } = readAnswer(
        z.object({ silence: silenceSchema }),
        answer.body,
        'POST /alerts/silences',
      );
      ctx.out.line(
        `${kind === 'ack' ? 'Acknowledged' : 'Silenced'} ${silence.key ?? silence.rule} until ${formatBeijing(silence.until)} (Beijing); id ${silence.id} (wdt-k3 alerts unsilence ${silence.id}).`,
      );
      return EXIT.ok;
    },
  };
  return spec;
}

const alertsSilence = silenceCommand('silence');
const alertsAck = silenceCommand('ack');

const alertsUnsilence: CommandSpec = {
  path: ['alerts', 'unsilence'],
  args: '<id>',
  summary: 'End a silence or acknowledgement now (audited)',
  options: {},
  positionals: [1, 1],
  run: async (ctx, args) => {
    const answer = await ctx.client.request({
      method: 'DELETE',
      path: pathOf('alerts', 'silences', args.positionals[0] as string),
    });
    if (ctx.json) ctx.out.json(answer.body);
    else ctx.out.line(`Silence ${args.positionals[0]} ended.`);
    return EXIT.ok;
  },
};

const alertsSilences: CommandSpec = {
  path: ['alerts', 'silences'],
  args: '',
  summary: 'Silences and acknowledgements, active and recently expired',
  options: {},
  positionals: [0, 0],
  run: async (ctx) => {
    const { body } = await ctx.client.request({ method: 'GET', path: '/alerts/silences' });
    if (ctx.json) {
      ctx.out.json(body);
      return EXIT.ok;
    }
    const { silences } = readAnswer(silenceListSchema, body, 'GET /alerts/silences');
    const now = Date.now();
    ctx.out.lines(
      silences.length === 0
        ? ['No silences.']
        : formatTable(
            [
              { header: 'ID' },
              { header: 'KIND' },
              { header: 'ALERT' },
              { header: 'UNTIL (BEIJING)' },
              { header: 'BY' },
              { header: 'REASON', maxWidth: 40 },
            ],
            silences.map((s) => [
              s.id,
              s.until > now ? s.kind : `${s.kind} (over)`,
              s.key ?? s.rule,
              formatBeijing(s.until),
              s.by,
              s.reason,
            ]),
            ctx.out.style.bold,
          ),
    );
    return EXIT.ok;
  },
};

/** One line per channel that does not deliver: what `wdt-k3 status` and `alerts channels` show. */
export function channelProblem(channel: ChannelStatus, now: number, style: Style): string | null {
  if (channel.consecutiveFailures === 0 || channel.lastFailure === null) return null;
  const since = channel.failingSince ?? channel.lastFailure.at;
  return style.red(
    `channel ${channel.name} (${channel.type}) failing for ${formatDuration((now - since) / 1000)}: ${channel.consecutiveFailures} failed sends, last ${channel.lastFailure.code} ${channel.lastFailure.message}; ${channel.pending} waiting`,
  );
}

const alertsChannels: CommandSpec = {
  path: ['alerts', 'channels'],
  args: '',
  summary: 'Alert channels: where they post (no credential), waiting, delivered, failures, last error',
  options: {},
  positionals: [0, 0],
  run: async (ctx) => {
    const { body } = await ctx.client.request({ method: 'GET', path: '/alerts/channels' });
    if (ctx.json) {
      ctx.out.json(body);
      return EXIT.ok;
    }
    const { channels } = readAnswer(channelListSchema, body, 'GET /alerts/channels');
    const style = ctx.out.style;
    ctx.out.lines(
      channels.length === 0
        ? ['No alert channels (ALERT_CHANNELS of the alerter), or no alerter has run yet.']
        : formatTable(
            [
              { header: 'CHANNEL' },
              { header: 'TYPE' },
              { header: 'TARGET', maxWidth: 44 },
              { header: 'WAITING', align: 'right' },
              { header: 'DELIVERED', align: 'right' },
              { header: 'FAILURES', align: 'right' },
              { header: 'LAST ERROR', maxWidth: 40 },
            ],
            channels.map((c) => [
              c.name,
              c.type,
              c.target,
              String(c.pending),
              String(c.delivered),
              c.consecutiveFailures > 0 ? style.red(String(c.failures)) : String(c.failures),
              c.lastFailure === null ? '-' : `${c.lastFailure.code} ${formatBeijing(c.lastFailure.at)}`,
            ]),
            style.bold,
          ),
    );
    return EXIT.ok;
  },
};

const alertsTest: CommandSpec = {
  path: ['alerts', 'test'],
  args: '<channel>',
  summary: 'Send a test message to a channel and wait for the outcome (exit 1 when it failed)',
  options: {
    'wait-ms': {
      type: 'string',
      value: 'MS',
      description: 'how long to wait for the outcome (default 10000)',
    },
  },
  positionals: [1, 1],
  examples: ['wdt-k3 alerts test ops-dingtalk'],
  run: async (ctx, args) => {
    const wait = stringOption(args, 'wait-ms');
    const { body } = await ctx.client.request({
      method: 'POST',
      path: pathOf('alerts', 'channels', args.positionals[0] as string, 'test'),
      body: wait === undefined ? {} : { waitMs: Number(wait) },
    });
    const outcome = readAnswer(testOutcomeSchema, body, 'POST /alerts/channels/:name/test');
    if (ctx.json) ctx.out.json(body);
    else if (outcome.outcome === 'delivered') ctx.out.line(`Test message delivered to ${outcome.channel}.`);
    else if (outcome.outcome === 'failed')
      ctx.out.line(
        ctx.out.style.red(
          `Test message to ${outcome.channel} failed: ${outcome.code} ${outcome.message ?? ''}`,
        ),
      );
    else
      ctx.out.line(
        `No outcome yet for ${outcome.channel}: is an alerter running (wdt-k3 alerts list shows who evaluates), or is the channel throttled?`,
      );
    return outcome.outcome === 'failed' ? EXIT.apiError : EXIT.ok;
  },
};

export const ALERT_COMMANDS: readonly CommandSpec[] = [
  alertsList,
  alertsChannels,
  alertsSilence,
  alertsAck,
  alertsUnsilence,
  alertsSilences,
  alertsTest,
];
