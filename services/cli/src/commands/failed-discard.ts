import { discardAnswerSchema } from '@wdt-k3/admin-contract';
import { requireOption } from '../args.ts';
import { pathOf } from '../client.ts';
import { EXIT } from '../errors.ts';
import { readAnswer } from './answers.ts';
import type { CommandSpec } from './types.ts';

export const failedDiscard: CommandSpec = {
  path: ['failed', 'discard'],
  args: '<id>',
  summary: 'Discard a dead letter for good, with a reason for the audit trail',
  help: ['The order is not loaded into K3. The audit entry keeps the reason, the error code and order_no.'],
  options: { reason: { type: 'string', value: 'TEXT', description: 'why (3–500 characters; required)' } },
  positionals: [1, 1],
  examples: ['wdt-k3 failed discard so-700611 --reason "test order, never shipped"'],
  run: async (ctx, args) => {
    const id = args.positionals[0] ?? '';
    const reason = requireOption(args, 'reason', failedDiscard);
    const { body } = await ctx.client.request({
      method: 'DELETE',
      path: pathOf('failed', id),
      body: { reason },
    });
    if (ctx.json) ctx.out.json(body);
    else
      ctx.out.line(`Discarded ${readAnswer(discardAnswerSchema, body, `DELETE /failed/${id}`).discarded}.`);
    return EXIT.ok;
  },
};
