import { envInt } from '@wdt-k3/runtime';
import { z } from 'zod';
import { beijing, num, q, str } from './format.ts';
import { defineRule, say } from './types.ts';

/**
 * Missing orders the pipeline cannot account for — never extracted, saved but gone from K3, no
 * trace at all — are the 漏单 this product exists to prevent. Dead-lettered, discarded, pending and
 * unmappable ones are already in front of a person (the dead-letters alert, the discard's audit).
 */
const UNEXPLAINED = new Set(['never-extracted', 'saved', 'unknown']);

/**
 * The last finished reconciliation found orders missing from K3, extra or duplicated bills, or
 * bills that differ from their order. Critical when some missing orders are unexplained, else a
 * warning. It resolves when a later reconciliation comes back clean (re-run it after fixing).
 */
export const reconciliationRule = defineRule({
  id: 'reconciliation-mismatches',
  severity: 'warning',
  needs: ['reconciliation'],
  settings: z.strictObject({ minFindings: envInt.pipe(z.number().min(1)).default(1) }),
  forMs: 0,
  doc: {
    'zh-CN': {
      name: '对账发现差异',
      meaning:
        '最近一次完成的对账发现了漏单（旺店通有、金蝶没有）、多单、重复或不一致的单据。有无法解释的漏单（从未抽取、写入后被删除、无任何记录）时为严重；已在死信或已丢弃的漏单只是警告。',
      action:
        '打开对账报告看每一张的原因：死信按代码处理后重放，可补的漏单点“补同步漏单”，多单与重复在金蝶里核对；处理后重新对账，告警随之恢复。',
    },
    en: {
      name: 'Reconciliation found differences',
      meaning:
        'The last finished reconciliation found orders missing from K3 (in WDT, not in K3), extra or duplicated bills, or bills that differ. Critical when some missing orders are unexplained (never extracted, deleted after saving, no trace); dead-lettered or discarded ones make it a warning.',
      action:
        'Open the report for each order’s reason: fix dead letters by code and replay, “sync the missing orders” for the syncable ones, check extras and duplicates in K3; reconcile again after, and the alert resolves.',
    },
  },
  evaluate: (snapshot, settings) => {
    const latest = snapshot.reconciliation;
    if (latest === undefined || latest === null) return [];
    const s = latest.summary;
    const extra = s.extraChecked ? s.extra : 0;
    const total = s.missing + extra + s.duplicated + s.mismatched;
    if (total < settings.minFindings) return [];
    const period =
      latest.period.from === latest.period.to
        ? latest.period.from
        : `${latest.period.from}…${latest.period.to}`;
    const unexplained = Object.entries(s.missingByReason)
      .filter(([reason]) => UNEXPLAINED.has(reason.split(':')[0] ?? ''))
      .reduce((sum, [, n]) => sum + n, 0);
    return [
      {
        subject: null,
        value: total,
        since: latest.finishedAt,
        severity: unexplained > 0 ? 'critical' : 'warning',
        facts: {
          runId: latest.runId,
          period,
          missing: s.missing,
          unexplained,
          extra,
          duplicated: s.duplicated,
          mismatched: s.mismatched,
          wdtOrders: s.wdt.orders,
          k3Orders: s.k3.orders,
        },
      },
    ];
  },
  describe: (finding, language) => {
    const f = finding.facts;
    const period = str(f, 'period');
    return {
      title: say(language, `对账 ${period} 发现差异`, `Reconciliation ${period} found differences`),
      summary: say(
        language,
        `旺店通 ${num(f, 'wdtOrders')} 单，金蝶 ${num(f, 'k3Orders')} 单：漏单 ${num(f, 'missing')}，多单 ${num(f, 'extra')}，重复 ${num(f, 'duplicated')}，不一致 ${num(f, 'mismatched')}。`,
        `WDT ${num(f, 'wdtOrders')} orders, K3 ${num(f, 'k3Orders')}: missing ${num(f, 'missing')}, extra ${num(f, 'extra')}, duplicated ${num(f, 'duplicated')}, mismatched ${num(f, 'mismatched')}.`,
      ),
      fields: [
        ...(num(f, 'unexplained') > 0
          ? [
              [
                say(language, '无法解释的漏单', 'Unexplained missing'),
                say(
                  language,
                  `${num(f, 'unexplained')} 张（从未抽取、已删除或无记录）`,
                  `${num(f, 'unexplained')} (never extracted, deleted from K3, or no trace)`,
                ),
              ] as const,
            ]
          : []),
        [say(language, '对账', 'Run'), str(f, 'runId')],
        [say(language, '完成于', 'Finished'), beijing(finding.since, language)],
      ],
      action: say(
        language,
        '打开对账报告处理每一张；处理后重新对账。',
        'Open the report and act on each order; reconcile again after.',
      ),
    };
  },
  link: (finding) => `/console/reconciliations/${q(str(finding.facts, 'runId'))}`,
  command: (finding) => `wdt-k3 reconciliation show ${str(finding.facts, 'runId')}`,
});
