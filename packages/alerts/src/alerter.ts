import { randomUUID } from 'node:crypto';
import type { Logger, RedisConnection } from '@wdt-k3/runtime';
import type { Queue } from 'bullmq';
import type pg from 'pg';
import type { ChannelConfig } from './channels/config.ts';
import type { SendOutcome } from './channels/vendor.ts';
import { type ChannelRuntime, type DeliveryDeps, deliverChannel, freshStatus } from './delivery/deliver.ts';
import { routes } from './delivery/routing.ts';
import { type EvaluationSettings, evaluate, type RuleOutcome } from './engine/evaluate.ts';
import type { ChannelStatus, Notification } from './engine/types.ts';
import { alertKeys } from './keys.ts';
import type { ConfiguredRule } from './rules/catalogue.ts';
import type { RuleEnvironment } from './rules/types.ts';
import { createCollector } from './sources/collect.ts';
import type { SourceName } from './sources/types.ts';
import { createLease } from './store/lease.ts';
import {
  commitEvaluation,
  readChannelStatuses,
  readSilences,
  readStates,
  SILENCE_HISTORY_MS,
} from './store/state-store.ts';

export interface AlerterSettings extends EvaluationSettings {
  readonly evaluateIntervalMs: number;
  readonly deliverIntervalMs: number;
  readonly leaseMs: number;
  /** `https://ops.example.com`: console links in messages; null leaves them out. */
  readonly linkBase: string | null;
}

export interface AlerterHooks {
  onEvaluation?(outcome: 'ok' | 'failed', seconds: number): void;
  onSourceError?(source: SourceName): void;
  onLeadership?(leader: boolean): void;
  onMessage?(channel: string, outcome: SendOutcome, carried: readonly Notification[]): void;
  onDropped?(channel: string, count: number): void;
}

export interface AlerterDeps {
  readonly redis: RedisConnection;
  readonly prefix: string;
  readonly ordersQueue: Queue;
  readonly failedQueue: Queue;
  readonly ledger?: pg.Pool;
  readonly channels: readonly ChannelConfig[];
  readonly rules: readonly ConfiguredRule[];
  readonly environment: RuleEnvironment;
  readonly settings: AlerterSettings;
  readonly instanceId: string;
  readonly logger: Logger;
  readonly now?: () => number;
  readonly hooks?: AlerterHooks;
}

export interface EvaluationReport {
  readonly leader: boolean;
  readonly notifications: number;
  readonly skipped: readonly string[];
}

export interface Alerter {
  readonly instanceId: string;
  isLeader(): boolean;
  /** Takes or renews the lease, then evaluates once if this instance holds it. */
  tick(): Promise<EvaluationReport>;
  /** One delivery step of every channel (leader only). */
  deliver(): Promise<void>;
  channelStatuses(): ChannelStatus[];
  /** Starts the timers: lease every leaseMs/3, evaluation and delivery at their intervals. */
  start(): void;
  /** Stops the timers, waits for work in hand, and gives the lease up. */
  stop(): Promise<void>;
}

