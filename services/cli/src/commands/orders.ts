import {
  dataQualitySchema,
  type OrderWithTimeline,
  orderSearchSchema,
  undiscardAnswerSchema,
} from '@wdt-k3/admin-contract';
import { requireOption } from '../args.ts';
import { pathOf } from '../client.ts';
import { EXIT } from '../errors.ts';
import { plural, prettyJson } from '../format.ts';
import type { Style } from '../output.ts';
import { formatFields, formatTable, indent } from '../table.ts';
import { readAnswer } from './answers.ts';
import type { CommandSpec } from './types.ts';

/** What each state means to a person reading it. */
const STATE_TEXT: Readonly<Record<string, string>> = {
  pending: 'being loaded',
  saved: 'in K3',
  dead: 'dead-lettered',
  discarded: 'discarded',
  changed: 'in K3, but changed in WDT after it was saved',
};

function eventLine(entry: OrderWithTimeline['timeline'][number]): string[] {
  const d = entry.data;
  const what: Record<string, string> = {
    'order.extracted': `read from WDT (${String(d.runKind ?? '')} run ${String(d.runId ?? '')})`,
    'order.attempt_failed': `attempt ${String(d.attempt ?? '?')} failed: ${String(d.code ?? '')} ${String(d.message ?? '')}`,
    'order.saved':
      d.already === true
        ? `found in K3 as bill ${String(d.billNo ?? '')}`
        : `saved as K3 bill ${String(d.billNo ?? '')} (FID ${String(d.fid ?? '')})`,
    'order.dead_lettered': `dead-lettered: ${String(d.code ?? '')} ${String(d.message ?? '')}`,
    'order.replayed': `replayed by ${String(d.by ?? '')}${d.edited === true ? ' with an edited order' : ''}`,
    'order.discarded': `discarded by ${String(d.by ?? '')}: ${String(d.reason ?? '')}`,
    'order.undiscarded': `undiscarded by ${String(d.by ?? '')}`,
  };
  return [entry.at?.beijing ?? '', what[entry.type] ?? entry.type];
}

function renderOrder(order: OrderWithTimeline, style: Style): string[] {
  const state = STATE_TEXT[order.state] ?? order.state;
  const coloured =
    order.state === 'saved' ? style.green(state) : order.state === 'pending' ? state : style.yellow(state);
  return [
    ...formatFields([
      ['Order', `${order.orderKey} (stock-out ${order.orderNo ?? '?'}, shop ${order.shopNo ?? '?'})`],
      ['State', coloured],
      ['Numbers', `platform trade ${order.srcTradeNo ?? '-'}, tracking ${order.logisticsNo ?? '-'}`],
      ['Consigned', order.consignTime === null ? '-' : `${order.consignTime.beijing} (Beijing)`],
      [
        'K3 bill',
        order.billNo === null ? '-' : `${order.billNo}${order.k3Fid === null ? '' : ` (FID ${order.k3Fid})`}`,
      ],
      ...(order.lastCode === null
        ? []
        : ([['Last error', `${order.lastCode}: ${order.lastMessage ?? ''}`]] as Array<[string, string]>)),
      ...(order.discardedBy === null
        ? []
        : ([['Discarded', `by ${order.discardedBy}: ${order.discardReason ?? ''}`]] as Array<
            [string, string]
          >)),
    ]),
    ...(order.blocking.length === 0
      ? []
      : ['', 'Blocked by:', ...indent(order.blocking.map((b) => `${b.kind} ${b.number}`))]),
    ...(order.changedFields === null || order.changedFields.length === 0
      ? []
      : [
          '',
          'Changed in WDT after the save (K3 keeps the saved values):',
          ...formatTable(
            [{ header: 'FIELD' }, { header: 'IN K3' }, { header: 'NOW IN WDT' }],
            order.changedFields.map((change) => [
              change.field,
              prettyJson(change.saved),
              prettyJson(change.now),
            ]),
            style.bold,
          ),
        ]),
    '',
    ...formatTable(
      [{ header: 'WHEN (BEIJING)' }, { header: 'WHAT' }],
      order.timeline.map(eventLine),
      style.bold,
    ),
  ];
}

