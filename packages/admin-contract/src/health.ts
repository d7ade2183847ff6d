import { redisTopologySchema } from '@wdt-k3/runtime';
import { z } from 'zod';

/** `GET /health/live`. */
export const liveAnswerSchema = z.object({ ok: z.literal(true) });

const checkSchema = z.object({ ok: z.boolean(), detail: z.string().optional() });

/** `GET /health/ready`: 200 or 503, the same shape. */
export const readyAnswerSchema = z.object({
  ok: z.boolean(),
  checks: z.record(z.string(), checkSchema),
  consumers: z.record(z.string(), z.number().nullable()).describe('Workers per consumed queue'),
  // Declared once in runtime (the topology's contract); an older admin does not send it.
  redis: redisTopologySchema
    .nullable()
    .optional()
    .describe('The Redis topology in use and the failovers ridden out'),
});
export type ReadyAnswer = z.output<typeof readyAnswerSchema>;
