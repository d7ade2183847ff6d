import type { Logger, RedisConnection } from '@wdt-k3/runtime';
import { type ChannelConfig, channelTarget, rateLimitOf } from '../channels/config.ts';
import { type RenderedAlert, renderNotification } from '../channels/render.ts';
import { buildMessage, sendMessage } from '../channels/send.ts';
import type { SendOutcome } from '../channels/vendor.ts';
import type { ChannelStatus, Notification } from '../engine/types.ts';
import type { AlertKeys } from '../keys.ts';
import type { Lease } from '../store/lease.ts';
import { ackOutbox, peekOutbox, type QueuedNotification, sentInWindow } from './outbox.ts';

/** Notifications looked at per delivery step; a digest carries at most these. */
const PEEK = 200;
const MAX_BACKOFF_MS = 5 * 60_000;
/** How long the outcome of a test message is kept for the admin API to read. */
const TEST_RESULT_TTL_S = 600;

export interface ChannelRuntime {
  readonly config: ChannelConfig;
  status: ChannelStatus;
  backoffMs: number;
  /** The vendor asked us to wait until then (its throttle answer): nothing, not even a test, goes before. */
  throttledUntil: number | null;
  /** Lowered after a "too large" answer, for the following messages. */
  maxBytes: number | undefined;
}

interface DeliveryHooks {
  onMessage?(channel: string, outcome: SendOutcome, carried: readonly Notification[]): void;
  onDropped?(channel: string, count: number): void;
}

export interface DeliveryDeps {
  readonly redis: RedisConnection;
  readonly keys: AlertKeys;
  readonly lease: Lease;
  readonly linkBase: string | null;
  readonly logger: Logger;
  readonly now: () => number;
  readonly hooks?: DeliveryHooks;
}

export type DeliveryStep = 'idle' | 'sent' | 'blocked' | 'failed' | 'not-leader';

export function freshStatus(config: ChannelConfig, now: number): ChannelStatus {
  const limit = rateLimitOf(config);
  return {
    name: config.name,
    type: config.type,
    target: channelTarget(config),
    language: config.language,
    minSeverity: config.minSeverity,
    rules: config.rules === undefined ? null : [...config.rules],
    excludeRules: config.excludeRules === undefined ? null : [...config.excludeRules],
    rateLimit: { messages: limit.messages, perMs: limit.perMs },
    pending: 0,
    delivered: 0,
    failures: 0,
    consecutiveFailures: 0,
    failingSince: null,
    lastOkAt: null,
    lastFailure: null,
    blockedUntil: null,
    updatedAt: now,
  };
}

/**
 * An update or reminder with a later notification of the same alert behind it says nothing the
 * later one does not: it is dropped instead of sent. Firing, resolved and test notifications are
 * never dropped — a resolve always goes out.
 */
export function superseded(queued: readonly QueuedNotification[]): Set<string> {
  const drop = new Set<string>();
  const laterKeys = new Set<string>();
  for (let index = queued.length - 1; index >= 0; index -= 1) {
    const entry = queued[index] as QueuedNotification;
    const notification = entry.notification;
    if (notification === null) {
      drop.add(entry.raw);
      continue;
    }
    if (
      (notification.kind === 'update' || notification.kind === 'reminder') &&
      laterKeys.has(notification.key)
    )
      drop.add(entry.raw);
    if (notification.kind !== 'test') laterKeys.add(notification.key);
  }
  return drop;
}

async function saveStatus(deps: DeliveryDeps, runtime: ChannelRuntime): Promise<void> {
  runtime.status = { ...runtime.status, updatedAt: deps.now() };
  await deps.redis.hset(deps.keys.channels, runtime.config.name, JSON.stringify(runtime.status));
}

async function recordTests(
  deps: DeliveryDeps,
  carried: readonly Notification[],
  outcome: SendOutcome,
): Promise<void> {
  const tests = carried.filter((notification) => notification.kind === 'test');
  if (tests.length === 0) return;
  const value = JSON.stringify(
    outcome.ok
      ? { outcome: 'delivered', at: deps.now() }
      : { outcome: 'failed', at: deps.now(), code: outcome.code, message: outcome.message },
  );
  const pipeline = deps.redis.pipeline();
  for (const test of tests) pipeline.set(deps.keys.testResult(test.id), value, 'EX', TEST_RESULT_TTL_S);
  await pipeline.exec();
}

/**
 * One delivery step of one channel: drop what is superseded, respect the channel's rate window
 * (kept in Redis, so a new leader respects it too) and any throttle or backoff, then send the
 * oldest notification alone — or, when more wait than the window allows, as many as fit in one
 * digest message. Nothing is removed from the outbox before the vendor accepted it.
 */
