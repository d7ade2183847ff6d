import { type AlerterHooks, alertKeys, listAlerts, listChannels } from '@wdt-k3/alerts';
import type { RedisConnection } from '@wdt-k3/runtime';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/**
 * The alerter's metrics. Counters count what this process did (only the lease holder sends, so
 * sum over replicas); the gauges read Redis on each scrape, so every replica reports the same
 * firing alerts and channel health, and a replica on standby still shows an alerting outage.
 */
export function createAlerterMetrics(
  registry: Registry,
  redis: RedisConnection,
  prefix: string,
): AlerterHooks {
  const registers = [registry];
  const leader = new Gauge({
    name: 'alerter_leader',
    help: '1 while this process holds the alert lease',
    registers,
  });
  const evaluations = new Counter({
    name: 'alerter_evaluations_total',
    help: 'Rule evaluations, by outcome',
    labelNames: ['outcome'],
    registers,
  });
  const evaluationSeconds = new Histogram({
    name: 'alerter_evaluation_duration_seconds',
    help: 'Time to collect the sources and evaluate every rule',
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });
  const sourceErrors = new Counter({
    name: 'alerter_source_errors_total',
    help: 'Evaluations a source could not be read in (its rules kept their state)',
    labelNames: ['source'],
    registers,
  });
  const messages = new Counter({
    name: 'alerter_messages_total',
    help: 'Messages sent to a channel, by outcome (ok, or the ALERT_CHANNEL_* code)',
    labelNames: ['channel', 'outcome'],
    registers,
  });
  const delivered = new Counter({
    name: 'alerter_notifications_delivered_total',
    help: 'Notifications a channel accepted, by kind (several ride in one digest message)',
    labelNames: ['channel', 'kind'],
    registers,
  });
  const dropped = new Counter({
    name: 'alerter_notifications_superseded_total',
    help: 'Updates and reminders not sent because a later notification of the same alert replaced them',
    labelNames: ['channel'],
    registers,
  });
  new Gauge({
    name: 'alerter_alerts_firing',
    help: 'Alerts firing now, by rule and severity (from Redis)',
    labelNames: ['rule', 'severity'],
    registers,
    async collect() {
      this.reset();
      const { alerts } = await listAlerts(redis, prefix, 'firing', Date.now());
      for (const alert of alerts) this.inc({ rule: alert.rule, severity: alert.severity });
    },
  });
  const channelGauge = (
    name: string,
    help: string,
    value: (status: Awaited<ReturnType<typeof listChannels>>[number]) => number,
  ) =>
    new Gauge({
      name,
      help,
      labelNames: ['channel'],
      registers,
      async collect() {
        this.reset();
        for (const status of await listChannels(redis, prefix))
          this.set({ channel: status.name }, value(status));
      },
    });
  channelGauge(
    'alerter_channel_consecutive_failures',
    'Failed sends in a row per channel (0 while it delivers)',
    (s) => s.consecutiveFailures,
  );
  channelGauge(
    'alerter_channel_failures',
    'Failed sends per channel since the deployment began (from Redis)',
    (s) => s.failures,
  );
  new Gauge({
    name: 'alerter_outbox_pending',
    help: 'Notifications waiting per channel',
    labelNames: ['channel'],
    registers,
    async collect() {
      this.reset();
      const keys = alertKeys(prefix);
      for (const status of await listChannels(redis, prefix))
        this.set({ channel: status.name }, await redis.llen(keys.outbox(status.name)));
    },
  });
  return {
    onLeadership: (held) => leader.set(held ? 1 : 0),
    onEvaluation: (outcome, seconds) => {
      evaluations.inc({ outcome });
      if (outcome === 'ok') evaluationSeconds.observe(seconds);
    },
    onSourceError: (source) => sourceErrors.inc({ source }),
    onMessage: (channel, outcome, carried) => {
      messages.inc({ channel, outcome: outcome.ok ? 'ok' : outcome.code });
      if (outcome.ok) for (const notification of carried) delivered.inc({ channel, kind: notification.kind });
    },
    onDropped: (channel, count) => dropped.inc({ channel }, count),
  };
}