export const orderShow: CommandSpec = {
  path: ['order', 'show'],
  args: '<number>',
  summary: 'What happened to an order: find it by any number, show its state and timeline (the ledger)',
  help: [
    '<number> is any of: stockout_id, stock-out number (CK…), platform trade id, tracking number, K3 bill number.',
  ],
  options: {},
  positionals: [1, 1],
  examples: ['wdt-k3 order show CK20261130000042', 'wdt-k3 order show SF1234567890'],
  run: async (ctx, args) => {
    const number = args.positionals[0] ?? '';
    const { body } = await ctx.client.request({ method: 'GET', path: '/orders', query: { number } });
    if (ctx.json) {
      ctx.out.json(body);
      return EXIT.ok;
    }
    const { orders } = readAnswer(orderSearchSchema, body, 'GET /orders');
    for (const [index, order] of orders.entries())
      ctx.out.lines([...(index > 0 ? [''] : []), ...renderOrder(order, ctx.out.style)]);
    return EXIT.ok;
  },
};

export const reportDataQuality: CommandSpec = {
  path: ['report', 'data-quality'],
  args: '',
  summary:
    'Dead letters per day and code, and the base-data numbers blocking most orders (for the K3 administrator)',
  help: ['T is "yyyy-MM-dd HH:mm:ss" in Beijing time or ISO-8601; the default is the last 7 days.'],
  options: {
    from: { type: 'string', value: 'T', description: 'start, included (default: 7 days before --to)' },
    to: { type: 'string', value: 'T', description: 'end, excluded (default: now)' },
  },
  positionals: [0, 0],
  examples: ['wdt-k3 report data-quality --from "2026-11-01 00:00:00" --to "2026-12-01 00:00:00"'],
  run: async (ctx, args) => {
    const query: Record<string, string> = {};
    for (const name of ['from', 'to'] as const) {
      const value = args.values[name];
      if (typeof value === 'string') query[name] = value;
    }
    const { body } = await ctx.client.request({ method: 'GET', path: '/reports/data-quality', query });
    if (ctx.json) {
      ctx.out.json(body);
      return EXIT.ok;
    }
    const report = readAnswer(dataQualitySchema, body, 'GET /reports/data-quality');
    const total = report.byDay.reduce((sum, row) => sum + row.orders, 0);
    ctx.out.lines([
      `Dead letters ${report.from} → ${report.to} (Beijing): ${plural(total, 'order')}.`,
      '',
      ...formatTable(
        [{ header: 'DAY' }, { header: 'CODE' }, { header: 'ORDERS', align: 'right' }],
        report.byDay.map((row) => [row.day, row.code, String(row.orders)]),
        ctx.out.style.bold,
      ),
      '',
      'Blocking numbers, most orders first:',
      ...formatTable(
        [{ header: 'KIND' }, { header: 'NUMBER' }, { header: 'ORDERS', align: 'right' }, { header: 'CODES' }],
        report.blocking.map((row) => [row.kind, row.number, String(row.orders), row.codes.join(', ')]),
        ctx.out.style.bold,
      ),
    ]);
    return EXIT.ok;
  },
};

export const failedUndiscard: CommandSpec = {
  path: ['failed', 'undiscard'],
  args: '<id>',
  summary: 'Lift a discard: the order is no longer skipped, and is synced from WDT again',
  help: ['<id> is the dead letter id it had (so-<stockout_id>).'],
  options: { reason: { type: 'string', value: 'TEXT', description: 'why (3–500 characters; required)' } },
  positionals: [1, 1],
  examples: ['wdt-k3 failed undiscard so-700611 --reason "it did ship after all"'],
  run: async (ctx, args) => {
    const id = args.positionals[0] ?? '';
    const reason = requireOption(args, 'reason', failedUndiscard);
    const { body } = await ctx.client.request({
      method: 'POST',
      path: pathOf('orders', id, 'undiscard'),
      body: { reason },
    });
    if (ctx.json) {
      ctx.out.json(body);
      return EXIT.ok;
    }
    const answer = readAnswer(undiscardAnswerSchema, body, `POST /orders/${id}/undiscard`);
    ctx.out.line(
      answer.resynced === null
        ? `${answer.orderKey} is no longer discarded; the next read of its window loads it.`
        : `${answer.orderKey} is no longer discarded; ${answer.resynced} is synced from WDT again (job ${answer.jobId ?? '?'}).`,
    );
    return EXIT.ok;
  },
};
