import { watermarkAnswerSchema } from '@wdt-k3/admin-contract';
import { requireOption } from '../args.ts';
import { EXIT } from '../errors.ts';
import { readAnswer } from './answers.ts';
import type { CommandSpec } from './types.ts';

export const watermarkSet: CommandSpec = {
  path: ['watermark', 'set'],
  args: '<time>',
  summary: 'Move the extraction watermark back, so the extractor reads again from <time> (audited)',
  help: [
    '<time> is "yyyy-MM-dd HH:mm:ss" in Beijing time or ISO-8601 with an offset, not in the future.',
    'Only back: moving it forward would skip orders. The one exception is a watermark stuck in the',
    'future (a mistyped EXTRACT_START_FROM), which may be brought back to any past time.',
    'A run in flight is cancelled: it can no longer move the watermark. Re-read orders already in K3',
    'are recognised by their bill number and not saved twice.',
  ],
  options: {
    reason: { type: 'string', value: 'TEXT', description: 'why, for the audit trail (required)' },
  },
  positionals: [1, 1],
  examples: ['wdt-k3 watermark set "2026-11-01 00:00:00" --reason "K3 restored from last night\'s backup"'],
  run: async (ctx, args) => {
    const to = args.positionals[0] as string;
    const reason = requireOption(args, 'reason', watermarkSet);
    const { body } = await ctx.client.request({
      method: 'PUT',
      path: '/sync/watermark',
      body: { to, reason },
    });
    if (ctx.json) {
      ctx.out.json(body);
      return EXIT.ok;
    }
    const answer = readAnswer(watermarkAnswerSchema, body, 'PUT /sync/watermark');
    ctx.out.line(
      `Watermark moved from ${answer.previous?.beijing ?? 'none'} to ${ctx.out.style.bold(answer.watermark.beijing)} (Beijing): extraction reads again from there.`,
    );
    return EXIT.ok;
  },
};
