import { z } from 'zod';
import { CHANNEL_TYPES } from '../channels/config.ts';
import { SEVERITIES } from '../severity.ts';

/**
 * What the alerter keeps in Redis and the admin API answers with: declared once here, imported by
 * the alerter, the admin routes and the CLI. Nothing here holds a webhook or a secret.
 */
const epochMs = z.number().int().nonnegative();
const facts = z.record(z.string(), z.unknown());

export const ALERT_STATUSES = ['pending', 'firing', 'resolved'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

export const alertStateSchema = z.object({
  /** Stable: `dead-letters:K3_BASEDATA_MISSING`, `credentials-refused:wdt`, `watermark-lag`. */
  key: z.string().min(1).max(200),
  rule: z.string().min(1).max(60),
  severity: z.enum(SEVERITIES),
  /** What the alert is about within its rule (an error code, a system, a channel), if anything. */
  subject: z.string().max(120).nullable(),
  status: z.enum(ALERT_STATUSES),
  /** When the problem began, as its source tells (the oldest dead letter, the refusal). */
  since: epochMs,
  /** The first evaluation that saw it. */
  firstSeenAt: epochMs,
  firingAt: epochMs.nullable(),
  resolvedAt: epochMs.nullable(),
  /** The number that matters (orders, minutes, a ratio in ‰); an update is sent when it grows. */
  value: z.number(),
  facts,
  lastNotifiedAt: epochMs.nullable(),
  lastNotifiedValue: z.number().nullable(),
  /** A firing message was queued for it (false while silenced from the start). */
  notified: z.boolean(),
  /** The first evaluation that no longer saw it (resolution waits ALERT_RESOLVE_AFTER_MS). */
  clearSince: epochMs.nullable(),
  updatedAt: epochMs,
});
export type AlertState = z.output<typeof alertStateSchema>;

export const SILENCE_KINDS = ['silence', 'ack'] as const;
export type SilenceKind = (typeof SILENCE_KINDS)[number];

export const silenceSchema = z.object({
  id: z.string().min(1).max(40),
  /** A rule id; with `key`, one alert of it. */
  rule: z.string().min(1).max(60),
  key: z.string().min(1).max(200).nullable(),
  /** `silence`: no message at all while it lasts; `ack`: no reminders or updates, the resolve still goes out. */
  kind: z.enum(SILENCE_KINDS),
  createdAt: epochMs,
  until: epochMs,
  /** The admin token's name (audit), never the token. */
  by: z.string().min(1).max(100),
  reason: z.string().max(500),
});
export type Silence = z.output<typeof silenceSchema>;

export const NOTIFICATION_KINDS = ['firing', 'update', 'reminder', 'resolved', 'test'] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** One message-worthy transition of one alert, queued per channel and rendered at send time. */
export const notificationSchema = z.object({
  id: z.string().min(1).max(60),
  kind: z.enum(NOTIFICATION_KINDS),
  key: z.string().min(1).max(200),
  rule: z.string().min(1).max(60),
  severity: z.enum(SEVERITIES),
  subject: z.string().max(120).nullable(),
  at: epochMs,
  since: epochMs,
  value: z.number(),
  facts,
  resolvedAt: epochMs.nullable(),
  /** A test message: who asked (the admin token's name). */
  requestedBy: z.string().max(100).nullable(),
});
export type Notification = z.output<typeof notificationSchema>;

export const channelStatusSchema = z.object({
  name: z.string(),
  type: z.enum(CHANNEL_TYPES),
  /** Scheme, host and path without the credential. */
  target: z.string(),
  language: z.string(),
  minSeverity: z.enum(SEVERITIES),
  rules: z.array(z.string()).nullable(),
  excludeRules: z.array(z.string()).nullable(),
  rateLimit: z.object({ messages: z.number(), perMs: z.number() }),
  pending: z.number().int().nonnegative(),
  delivered: z.number().int().nonnegative(),
  failures: z.number().int().nonnegative(),
  consecutiveFailures: z.number().int().nonnegative(),
  /** Since when the current run of failures lasts; null while it delivers. */
  failingSince: epochMs.nullable(),
  lastOkAt: epochMs.nullable(),
  lastFailure: z.object({ at: epochMs, code: z.string(), message: z.string() }).nullable(),
  /** Nothing is sent before this (a vendor's throttle, a backoff). */
  blockedUntil: epochMs.nullable(),
  updatedAt: epochMs,
});
export type ChannelStatus = z.output<typeof channelStatusSchema>;

/** Parses a stored JSON value; null when it is not one (a hand edit, an older writer). */
export function readStored<T>(schema: z.ZodType<T>, raw: string | null | undefined): T | null {
  if (raw === null || raw === undefined) return null;
  try {
    const parsed = schema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
