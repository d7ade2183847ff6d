import { SIGNALS } from '@wdt-k3/jobs';
import { envInt } from '@wdt-k3/runtime';
import { z } from 'zod';
import { beijing, duration, num } from './format.ts';
import { defineRule, say } from './types.ts';

const minutes = (fallback: number) => envInt.pipe(z.number().min(1).max(1_440)).default(fallback);

/** The oldest waiting order job has waited longer than N minutes: loading falls behind. */
export const ordersWaitingRule = defineRule({
  id: 'orders-waiting-too-long',
  severity: 'warning',
  needs: ['orders'],
  settings: z.strictObject({ minutes: minutes(15) }),
  forMs: 0,
  doc: {
    'zh-CN': {
      name: '订单任务等待过久',
      meaning: '队列里最早的订单任务已经等待超过 N 分钟：装载跟不上（金蝶慢、装载服务太少或卡住）。',
      action:
        '看 `wdt-k3 status` 的队列和装载服务的 /health；金蝶慢时先调大 `LOADER_BATCH_SIZE`，再增加装载服务实例。',
    },
    en: {
      name: 'Order jobs wait too long',
      meaning:
        'The oldest waiting order job has waited more than N minutes: loading falls behind (K3 slow, too few or wedged loaders).',
      action:
        'See the queues in `wdt-k3 status` and the loaders’ /health; raise `LOADER_BATCH_SIZE` first when K3 is slow, then add loaders.',
    },
  },
  evaluate: (snapshot, settings) => {
    const orders = snapshot.orders;
    if (orders?.oldestWaitingSince === null || orders?.oldestWaitingSince === undefined) return [];
    const ageMs = snapshot.now - orders.oldestWaitingSince;
    if (ageMs < settings.minutes * 60_000) return [];
    return [
      {
        subject: null,
        value: Math.round(ageMs / 60_000),
        since: orders.oldestWaitingSince,
        facts: { ageMs, waiting: orders.waiting, workers: orders.workers },
      },
    ];
  },
  describe: (finding, language) => ({
    title: say(language, '订单任务等待过久', 'Order jobs wait too long'),
    summary: say(
      language,
      `最早的订单任务已等待 ${duration(num(finding.facts, 'ageMs'), language)}，队列中还有 ${num(finding.facts, 'waiting')} 个。`,
      `The oldest order job has waited ${duration(num(finding.facts, 'ageMs'), language)}; ${num(finding.facts, 'waiting')} are waiting.`,
    ),
    fields: [[say(language, '在线装载进程', 'Loader workers'), String(finding.facts.workers ?? '?')]],
    action: say(
      language,
      '查看装载服务 /health 与金蝶延迟；金蝶慢时调大 LOADER_BATCH_SIZE，再增加装载实例。',
      'Check the loaders’ /health and K3 latency; raise LOADER_BATCH_SIZE, then add loaders.',
    ),
  }),
  link: () => '/console',
  command: () => 'wdt-k3 status',
});

/**
 * Jobs wait but the fleet starts none: no loader runs, or every one is wedged (the loader's own
 * /health sees only itself). From Redis: waiting jobs, workers connected, jobs started per minute.
 */
export const fleetStalledRule = defineRule({
  id: 'loader-fleet-stalled',
  severity: 'critical',
  needs: ['orders', 'signals'],
  settings: z.strictObject({ minutes: minutes(5) }),
  forMs: 0,
  doc: {
    'zh-CN': {
      name: '装载服务没有在处理订单',
      meaning:
        '有订单任务在等待，但最近 N 分钟整个装载集群一个任务也没有开始：装载服务都停了，或 Redis 连接卡住了。',
      action: '检查装载服务进程/容器、日志和 /health（`consuming` 检查），重启卡住的实例。',
    },
    en: {
      name: 'Loader fleet not consuming',
      meaning:
        'Order jobs wait but no loader started any in the last N minutes: every loader is down or its Redis connection is wedged.',
      action:
        'Check the loader processes or containers, their logs and /health (the `consuming` check); restart the wedged ones.',
    },
  },
  evaluate: (snapshot, settings) => {
    const orders = snapshot.orders;
    const window = snapshot.signals?.window.minutes.slice(-settings.minutes) ?? [];
    if (orders === undefined || orders.waiting === 0 || orders.oldestWaitingSince === null) return [];
    if (snapshot.now - orders.oldestWaitingSince < settings.minutes * 60_000) return [];
    const started = window.reduce((sum, m) => sum + m.counts[SIGNALS.jobsStarted], 0);
    if (started > 0 && orders.workers !== 0) return [];
    return [
      {
        subject: null,
        value: orders.waiting,
        since: orders.oldestWaitingSince,
        facts: { waiting: orders.waiting, workers: orders.workers, minutes: settings.minutes, started },
      },
    ];
  },
  describe: (finding, language) => ({
    title: say(language, '装载服务停止处理订单', 'Loader fleet not consuming'),
    summary: say(
      language,
      `${num(finding.facts, 'waiting')} 个订单任务在等待（最早自 ${beijing(finding.since, language)}），最近 ${num(finding.facts, 'minutes')} 分钟没有任务开始。`,
      `${num(finding.facts, 'waiting')} order jobs wait (the oldest since ${beijing(finding.since, language)}) and none started in ${num(finding.facts, 'minutes')} min.`,
    ),
    fields: [[say(language, '在线装载进程', 'Loader workers'), String(finding.facts.workers ?? '?')]],
    action: say(
      language,
      '检查装载服务是否在运行及其 /health，重启卡住的实例。',
      'Check the loaders run and their /health; restart wedged ones.',
    ),
  }),
  link: () => '/console',
  command: () => 'wdt-k3 status',
});

