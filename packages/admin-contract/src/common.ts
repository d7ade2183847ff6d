import { z } from 'zod';

/** An instant as the API answers it: epoch ms, and the same as Beijing wall-clock time. */
export const stampSchema = z
  .object({ ms: z.number(), beijing: z.string().describe('yyyy-MM-dd HH:mm:ss, Beijing time (UTC+8)') })
  .describe('An instant: epoch ms and Beijing time');
export type Stamp = z.output<typeof stampSchema>;

/** Every error answer of the admin API, whatever the route or the failure. */
export const errorBodySchema = z
  .object({
    error: z.object({
      code: z.string().describe('A stable ADMIN_* code; branch on it, never on the message'),
      message: z.string(),
      details: z.unknown().optional(),
    }),
  })
  .describe('{ "error": { "code", "message", "details"? } }');
export type ErrorBody = z.output<typeof errorBodySchema>;

/** A problem the mapping found with an order (`MAP_*`), at a WDT field path. */
export const mapIssueSchema = z.object({
  code: z.string().describe('A MAP_* code'),
  path: z.string().describe('The WDT field, e.g. details_list.0.goods_count'),
  message: z.string(),
});
export type MapIssue = z.output<typeof mapIssueSchema>;
