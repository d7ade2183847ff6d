import { randomUUID } from 'node:crypto';
import type { RedisConnection } from '@wdt-k3/runtime';
import { z } from 'zod';
import { enqueueNotification } from './delivery/outbox.ts';
import { muteOf } from './engine/evaluate.ts';
import {
  ALERT_STATUSES,
  type AlertState,
  alertStateSchema,
  type ChannelStatus,
  channelStatusSchema,
  type Notification,
  SILENCE_KINDS,
  type Silence,
  silenceSchema,
} from './engine/types.ts';
import { alertKeys } from './keys.ts';
import { RULE_IDS } from './rules/catalogue.ts';
import { readChannelStatuses, readSilences, readStates } from './store/state-store.ts';

/**
 * What the admin API reads and writes of the alerts (the alerter owns the rest): the contract of
 * its routes, declared once and imported by the routes and the CLI.
 */
export const alertViewSchema = alertStateSchema.extend({
  /** The silence or acknowledgement covering it now, if any. */
  muted: z.enum(SILENCE_KINDS).nullable(),
});
export type AlertView = z.output<typeof alertViewSchema>;

export const alertListSchema = z.object({
  alerts: z.array(alertViewSchema),
  /** Who evaluates now (instance id), null when no alerter holds the lease. */
  evaluator: z.string().nullable(),
});
export const silenceListSchema = z.object({ silences: z.array(silenceSchema) });
export const channelListSchema = z.object({ channels: z.array(channelStatusSchema) });

export const alertFilterSchema = z.enum([...ALERT_STATUSES, 'all']);

export const silenceInputSchema = z
  .object({
    rule: z.enum(RULE_IDS as [string, ...string[]]).describe('The rule id (README: every rule)'),
    key: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .optional()
      .describe('One alert of the rule, e.g. dead-letters:K3_BASEDATA_MISSING'),
    kind: z
      .enum(SILENCE_KINDS)
      .default('silence')
      .describe('silence: no messages; ack: no reminders, the resolve still goes out'),
    durationMs: z
      .number()
      .int()
      .min(60_000)
      .max(30 * 86_400_000)
      .describe('How long, in ms (1 minute … 30 days)'),
    reason: z.string().trim().min(3).max(500).describe('Why (audit trail)'),
  })
  .strict()
  .refine(
    (input) => input.key === undefined || input.key === input.rule || input.key.startsWith(`${input.rule}:`),
    {
      message: 'key must belong to the rule (rule or rule:subject)',
      path: ['key'],
    },
  );
export type SilenceInput = z.output<typeof silenceInputSchema>;

export const testOutcomeSchema = z.object({
  channel: z.string(),
  requestId: z.string(),
  /** `pending`: no alerter took it within the wait (none running, or the channel is throttled). */
  outcome: z.enum(['delivered', 'failed', 'pending']),
  code: z.string().nullable(),
  message: z.string().nullable(),
});
export type TestOutcome = z.output<typeof testOutcomeSchema>;

export async function listAlerts(
  redis: RedisConnection,
  prefix: string,
  filter: z.output<typeof alertFilterSchema>,
  now: number,
): Promise<z.output<typeof alertListSchema>> {
  const keys = alertKeys(prefix);
  const [states, silences, evaluator] = await Promise.all([
    readStates(redis, keys),
    readSilences(redis, keys),
    redis.get(keys.lease),
  ]);
  const order = { firing: 0, pending: 1, resolved: 2 } as const;
  const alerts = [...states.values()]
    .filter((state: AlertState) => filter === 'all' || state.status === filter)
    .map((state) => ({ ...state, muted: muteOf(state, silences, now) }))
    .sort((a, b) => order[a.status] - order[b.status] || b.since - a.since);
  return { alerts, evaluator };
}

export async function listSilences(redis: RedisConnection, prefix: string): Promise<Silence[]> {
  return readSilences(redis, alertKeys(prefix));
}

export async function listChannels(redis: RedisConnection, prefix: string): Promise<ChannelStatus[]> {
  return readChannelStatuses(redis, alertKeys(prefix));
}

export async function createSilence(
  redis: RedisConnection,
  prefix: string,
  input: SilenceInput,
  by: string,
  now: number,
): Promise<Silence> {
  const silence: Silence = {
    id: randomUUID().slice(0, 8),
    rule: input.rule,
    key: input.key === undefined || input.key === input.rule ? null : input.key,
    kind: input.kind,
    createdAt: now,
    until: now + input.durationMs,
    by,
    reason: input.reason,
  };
  await redis.hset(alertKeys(prefix).silences, silence.id, JSON.stringify(silence));
  return silence;
}

/** Ends a silence now (kept in the listing as expired). Null when there is no such silence. */
export async function endSilence(
  redis: RedisConnection,
  prefix: string,
  id: string,
  now: number,
): Promise<Silence | null> {
  const keys = alertKeys(prefix);
  const silence = (await readSilences(redis, keys)).find((candidate) => candidate.id === id);
  if (silence === undefined) return null;
  const ended = { ...silence, until: Math.min(silence.until, now) };
  await redis.hset(keys.silences, id, JSON.stringify(ended));
  return ended;
}

/**
 * Queues a test message for a channel and waits up to `waitMs` for the alerter's outcome. It goes
 * through the channel's queue and rate limit like any alert, so a test can never earn the robot
 * DingTalk's 10-minute mute. Null when the channel is unknown.
 */
export async function requestTest(
  redis: RedisConnection,
  prefix: string,
  channel: string,
  by: string,
  now: number,
  waitMs: number,
): Promise<TestOutcome | null> {
  const keys = alertKeys(prefix);
  if ((await redis.hexists(keys.channels, channel)) !== 1) return null;
  const requestId = randomUUID();
  const notification: Notification = {
    id: requestId,
    kind: 'test',
    key: `test:${channel}`,
    rule: 'test',
    severity: 'info',
    subject: channel,
    at: now,
    since: now,
    value: 0,
    facts: { channel },
    resolvedAt: null,
    requestedBy: by,
  };
  await enqueueNotification(redis, keys, channel, notification);
  const deadline = Date.now() + waitMs;
  for (;;) {
    const raw = await redis.get(keys.testResult(requestId));
    if (raw !== null) {
      const result = JSON.parse(raw) as { outcome: 'delivered' | 'failed'; code?: string; message?: string };
      return {
        channel,
        requestId,
        outcome: result.outcome,
        code: result.code ?? null,
        message: result.message ?? null,
      };
    }
    if (Date.now() >= deadline) return { channel, requestId, outcome: 'pending', code: null, message: null };
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
