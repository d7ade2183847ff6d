import { pauseAnswerSchema, resumeAnswerSchema } from '@wdt-k3/admin-contract';
import { stringOption } from '../args.ts';
import { EXIT } from '../errors.ts';
import { readAnswer } from './answers.ts';
import type { CommandSpec } from './types.ts';

const AFTER = {
  pause: 'Running jobs finish; nothing new starts until wdt-k3 resume. The DLQ is left alone.',
  resume: 'The extractor and the loaders pick up where they stopped.',
} as const;

function pipelineCommand(action: 'pause' | 'resume'): CommandSpec {
  const spec: CommandSpec = {
    path: [action],
    args: '',
    summary:
      action === 'pause'
        ? 'Pause the pipeline (wdt-sync, wdt-pages, orders): running jobs finish'
        : 'Resume the pipeline after a pause',
    options: { reason: { type: 'string', value: 'TEXT', description: 'why, for the audit trail' } },
    positionals: [0, 0],
    examples: [`wdt-k3 ${action} --reason "K3 upgrade"`],
    run: async (ctx, args) => {
      const reason = stringOption(args, 'reason');
      const { body } = await ctx.client.request({
        method: 'POST',
        path: `/pipeline/${action}`,
        body: reason === undefined ? {} : { reason },
      });
      if (ctx.json) {
        ctx.out.json(body);
        return EXIT.ok;
      }
      const what = `POST /pipeline/${action}`;
      const queues =
        action === 'pause'
          ? readAnswer(pauseAnswerSchema, body, what).paused
          : readAnswer(resumeAnswerSchema, body, what).resumed;
      ctx.out.lines([`${action === 'pause' ? 'Paused' : 'Resumed'} ${queues.join(', ')}.`, AFTER[action]]);
      return EXIT.ok;
    },
  };
  return spec;
}

export const pause = pipelineCommand('pause');
export const resume = pipelineCommand('resume');
