import {
  type DeadLetterListing,
  deadLetterListingSchema,
  JOB_STATES,
  type JobStateName,
  type QueuesAnswer,
  queuesAnswerSchema,
  type ReadyAnswer,
  readyAnswerSchema,
  type SyncStateAnswer,
  syncStateSchema,
} from '@wdt-k3/admin-contract';
import { alertListSchema, channelListSchema } from '@wdt-k3/alerts';
import { describeTopology } from '@wdt-k3/runtime';
import type { z } from 'zod';
import { EXIT } from '../errors.ts';
import { formatBeijing, formatDuration, plural } from '../format.ts';
import type { Style } from '../output.ts';
import { formatFields, formatTable, indent } from '../table.ts';
import { channelProblem } from './alerts.ts';
import { readAnswer } from './answers.ts';
import { byCodeLines } from './failed-list.ts';
import type { CommandSpec } from './types.ts';

interface StatusAnswers {
  readonly health: ReadyAnswer;
  readonly queues: QueuesAnswer;
  readonly sync: SyncStateAnswer;
  readonly failed: DeadLetterListing;
  /** Null from an admin API without the alert routes. */
  readonly alerts: z.output<typeof alertListSchema> | null;
  readonly channels: z.output<typeof channelListSchema> | null;
}

/** Firing alerts, and every channel that fails to deliver: an alerting outage must itself show. */
function alertFields(answers: StatusAnswers, style: Style, now: number): Array<[string, string]> {
  if (answers.alerts === null || answers.channels === null) return [];
  const firing = answers.alerts.alerts.filter((alert) => alert.status === 'firing');
  const critical = firing.filter((alert) => alert.severity === 'critical').length;
  const fields: Array<[string, string]> = [
    [
      'Alerts',
      `${firing.length === 0 ? '0 firing' : style.yellow(`${firing.length} firing`)}${critical > 0 ? style.red(` (${critical} critical)`) : ''}, ${answers.channels.channels.length} channels${answers.alerts.evaluator === null ? style.red(', no alerter running') : ''}`,
    ],
  ];
  for (const channel of answers.channels.channels) {
    const problem = channelProblem(channel, now, style);
    if (problem !== null) fields.push(['Problem', problem]);
  }
  return fields;
}

/** Always shown; PRIORITIZED and WAITING-CHILDREN only when some queue has such jobs (keeps 80 columns). */
const STATES = JOB_STATES;
const OPTIONAL_STATES: ReadonlySet<JobStateName> = new Set(['prioritized', 'waiting-children']);

function queueTable(queues: StatusAnswers['queues']['queues'], style: Style): string[] {
  const states = STATES.filter(
    (state) => !OPTIONAL_STATES.has(state) || queues.some((queue) => (queue.counts[state] ?? 0) > 0),
  );
  return formatTable(
    [
      { header: 'QUEUE' },
      { header: 'PAUSED' },
      ...states.map((state) => ({ header: state.toUpperCase(), align: 'right' as const })),
      { header: 'OLDEST WAITING', align: 'right' },
    ],
    queues.map((queue) => [
      queue.queue,
      queue.paused ? style.yellow('paused') : 'no',
      ...states.map((state) => String(queue.counts[state] ?? 0)),
      queue.oldestWaitingSeconds === null ? '-' : formatDuration(queue.oldestWaitingSeconds),
    ]),
    style.bold,
  );
}

function readyLine(health: StatusAnswers['health'], style: Style): string {
  const checks = Object.entries(health.checks).map(
    ([name, check]) =>
      `${name} ${check.ok ? 'ok' : style.red('failing')}${check.detail === undefined ? '' : ` (${check.detail})`}`,
  );
  return `${health.ok ? style.green('yes') : style.red('no')}: ${checks.join(', ')}`;
}

function redisLine(health: StatusAnswers['health'], style: Style): string {
  const topology = health.redis;
  if (topology === null || topology === undefined) return 'not reported by this admin';
  const line = describeTopology(topology);
  const last =
    topology.lastFailoverAt === null ? '' : `, last ${formatBeijing(topology.lastFailoverAt)} (Beijing)`;
  return topology.status === 'ready' ? `${line}${last}` : style.red(`${line}${last}`);
}

function problemFields(sync: StatusAnswers['sync'], style: Style): Array<[string, string]> {
  const fields: Array<[string, string]> = [];
  if (sync.inFuture === true)
    fields.push([
      'Problem',
      style.red('the watermark lies in the future: wdt-k3 watermark set <time> --reason …'),
    ]);
  if (sync.wdtRefusal)
    fields.push([
      'Problem',
      style.red(
        `WDT refuses our calls since ${formatBeijing(sync.wdtRefusal.at)}: ${sync.wdtRefusal.message}`,
      ),
    ]);
  if (sync.lastRunFailure)
    fields.push([
      'Problem',
      style.red(`run ${sync.lastRunFailure.runId} failed: ${sync.lastRunFailure.reason}`),
    ]);
  return fields;
}

