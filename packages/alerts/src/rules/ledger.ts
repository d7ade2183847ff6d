import { envInt } from '@wdt-k3/runtime';
import { z } from 'zod';
import { beijing, duration, listOf, num, strs } from './format.ts';
import { defineRule, say } from './types.ts';

/** The ledger's projection behind the event stream by more than N minutes (from Redis alone). */
export const ledgerLagRule = defineRule({
  id: 'ledger-lag',
  severity: 'warning',
  needs: ['ledgerLag'],
  settings: z.strictObject({ minutes: envInt.pipe(z.number().min(1).max(1_440)).default(5) }),
  forMs: 0,
  doc: {
    'zh-CN': {
      name: '订单台账落后',
      meaning:
        '事件流里最早一条还没写入订单台账（PostgreSQL）的事件已超过 N 分钟：台账服务停了，或 PostgreSQL 不可用。同步本身不受影响，事件在 Redis 里等着。',
      action: '检查台账服务和 PostgreSQL；恢复后台账自动追上。注意 Redis 内存：事件流在追上前不会被裁剪。',
    },
    en: {
      name: 'Order ledger lags',
      meaning:
        'The oldest event not yet written into the order ledger (PostgreSQL) is older than N minutes: the ledger service is down or PostgreSQL is unavailable. Syncing goes on; events wait in Redis.',
      action:
        'Check the ledger service and PostgreSQL; it catches up by itself. Watch Redis memory: the stream is not trimmed until then.',
    },
  },
  evaluate: (snapshot, settings) => {
    const lag = snapshot.ledgerLag;
    if (lag === undefined || !lag.groupExists || lag.oldestMs === null) return [];
    if (lag.oldestMs < settings.minutes * 60_000) return [];
    return [
      {
        subject: null,
        value: Math.round(lag.oldestMs / 60_000),
        since: snapshot.now - lag.oldestMs,
        facts: { events: lag.events, oldestMs: lag.oldestMs },
      },
    ];
  },
  describe: (finding, language) => ({
    title: say(language, '订单台账落后', 'Order ledger lags'),
    summary: say(
      language,
      `${num(finding.facts, 'events')} 条事件未写入台账，最早的已等待 ${duration(num(finding.facts, 'oldestMs'), language)}。`,
      `${num(finding.facts, 'events')} events are not in the ledger yet; the oldest has waited ${duration(num(finding.facts, 'oldestMs'), language)}.`,
    ),
    fields: [],
    action: say(
      language,
      '检查台账服务与 PostgreSQL；恢复后自动追上。',
      'Check the ledger service and PostgreSQL; it catches up by itself.',
    ),
  }),
  link: () => '/console',
  command: () => 'wdt-k3 status',
});

/** Orders WDT changed after their bill was saved: K3 holds an outdated bill (needs the ledger). */
export const changedAfterSaveRule = defineRule({
  id: 'orders-changed-after-save',
  severity: 'warning',
  needs: ['ledger'],
  settings: z.strictObject({ minOrders: envInt.pipe(z.number().min(1)).default(1) }),
  forMs: 0,
  doc: {
    'zh-CN': {
      name: '订单保存后在旺店通被修改',
      meaning:
        '有订单在金蝶出库单保存之后，旺店通里的内容又变了（数量、价格、仓库…）：金蝶里的单据已过时。需要台账（DATABASE_URL）。',
      action: '用 `wdt-k3 order show <单号>` 看改了哪些字段，在金蝶里手工调整或红冲重做。',
    },
    en: {
      name: 'Orders changed after save',
      meaning:
        'WDT changed orders after their K3 bill was saved (quantities, prices, stock…): the bill in K3 is outdated. Needs the ledger (DATABASE_URL).',
      action:
        'See which fields changed with `wdt-k3 order show <number>`; adjust or reverse the bill in K3 by hand.',
    },
  },
  evaluate: (snapshot, settings) => {
    const changed = snapshot.ledger?.changed;
    if (changed === undefined || changed.count < settings.minOrders) return [];
    return [
      {
        subject: null,
        value: changed.count,
        since: changed.oldestAt ?? snapshot.now,
        facts: { count: changed.count, orderNos: [...changed.orderNos] },
      },
    ];
  },
  describe: (finding, language) => {
    const count = num(finding.facts, 'count');
    const orderNos = strs(finding.facts, 'orderNos');
    return {
      title: say(language, '订单保存后被修改', 'Orders changed after save'),
      summary: say(
        language,
        `${count} 张订单在金蝶保存后于旺店通被修改（最早 ${beijing(finding.since, language)}）。`,
        `${count} ${count === 1 ? 'order was' : 'orders were'} changed in WDT after being saved to K3 (first ${beijing(finding.since, language)}).`,
      ),
      fields:
        orderNos.length > 0 ? [[say(language, '订单', 'Orders'), listOf(orderNos, count, language)]] : [],
      action: say(
        language,
        '用 wdt-k3 order show <单号> 查看变化的字段，在金蝶中调整单据。',
        'See the changed fields with wdt-k3 order show <number>; adjust the bill in K3.',
      ),
    };
  },
  link: () => '/console/orders?state=changed',
  command: (finding) => `wdt-k3 order show ${strs(finding.facts, 'orderNos')[0] ?? '<number>'}`,
});
