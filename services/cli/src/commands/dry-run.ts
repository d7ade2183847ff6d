import { type DryRunAnswer, dryRunAnswerSchema } from '@wdt-k3/admin-contract';
import { flagOption } from '../args.ts';
import { pathOf } from '../client.ts';
import { EXIT } from '../errors.ts';
import { plural, prettyJson } from '../format.ts';
import type { Style } from '../output.ts';
import { readAnswer } from './answers.ts';
import { issueTable } from './failed-show.ts';
import type { CommandSpec } from './types.ts';

function renderDryRun(answer: DryRunAnswer, style: Style, withOrder: boolean): string[] {
  const order = withOrder ? ['', 'WDT order:', prettyJson(answer.order)] : [];
  if (!answer.result.ok) {
    return [
      `${answer.stockoutNo} does ${style.red('not')} map: ${plural(answer.result.issues.length, 'issue')}.`,
      ...issueTable(answer.result.issues, style),
      ...order,
    ];
  }
  const linked = answer.result.unlinked
    ? ' It is not linked to a sales order (no K3 lookups, or none found and links are optional).'
    : '';
  return [
    `${answer.stockoutNo} maps to this K3 SAL_OUTSTOCK model; nothing was written.${linked}`,
    prettyJson(answer.result.model),
    ...order,
  ];
}

export const dryRun: CommandSpec = {
  path: ['dry-run'],
  args: '<stockoutNo>',
  summary: 'Fetch one stock-out from WDT and map it without writing: the K3 model or the issues',
  help: ['Spends one of WDT’s ~60 calls a minute (shared with the extractor), so it needs a full token.'],
  options: { order: { type: 'boolean', description: 'also print the WDT order as fetched' } },
  positionals: [1, 1],
  examples: ['wdt-k3 dry-run CK2024031800017', "wdt-k3 dry-run CK2024031800017 --json | jq '.result.issues'"],
  run: async (ctx, args) => {
    const stockoutNo = args.positionals[0] ?? '';
    const { body } = await ctx.client.request({
      method: 'POST',
      path: pathOf('orders', stockoutNo, 'dry-run'),
    });
    const answer = readAnswer(dryRunAnswerSchema, body, 'POST /orders/:stockoutNo/dry-run');
    if (ctx.json) ctx.out.json(body);
    else ctx.out.lines(renderDryRun(answer, ctx.out.style, flagOption(args, 'order')));
    // An order that does not map is the answer a script must notice: exit 1, like a failed replay.
    return answer.result.ok ? EXIT.ok : EXIT.apiError;
  },
};
