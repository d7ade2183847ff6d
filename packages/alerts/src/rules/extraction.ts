import { SIGNALS } from '@wdt-k3/jobs';
import { envInt } from '@wdt-k3/runtime';
import { z } from 'zod';
import { beijing, duration, num, str } from './format.ts';
import { defineRule, say } from './types.ts';

const intervals = (fallback: number) => envInt.pipe(z.number().min(1).max(1_000)).default(fallback);

/**
 * The watermark (LAST_SYNC_TIME) more than EXTRACT_LAG_MS + N poll intervals behind now, and not
 * moved for N poll intervals.
 */
export const watermarkLagRule = defineRule({
  id: 'watermark-lag',
  severity: 'warning',
  needs: ['extractor'],
  settings: z.strictObject({ pollIntervals: intervals(5) }),
  // A fresh deployment's first catch-up has no advance to judge by: five minutes of patience.
  forMs: 300_000,
  doc: {
    'zh-CN': {
      name: '抽取水位落后',
      meaning:
        '抽取水位（LAST_SYNC_TIME）比现在落后超过 `EXTRACT_LAG_MS` + N 个抽取周期：新发货的订单没有被读到。',
      action:
        '看 `wdt-k3 status` 和抽取服务的 /health：旺店通限流、失败的运行、抽取服务没在跑。水位在未来时用 `wdt-k3 watermark set` 调回。',
    },
    en: {
      name: 'Extraction watermark lags',
      meaning:
        'The watermark (LAST_SYNC_TIME) is more than `EXTRACT_LAG_MS` + N poll intervals behind now: newly shipped orders are not being read.',
      action:
        'Look at `wdt-k3 status` and the extractor’s /health: WDT rate limits, a failed run, no extractor running.',
    },
  },
  evaluate: (snapshot, settings, env) => {
    const watermark = snapshot.extractor?.watermark;
    if (watermark === null || watermark === undefined) return [];
    const stallMs = settings.pollIntervals * env.pollIntervalMs;
    const thresholdMs = env.extractLagMs + stallMs;
    const lagMs = snapshot.now - watermark;
    // A catch-up (a fresh start, a backfill of the watermark) moves it every run: lagging, but
    // not stuck. Only a watermark that has not moved for as long as the allowance is one.
    const advancedAt = snapshot.extractor?.status.lastAdvanceAt ?? null;
    if (lagMs <= thresholdMs || (advancedAt !== null && snapshot.now - advancedAt <= stallMs)) return [];
    return [
      {
        subject: null,
        value: Math.round(lagMs / 60_000),
        since: watermark + thresholdMs,
        facts: { lagMs, watermark, thresholdMs },
      },
    ];
  },
  describe: (finding, language) => ({
    title: say(language, '抽取水位落后', 'Extraction watermark lags'),
    summary: say(
      language,
      `水位 ${beijing(num(finding.facts, 'watermark'), language)}，落后 ${duration(num(finding.facts, 'lagMs'), language)}（阈值 ${duration(num(finding.facts, 'thresholdMs'), language)}）。`,
      `The watermark is ${beijing(num(finding.facts, 'watermark'), language)}, ${duration(num(finding.facts, 'lagMs'), language)} behind (threshold ${duration(num(finding.facts, 'thresholdMs'), language)}).`,
    ),
    fields: [],
    action: say(
      language,
      '查看 wdt-k3 status 与抽取服务 /health 的原因（旺店通拒绝、运行失败、限流、抽取服务未运行）。',
      'See wdt-k3 status and the extractor’s /health for why (WDT refusing us, a failed run, rate limits, no extractor).',
    ),
  }),
  link: () => '/console/pipeline',
  command: () => 'wdt-k3 status',
});

/** No scheduler tick for N poll intervals: no extractor replica is consuming its queue. */
export const ticksMissingRule = defineRule({
  id: 'extractor-ticks-missing',
  severity: 'critical',
  needs: ['extractor'],
  settings: z.strictObject({ pollIntervals: intervals(3) }),
  forMs: 0,
  doc: {
    'zh-CN': {
      name: '抽取服务没有在定时运行',
      meaning:
        '超过 N 个抽取周期（再加 30 秒）没有定时任务运行：没有抽取服务在消费，或它的 Redis 连接卡住了。',
      action: '检查抽取服务进程/容器是否在运行、日志、/health；重启它。',
    },
    en: {
      name: 'Extractor ticks missing',
      meaning:
        'No scheduler tick for N poll intervals (plus 30 s): no extractor is consuming, or its Redis connection is wedged.',
      action: 'Check that an extractor process or container runs, its log and /health; restart it.',
    },
  },
  evaluate: (snapshot, settings, env) => {
    const lastTick = snapshot.extractor?.lastTick;
    if (lastTick === null || lastTick === undefined) return [];
    const thresholdMs = settings.pollIntervals * env.pollIntervalMs + 30_000;
    const ageMs = snapshot.now - lastTick;
    if (ageMs <= thresholdMs) return [];
    return [
      { subject: null, value: Math.round(ageMs / 60_000), since: lastTick, facts: { ageMs, lastTick } },
    ];
  },
  describe: (finding, language) => ({
    title: say(language, '抽取服务停止了定时运行', 'Extractor ticks missing'),
    summary: say(
      language,
      `最后一次定时运行在 ${beijing(num(finding.facts, 'lastTick'), language)}，已经 ${duration(num(finding.facts, 'ageMs'), language)}。`,
      `The last tick was at ${beijing(num(finding.facts, 'lastTick'), language)}, ${duration(num(finding.facts, 'ageMs'), language)} ago.`,
    ),
    fields: [],
    action: say(
      language,
      '检查抽取服务是否在运行，查看它的日志和 /health，必要时重启。',
      'Check the extractor runs; read its log and /health; restart it.',
    ),
  }),
  link: () => '/console/pipeline',
  command: () => 'wdt-k3 status',
});