export async function deliverChannel(deps: DeliveryDeps, runtime: ChannelRuntime): Promise<DeliveryStep> {
  const { config } = runtime;
  const now = deps.now();
  const blocked = runtime.status.blockedUntil !== null && now < runtime.status.blockedUntil;
  if (blocked && runtime.throttledUntil !== null && now < runtime.throttledUntil) return 'blocked';
  const queued = await peekOutbox(deps.redis, deps.keys, config.name, PEEK);
  // Our own backoff after failures does not hold up a test message: it is how a person checks a
  // channel they have just fixed. The vendor's throttle (above) and rate window (below) still do.
  if (blocked && !queued.some((entry) => entry.notification?.kind === 'test')) return 'blocked';
  const drop = superseded(queued);
  if (drop.size > 0) {
    if (!(await ackOutbox(deps.redis, deps.keys, deps.lease.instanceId, config.name, [...drop], null)))
      return 'not-leader';
    deps.hooks?.onDropped?.(config.name, drop.size);
  }
  const pending = queued.filter((entry) => !drop.has(entry.raw));
  const total = await deps.redis.llen(deps.keys.outbox(config.name));
  if (runtime.status.pending !== total) {
    runtime.status = { ...runtime.status, pending: total };
    await saveStatus(deps, runtime);
  }
  if (pending.length === 0) return 'idle';
  const limit = rateLimitOf(config);
  const sent = await sentInWindow(deps.redis, deps.keys, config.name, now, limit.perMs);
  const last = sent.at(-1);
  if (sent.length >= limit.messages || (last !== undefined && now - last < limit.minIntervalMs)) {
    const until =
      sent.length >= limit.messages
        ? (sent[0] ?? now) + limit.perMs + 1
        : (last ?? now) + limit.minIntervalMs;
    runtime.status = { ...runtime.status, blockedUntil: until };
    return 'blocked';
  }
  const budget = limit.messages - sent.length;
  // A test message goes first and alone: it answers "does this channel work now", which an
  // alert stuck in a failing channel's queue must not hold up.
  const test = pending.find((entry) => entry.notification?.kind === 'test');
  const picked = test !== undefined ? [test] : pending.length <= budget ? pending.slice(0, 1) : pending;
  const rendered: RenderedAlert[] = picked.map((entry) =>
    renderNotification(entry.notification as Notification, {
      language: config.language,
      linkBase: deps.linkBase,
      channel: config.name,
    }),
  );
  const message = buildMessage(config, rendered, now, runtime.maxBytes);
  const carried = picked.slice(0, message.included);
  // The lease is checked in the ack too; this check keeps a replica that lost it from sending.
  if ((await deps.lease.holder()) !== deps.lease.instanceId) return 'not-leader';
  const outcome = await sendMessage(config, message.request);
  const notifications = carried.map((entry) => entry.notification as Notification);
  deps.hooks?.onMessage?.(config.name, outcome, notifications);
  await recordTests(deps, notifications, outcome);
  if (outcome.ok) {
    const acked = await ackOutbox(
      deps.redis,
      deps.keys,
      deps.lease.instanceId,
      config.name,
      carried.map((entry) => entry.raw),
      { messageId: notifications[0]?.id ?? String(now), at: now, windowMs: limit.perMs },
    );
    runtime.backoffMs = 0;
    runtime.throttledUntil = null;
    runtime.status = {
      ...runtime.status,
      pending: Math.max(0, total - carried.length),
      delivered: runtime.status.delivered + carried.length,
      consecutiveFailures: 0,
      failingSince: null,
      lastOkAt: now,
      blockedUntil: null,
    };
    await saveStatus(deps, runtime);
    return acked ? 'sent' : 'not-leader';
  }
  await failed(deps, runtime, outcome, carried, Buffer.byteLength(message.request.body, 'utf8'));
  return 'failed';
}

async function failed(
  deps: DeliveryDeps,
  runtime: ChannelRuntime,
  outcome: Exclude<SendOutcome, { ok: true }>,
  carried: readonly QueuedNotification[],
  bodyBytes: number,
): Promise<void> {
  const now = deps.now();
  // A test message is answered once, not retried: the person who asked reads the outcome.
  const tests = carried.filter((entry) => entry.notification?.kind === 'test').map((entry) => entry.raw);
  if (tests.length > 0)
    await ackOutbox(deps.redis, deps.keys, deps.lease.instanceId, runtime.config.name, tests, null);
  if (outcome.code === 'ALERT_CHANNEL_TOO_LARGE')
    runtime.maxBytes = Math.max(1_000, Math.floor(bodyBytes / 2));
  runtime.backoffMs =
    outcome.retryAfterMs ?? Math.min(MAX_BACKOFF_MS, Math.max(1_000, runtime.backoffMs * 2));
  runtime.throttledUntil = outcome.retryAfterMs === undefined ? null : now + outcome.retryAfterMs;
  runtime.status = {
    ...runtime.status,
    failures: runtime.status.failures + 1,
    consecutiveFailures: runtime.status.consecutiveFailures + 1,
    failingSince: runtime.status.failingSince ?? now,
    lastFailure: { at: now, code: outcome.code, message: outcome.message },
    blockedUntil: now + runtime.backoffMs,
  };
  deps.logger.warn(
    {
      channel: runtime.config.name,
      code: outcome.code,
      detail: outcome.message,
      retryInMs: runtime.backoffMs,
    },
    'alert delivery failed',
  );
  await saveStatus(deps, runtime);
}