export function createAlerter(deps: AlerterDeps): Alerter {
  const now = deps.now ?? Date.now;
  const keys = alertKeys(deps.prefix);
  const lease = createLease(deps.redis, keys.lease, deps.instanceId, deps.settings.leaseMs);
  const logger = deps.logger.child({ component: 'alerter' });
  const runtimes: ChannelRuntime[] = deps.channels.map((config) => ({
    config,
    status: freshStatus(config, now()),
    backoffMs: 0,
    throttledUntil: null,
    maxBytes: undefined,
  }));
  const collector = createCollector({
    redis: deps.redis,
    prefix: deps.prefix,
    ordersQueue: deps.ordersQueue,
    failedQueue: deps.failedQueue,
    ...(deps.ledger === undefined ? {} : { ledger: deps.ledger }),
    channels: () => runtimes.map((runtime) => runtime.status),
  });
  const enabled = deps.rules.filter((configured) => configured.enabled);
  const needed = new Set<SourceName>(enabled.flatMap((configured) => configured.rule.needs));
  const delivery: DeliveryDeps = {
    redis: deps.redis,
    keys,
    lease,
    linkBase: deps.settings.linkBase,
    logger,
    now,
    hooks: {
      ...(deps.hooks?.onMessage === undefined ? {} : { onMessage: deps.hooks.onMessage }),
      ...(deps.hooks?.onDropped === undefined ? {} : { onDropped: deps.hooks.onDropped }),
    },
  };
  let leader = false;

  /** On taking the lease: carry the channels' counters over from the previous holder, publish them. */
  const becomeLeader = async (): Promise<void> => {
    const stored = new Map(
      (await readChannelStatuses(deps.redis, keys)).map((status) => [status.name, status]),
    );
    const pipeline = deps.redis.pipeline();
    for (const runtime of runtimes) {
      const previous = stored.get(runtime.config.name);
      const fresh = freshStatus(runtime.config, now());
      runtime.status =
        previous === undefined
          ? fresh
          : {
              ...fresh,
              delivered: previous.delivered,
              failures: previous.failures,
              lastOkAt: previous.lastOkAt,
              lastFailure: previous.lastFailure,
            };
      pipeline.hset(keys.channels, runtime.config.name, JSON.stringify(runtime.status));
    }
    // Channels this configuration no longer has: their status and queue go with them.
    for (const name of stored.keys())
      if (!runtimes.some((runtime) => runtime.config.name === name))
        pipeline.hdel(keys.channels, name).del(keys.outbox(name), keys.sent(name));
    await pipeline.exec();
  };

  // The renewal timer and an evaluation may both ask at once: one answer for both, so taking the
  // lease is noticed (and the channels published) once.
  let holding: Promise<boolean> | null = null;
  const holdLease = (): Promise<boolean> => {
    holding ??= renewLease().finally(() => {
      holding = null;
    });
    return holding;
  };
  const renewLease = async (): Promise<boolean> => {
    const held = await lease.acquire().catch((err: unknown) => {
      logger.warn({ err: { message: (err as Error).message } }, 'lease not renewed');
      return false;
    });
    if (held && !leader) {
      await becomeLeader();
      logger.info({ instanceId: deps.instanceId }, 'alerter took the lease: evaluating and delivering');
    } else if (!held && leader)
      logger.warn({ instanceId: deps.instanceId }, 'alerter lost the lease: standing by');
    if (held !== leader) deps.hooks?.onLeadership?.(held);
    leader = held;
    return held;
  };

  const outcomesFor = async (at: number): Promise<{ outcomes: RuleOutcome[]; skipped: string[] }> => {
    const { snapshot, errors } = await collector.collect(at, needed);
    for (const source of Object.keys(errors) as SourceName[]) {
      deps.hooks?.onSourceError?.(source);
      logger.warn({ source, detail: errors[source] }, 'alert source unavailable; its rules keep their state');
    }
    const skipped: string[] = [];
    const outcomes = deps.rules.map((configured): RuleOutcome => {
      const missing = configured.rule.needs.some(
        (need) => !collector.available.has(need) || errors[need] !== undefined,
      );
      if (!configured.enabled) return { configured, findings: [] };
      if (missing) {
        skipped.push(configured.rule.id);
        return { configured, findings: null };
      }
      try {
        return {
          configured,
          findings: configured.rule.evaluate(snapshot, configured.settings, deps.environment),
        };
      } catch (err) {
        logger.error({ rule: configured.rule.id, err }, 'rule failed; its alerts keep their state');
        skipped.push(configured.rule.id);
        return { configured, findings: null };
      }
    });
    return { outcomes, skipped };
  };

  const evaluateOnce = async (): Promise<EvaluationReport> => {
    const started = performance.now();
    const at = now();
    const [{ outcomes, skipped }, states, silences] = await Promise.all([
      outcomesFor(at),
      readStates(deps.redis, keys),
      readSilences(deps.redis, keys),
    ]);
    const result = evaluate({
      now: at,
      states,
      outcomes,
      silences,
      settings: deps.settings,
      newId: randomUUID,
    });
    const pushes = result.notifications.flatMap((notification) =>
      runtimes
        .filter((runtime) => routes(runtime.config, notification))
        .map((runtime) => ({ channel: runtime.config.name, notification })),
    );
    const expiredSilences = silences.filter((s) => s.until < at - SILENCE_HISTORY_MS).map((s) => s.id);
    const committed = await commitEvaluation(deps.redis, keys, deps.instanceId, {
      changed: result.changed,
      deleted: result.deleted,
      expiredSilences,
      pushes,
    });
    deps.hooks?.onEvaluation?.('ok', (performance.now() - started) / 1000);
    if (!committed) {
      leader = false;
      deps.hooks?.onLeadership?.(false);
      return { leader: false, notifications: 0, skipped };
    }
    for (const notification of result.notifications)
      logger.info(
        {
          key: notification.key,
          kind: notification.kind,
          severity: notification.severity,
          channels: pushes.filter((p) => p.notification === notification).map((p) => p.channel),
        },
        'alert notification queued',
      );
    return { leader: true, notifications: result.notifications.length, skipped };
  };

  const tick = async (): Promise<EvaluationReport> => {
    if (!(await holdLease())) return { leader: false, notifications: 0, skipped: [] };
    try {
      return await evaluateOnce();
    } catch (err) {
      deps.hooks?.onEvaluation?.('failed', 0);
      logger.error({ err }, 'evaluation failed; the next one tries again');
      return { leader, notifications: 0, skipped: [] };
    }
  };

  const deliver = async (): Promise<void> => {
    if (!leader) return;
    await Promise.all(
      runtimes.map((runtime) =>
        deliverChannel(delivery, runtime).catch((err: unknown) => {
          logger.warn(
            { channel: runtime.config.name, err: { message: (err as Error).message } },
            'delivery step failed',
          );
          return 'failed' as const;
        }),
      ),
    );
  };

  const timers: NodeJS.Timeout[] = [];
  const running = new Set<Promise<unknown>>();
  /** Runs `work` unless its previous run is still going: a slow robot never stacks up sends. */
  const single = (work: () => Promise<unknown>): (() => void) => {
    let current: Promise<unknown> | null = null;
    return () => {
      if (current !== null) return;
      current = work()
        .catch((err: unknown) => logger.error({ err }, 'alerter step failed'))
        .finally(() => {
          if (current !== null) running.delete(current);
          current = null;
        });
      running.add(current);
    };
  };
  return {
    instanceId: deps.instanceId,
    isLeader: () => leader,
    tick,
    deliver,
    channelStatuses: () => runtimes.map((runtime) => runtime.status),
    start: () => {
      // The lease has its own timer: an evaluation or a send waiting on a slow robot must not
      // delay the renewal past the TTL.
      const renew = single(holdLease);
      const evaluateNow = single(tick);
      const deliverNow = single(deliver);
      const every = (ms: number, run: () => void): void => {
        const timer = setInterval(run, ms);
        timer.unref();
        timers.push(timer);
      };
      evaluateNow();
      every(Math.max(200, Math.floor(deps.settings.leaseMs / 3)), renew);
      every(deps.settings.evaluateIntervalMs, evaluateNow);
      every(deps.settings.deliverIntervalMs, deliverNow);
    },
    stop: async () => {
      for (const timer of timers) clearInterval(timer);
      await Promise.allSettled([...running]);
      if (leader) await lease.release().catch(() => undefined);
      leader = false;
    },
  };
}