/** A run failed for good (a page out of attempts, proofs incomplete): its window waits for the next run. */
export const runFailedRule = defineRule({
  id: 'extractor-run-failed',
  severity: 'warning',
  needs: ['extractor'],
  settings: z.strictObject({}),
  forMs: 0,
  doc: {
    'zh-CN': {
      name: '一次抽取运行失败',
      meaning: '一次抽取运行失败（页面重试用尽、覆盖证明不完整）；水位没有移动，下一次运行会从原处重读。',
      action:
        '一般会自愈；如果反复出现，看抽取服务日志里的原因（旺店通错误、超时）。下一次运行提交后自动恢复。',
    },
    en: {
      name: 'An extraction run failed',
      meaning:
        'A run failed for good (a page out of attempts, incomplete coverage); the watermark did not move and the next run reads the window again.',
      action:
        'Usually heals itself; if it repeats, read the extractor log for the cause. Resolves when a later run commits.',
    },
  },
  evaluate: (snapshot) => {
    const failure = snapshot.extractor?.status.lastRunFailure;
    if (!failure) return [];
    return [
      {
        subject: null,
        value: 1,
        since: failure.at,
        facts: { runId: failure.runId, kind: failure.kind, reason: failure.reason.slice(0, 300) },
      },
    ];
  },
  describe: (finding, language) => ({
    title: say(language, '抽取运行失败', 'Extraction run failed'),
    summary: say(
      language,
      `运行 ${str(finding.facts, 'runId')}（${str(finding.facts, 'kind')}）在 ${beijing(finding.since, language)} 失败。`,
      `Run ${str(finding.facts, 'runId')} (${str(finding.facts, 'kind')}) failed at ${beijing(finding.since, language)}.`,
    ),
    fields: [[say(language, '原因', 'Reason'), str(finding.facts, 'reason')]],
    action: say(
      language,
      '下一次运行会重读；反复出现时看抽取服务日志。',
      'The next run reads it again; if it repeats, read the extractor log.',
    ),
  }),
  link: () => '/console/pipeline',
  command: () => 'wdt-k3 status',
});

/** Many WDT 1012 (rate-limit) answers in a window: the budget is set too high, or another app shares it. */
export const wdtRateLimitRule = defineRule({
  id: 'wdt-rate-limit-storm',
  severity: 'warning',
  needs: ['signals'],
  settings: z.strictObject({
    windowMinutes: envInt.pipe(z.number().min(1).max(60)).default(10),
    minAnswers: envInt.pipe(z.number().min(1)).default(10),
  }),
  forMs: 0,
  doc: {
    'zh-CN': {
      name: '旺店通限流（1012）频繁',
      meaning: '最近 N 分钟内旺店通返回限流（1012）的次数达到阈值：抽取在退避，速度下降。',
      action: '调低 `WDT_RATE_LIMIT_PER_MINUTE`，或查是否有别的应用共用同一个 app key 的额度。',
    },
    en: {
      name: 'WDT rate-limit (1012) storm',
      meaning:
        'WDT answered rate-limited (1012) at least the threshold times in the window: extraction backs off and slows down.',
      action: 'Lower `WDT_RATE_LIMIT_PER_MINUTE`, or find another app sharing the app key’s budget.',
    },
  },
  evaluate: (snapshot, settings) => {
    const minutes = snapshot.signals?.window.minutes.slice(-settings.windowMinutes) ?? [];
    const answers = minutes.reduce((sum, m) => sum + m.counts[SIGNALS.wdtRateLimited], 0);
    if (answers < settings.minAnswers) return [];
    const calls = minutes.reduce((sum, m) => sum + m.counts[SIGNALS.wdtCalls], 0);
    const first = minutes.find((m) => m.counts[SIGNALS.wdtRateLimited] > 0)?.minute ?? 0;
    return [
      {
        subject: null,
        value: answers,
        since: first * 60_000,
        facts: { answers, calls, windowMinutes: settings.windowMinutes },
      },
    ];
  },
  describe: (finding, language) => ({
    title: say(language, '旺店通限流频繁', 'WDT rate limits'),
    summary: say(
      language,
      `最近 ${num(finding.facts, 'windowMinutes')} 分钟旺店通限流 ${num(finding.facts, 'answers')} 次（共 ${num(finding.facts, 'calls')} 次调用）。`,
      `WDT rate-limited us ${num(finding.facts, 'answers')} times in ${num(finding.facts, 'windowMinutes')} min (of ${num(finding.facts, 'calls')} calls).`,
    ),
    fields: [],
    action: say(
      language,
      '调低 WDT_RATE_LIMIT_PER_MINUTE，或排查共用额度的其他应用。',
      'Lower WDT_RATE_LIMIT_PER_MINUTE, or find another app sharing the budget.',
    ),
  }),
  link: () => '/console/pipeline',
  command: () => 'wdt-k3 status',
});