/** K3 calls of the save path (existence checks and BatchSave) failing above a ratio. */
export const k3FailureRateRule = defineRule({
  id: 'k3-failure-rate',
  severity: 'warning',
  needs: ['signals'],
  settings: z.strictObject({
    windowMinutes: envInt.pipe(z.number().min(1).max(60)).default(5),
    ratio: z.number().gt(0).max(1).default(0.2),
    minCalls: envInt.pipe(z.number().min(1)).default(20),
  }),
  forMs: 0,
  doc: {
    'zh-CN': {
      name: '金蝶调用失败率高',
      meaning:
        '最近 N 分钟装载服务调用金蝶（查单、BatchSave）的失败比例超过阈值（至少有最少调用次数）：超时、5xx、调用限制。订单会重试，但变慢，重试用尽就进死信。',
      action:
        '看装载服务的 `loader_k3_request_duration_seconds` 与日志；金蝶维护或过载时可 `wdt-k3 pause`，恢复后 `wdt-k3 resume`。',
    },
    en: {
      name: 'K3 call failure rate high',
      meaning:
        'In the last N minutes more than the ratio of the loaders’ K3 calls (existence checks, BatchSave) failed: timeouts, 5xx, call limits. Orders retry but slow down, and dead-letter once out of attempts.',
      action:
        'Read `loader_k3_request_duration_seconds` and the loader logs; `wdt-k3 pause` during K3 maintenance, `wdt-k3 resume` after.',
    },
  },
  evaluate: (snapshot, settings) => {
    const window = snapshot.signals?.window.minutes.slice(-settings.windowMinutes) ?? [];
    const calls = window.reduce((sum, m) => sum + m.counts[SIGNALS.k3Calls], 0);
    const failed = window.reduce((sum, m) => sum + m.counts[SIGNALS.k3Failed], 0);
    if (calls < settings.minCalls || failed / calls < settings.ratio) return [];
    const first = window.find((m) => m.counts[SIGNALS.k3Failed] > 0)?.minute ?? 0;
    return [
      {
        subject: null,
        value: Math.round((failed / calls) * 1000),
        since: first * 60_000,
        facts: { calls, failed, windowMinutes: settings.windowMinutes, ratio: settings.ratio },
      },
    ];
  },
  describe: (finding, language) => {
    const calls = num(finding.facts, 'calls');
    const failed = num(finding.facts, 'failed');
    const percent = calls === 0 ? 0 : Math.round((failed / calls) * 100);
    return {
      title: say(language, '金蝶调用失败率高', 'K3 call failure rate high'),
      summary: say(
        language,
        `最近 ${num(finding.facts, 'windowMinutes')} 分钟金蝶调用失败 ${failed}/${calls}（${percent}%，阈值 ${Math.round(num(finding.facts, 'ratio') * 100)}%）。`,
        `${failed} of ${calls} K3 calls failed in ${num(finding.facts, 'windowMinutes')} min (${percent}%, threshold ${Math.round(num(finding.facts, 'ratio') * 100)}%).`,
      ),
      fields: [],
      action: say(
        language,
        '订单会自动重试；金蝶维护时可 wdt-k3 pause，恢复后 wdt-k3 resume，再按代码重放死信。',
        'Orders retry by themselves; pause during K3 maintenance, resume after, then replay dead letters by code.',
      ),
    };
  },
  link: () => '/console',
  command: () => 'wdt-k3 status',
});