function syncFields(sync: StatusAnswers['sync'], style: Style): Array<[string, string]> {
  const { watermark, lastTick, inflight, lastRun } = sync;
  return [
    [
      'Watermark',
      watermark === null
        ? 'none yet (the extractor has not run)'
        : `${watermark.beijing} (Beijing), lag ${formatDuration(sync.lagSeconds ?? 0)}`,
    ],
    ...(sync.sweepWatermark
      ? [['Late-order sweep', `read up to ${sync.sweepWatermark.beijing} (Beijing)`] as [string, string]]
      : []),
    ...problemFields(sync, style),
    [
      'Last tick',
      lastTick === null
        ? 'none yet'
        : `${lastTick.beijing} (Beijing), ${formatDuration(lastTick.ageSeconds)} ago`,
    ],
    [
      'Run in flight',
      inflight === null
        ? 'none'
        : `${inflight.runId}: ${formatBeijing(inflight.fromMs)} → ${formatBeijing(inflight.toMs)} (Beijing), ${plural(inflight.windows.length, 'window')}`,
    ],
    [
      'Last run',
      lastRun === null
        ? 'none yet'
        : `${lastRun.runId} (${lastRun.kind}) finished ${formatBeijing(lastRun.finishedAt)}: ${plural(lastRun.pages, 'page')}, ${plural(lastRun.orders, 'order')}, ${lastRun.enqueued} enqueued, ${plural(lastRun.duplicates, 'duplicate')}`,
    ],
  ];
}

function renderStatus(answers: StatusAnswers, adminUrl: string, style: Style): string[] {
  const dead = answers.failed.total;
  return [
    ...formatFields([
      ['Admin API', adminUrl],
      ['Ready', readyLine(answers.health, style)],
      ['Redis', redisLine(answers.health, style)],
      ...syncFields(answers.sync, style),
      ['Dead letters', dead === 0 ? '0' : style.yellow(String(dead))],
      ...alertFields(answers, style, Date.now()),
    ]),
    ...(dead === 0 ? [] : ['', ...indent(byCodeLines(answers.failed.byCode, style))]),
    '',
    ...queueTable(answers.queues.queues, style),
  ];
}

export const status: CommandSpec = {
  path: ['status'],
  args: '',
  summary: 'Readiness, Redis topology, queue counts, sync watermark and lag, dead letters by code',
  help: [
    'Reads GET /health/ready (readiness and the Redis topology: mode, master, failovers seen),',
    '/queues, /sync, /failed?limit=1, /alerts?state=firing and /alerts/channels.',
    'With --json it prints { "health", "queues", "sync", "failed", "alerts", "channels" }, each the',
    'answer of its route unchanged. Channels that fail to deliver alerts are listed as problems.',
    'A pipeline that is not ready is reported, not an error: the exit code stays 0.',
  ],
  options: {},
  positionals: [0, 0],
  examples: ['wdt-k3 status', "wdt-k3 status --json | jq '.sync.lagSeconds'"],
  run: async (ctx) => {
    const [health, queues, sync, failed, alerts, channels] = await Promise.all([
      ctx.client.request({ method: 'GET', path: '/health/ready', answerStatuses: [503] }),
      ctx.client.request({ method: 'GET', path: '/queues' }),
      ctx.client.request({ method: 'GET', path: '/sync' }),
      ctx.client.request({ method: 'GET', path: '/failed', query: { limit: 1 } }),
      ctx.client.request({
        method: 'GET',
        path: '/alerts',
        query: { state: 'firing' },
        answerStatuses: [404],
      }),
      ctx.client.request({ method: 'GET', path: '/alerts/channels', answerStatuses: [404] }),
    ]);
    if (ctx.json) {
      ctx.out.json({
        health: health.body,
        queues: queues.body,
        sync: sync.body,
        failed: failed.body,
        alerts: alerts.body,
        channels: channels.body,
      });
      return EXIT.ok;
    }
    const answers: StatusAnswers = {
      health: readAnswer(readyAnswerSchema, health.body, 'GET /health/ready'),
      queues: readAnswer(queuesAnswerSchema, queues.body, 'GET /queues'),
      sync: readAnswer(syncStateSchema, sync.body, 'GET /sync'),
      failed: readAnswer(deadLetterListingSchema, failed.body, 'GET /failed'),
      alerts: alerts.status === 404 ? null : readAnswer(alertListSchema, alerts.body, 'GET /alerts'),
      channels:
        channels.status === 404 ? null : readAnswer(channelListSchema, channels.body, 'GET /alerts/channels'),
    };
    ctx.out.lines(renderStatus(answers, ctx.client.url, ctx.out.style));
    return EXIT.ok;
  },
};
