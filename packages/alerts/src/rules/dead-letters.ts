import { describeCode, type Language } from '@wdt-k3/jobs';
import { envInt } from '@wdt-k3/runtime';
import { z } from 'zod';
import { listOf, num, q, str, strs } from './format.ts';
import { defineRule, type FindingView, say } from './types.ts';

/** The kinds of base data `blockingNumbers` names (packages/jobs), as a K3 administrator calls them. */
const KIND_ZH: Readonly<Record<string, string>> = {
  material: '物料',
  customer: '客户',
  stock: '仓库',
  warehouse: '仓库',
  'sale-org': '销售组织',
  'stock-org': '库存组织',
  salesman: '销售员',
  'stock-status': '库存状态',
  owner: '货主',
  keeper: '保管者',
  shop: '店铺',
  'base-data': '基础资料',
};

interface Blocking {
  readonly kind: string;
  readonly number: string;
  readonly orders: number;
}

const blockingOf = (facts: FindingView['facts']): Blocking[] => {
  const value = facts.blocking;
  if (!Array.isArray(value)) return [];
  return value.filter(
    (item): item is Blocking =>
      typeof item === 'object' && item !== null && typeof (item as Blocking).number === 'string',
  );
};

const blockingText = (blocking: readonly Blocking[], language: Language): string =>
  blocking
    .slice(0, 5)
    .map((item) => {
      const kind = language === 'en' ? item.kind : (KIND_ZH[item.kind] ?? item.kind);
      return say(
        language,
        `${kind} ${item.number}（${item.orders} 单）`,
        `${kind} ${item.number} (${item.orders})`,
      );
    })
    .join(say(language, '，', ', '));

/**
 * New dead letters, one alert per error code: "37 orders: K3_BASEDATA_MISSING, material G9…" —
 * not 37 messages. It fires once a code's letters have stood `forMs` (so a burst is counted whole
 * in the first message), sends an update when more arrive, and resolves when none of the code is
 * left (replayed and saved, or discarded).
 */
export const deadLettersRule = defineRule({
  id: 'dead-letters',
  severity: 'warning',
  needs: ['deadLetters'],
  settings: z.strictObject({ minOrders: envInt.pipe(z.number().min(1)).default(1) }),
  forMs: 30_000,
  doc: {
    'zh-CN': {
      name: '新的死信（按错误代码分组）',
      meaning:
        '有订单失败且不会再自动重试，进入了死信队列；同一个错误代码的订单合成一条消息，列出缺少的基础资料编号。',
      action:
        '按消息里的代码处理（见错误代码表），然后 `wdt-k3 failed replay --code <代码>`；全部重放成功或作废后告警自动恢复。',
    },
    en: {
      name: 'New dead letters (grouped by error code)',
      meaning:
        'Orders failed for good and wait in the dead-letter queue; one message per error code, with the base-data numbers they lack.',
      action:
        'Fix what the code says (error-code table), then `wdt-k3 failed replay --code <CODE>`; the alert resolves once none of the code is left.',
    },
  },
  evaluate: (snapshot, settings) =>
    (snapshot.deadLetters?.groups ?? [])
      .filter((group) => group.count >= settings.minOrders)
      .map((group) => ({
        subject: group.code,
        value: group.count,
        since: group.oldestAt,
        facts: {
          count: group.count,
          orderNos: [...group.orderNos],
          blocking: group.blocking.map((item) => ({ ...item })),
          message: group.message,
        },
        ...(describeCode(group.code).healsBySelf ? { severity: 'info' as const } : {}),
      })),
  describe: (finding, language) => {
    const code = finding.subject ?? '';
    const described = describeCode(code, language);
    const count = num(finding.facts, 'count');
    const blocking = blockingOf(finding.facts);
    const orderNos = strs(finding.facts, 'orderNos');
    const message = str(finding.facts, 'message');
    const fields: Array<readonly [string, string]> = [
      [say(language, '错误代码', 'Code'), code],
      [say(language, '说明', 'Meaning'), described.meaning],
    ];
    if (blocking.length > 0)
      fields.push([say(language, '缺少的基础资料', 'Missing base data'), blockingText(blocking, language)]);
    if (orderNos.length > 0)
      fields.push([say(language, '订单', 'Orders'), listOf(orderNos, count, language)]);
    if (message !== '') fields.push([say(language, '原始错误', 'Message'), message]);
    return {
      title: say(language, `死信：${described.title}`, `Dead letters: ${described.title}`),
      summary: say(
        language,
        `${count} 张订单因 ${code} 进入死信队列，不会再自动重试。`,
        `${count} ${count === 1 ? 'order' : 'orders'} dead-lettered with ${code}; they will not be retried by themselves.`,
      ),
      fields,
      action: described.action,
    };
  },
  link: (finding) => `/console/dead-letters?code=${q(finding.subject ?? '')}`,
  command: (finding) => `wdt-k3 failed list --code ${finding.subject ?? ''}`,
});
