import { z } from 'zod';
import { EXIT } from '../errors.ts';
import { formatBeijing, formatDuration, plural } from '../format.ts';
import type { Style } from '../output.ts';
import { formatFields, formatTable, indent } from '../table.ts';
import { readAnswer } from './answers.ts';
import { byCodeLines, listingSchema } from './failed-list.ts';
import type { CommandSpec } from './types.ts';

const queuesSchema = z.object({
  queues: z.array(
    z.object({
      queue: z.string(),
      paused: z.boolean(),
      counts: z.record(z.string(), z.number()),
      oldestWaitingSeconds: z.number().nullable(),
    }),
  ),
});

const stampSchema = z.object({ ms: z.number(), beijing: z.string() });

const syncSchema = z.object({
  watermark: stampSchema.nullable(),
  lagSeconds: z.number().nullable(),
  lastTick: stampSchema.extend({ ageSeconds: z.number() }).nullable(),
  inflight: z
    .object({ runId: z.string(), fromMs: z.number(), toMs: z.number(), windows: z.array(z.unknown()) })
    .nullable(),
  lastRun: z
    .object({
      runId: z.string(),
      kind: z.string(),
      finishedAt: z.number(),
      pages: z.number(),
      orders: z.number(),
      enqueued: z.number(),
      duplicates: z.number(),
    })
    .nullable(),
});

const readySchema = z.object({
  ok: z.boolean(),
  checks: z.record(z.string(), z.object({ ok: z.boolean(), detail: z.string().optional() })),
});

export interface StatusAnswers {
  readonly health: z.output<typeof readySchema>;
  readonly queues: z.output<typeof queuesSchema>;
  readonly sync: z.output<typeof syncSchema>;
  readonly failed: z.output<typeof listingSchema>;
}

/** Always shown; PRIORITIZED and WAITING-CHILDREN only when some queue has such jobs (keeps 80 columns). */
const STATES = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'completed', 'failed'];
const OPTIONAL_STATES = new Set(['prioritized', 'waiting-children']);

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

function syncFields(sync: StatusAnswers['sync']): Array<[string, string]> {
  const { watermark, lastTick, inflight, lastRun } = sync;
  return [
    [
      'Watermark',
      watermark === null
        ? 'none yet (the extractor has not run)'
        : `${watermark.beijing} (Beijing), lag ${formatDuration(sync.lagSeconds ?? 0)}`,
    ],
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

export function renderStatus(answers: StatusAnswers, adminUrl: string, style: Style): string[] {
  const dead = answers.failed.total;
  return [
    ...formatFields([
      ['Admin API', adminUrl],
      ['Ready', readyLine(answers.health, style)],
      ...syncFields(answers.sync),
      ['Dead letters', dead === 0 ? '0' : style.yellow(String(dead))],
    ]),
    ...(dead === 0 ? [] : ['', ...indent(byCodeLines(answers.failed.byCode, style))]),
    '',
    ...queueTable(answers.queues.queues, style),
  ];
}

export const status: CommandSpec = {
  path: ['status'],
  args: '',
  summary: 'Readiness, queue counts, sync watermark and lag, dead letters by code',
  help: [
    'Reads GET /health/ready, /queues, /sync and /failed?limit=1. With --json it prints',
    '{ "health", "queues", "sync", "failed" }, each the answer of its route unchanged.',
    'A pipeline that is not ready is reported, not an error: the exit code stays 0.',
  ],
  options: {},
  positionals: [0, 0],
  examples: ['wdt-k3 status', "wdt-k3 status --json | jq '.sync.lagSeconds'"],
  run: async (ctx) => {
    const [health, queues, sync, failed] = await Promise.all([
      ctx.client.request({ method: 'GET', path: '/health/ready', answerStatuses: [503] }),
      ctx.client.request({ method: 'GET', path: '/queues' }),
      ctx.client.request({ method: 'GET', path: '/sync' }),
      ctx.client.request({ method: 'GET', path: '/failed', query: { limit: 1 } }),
    ]);
    if (ctx.json) {
      ctx.out.json({ health: health.body, queues: queues.body, sync: sync.body, failed: failed.body });
      return EXIT.ok;
    }
    const answers: StatusAnswers = {
      health: readAnswer(readySchema, health.body, 'GET /health/ready'),
      queues: readAnswer(queuesSchema, queues.body, 'GET /queues'),
      sync: readAnswer(syncSchema, sync.body, 'GET /sync'),
      failed: readAnswer(listingSchema, failed.body, 'GET /failed'),
    };
    ctx.out.lines(renderStatus(answers, ctx.client.url, ctx.out.style));
    return EXIT.ok;
  },
};
