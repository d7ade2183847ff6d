import { errorBodySchema } from '@wdt-k3/admin-contract';
import type { z } from 'zod';

/**
 * A route's `response` map: its answer (from `@wdt-k3/admin-contract`) on 200 and the one error
 * body on every 4xx and 5xx. The zod type provider serialises through these (unknown fields are
 * dropped, a wrong answer is a 500 rather than a surprise for the CLI) and @fastify/swagger
 * documents them.
 */
export function answers<T extends z.ZodType>(ok: T) {
  return { 200: ok, '4xx': errorBodySchema, '5xx': errorBodySchema } as const;
}

/** The same for a route that answers 202 Accepted: the work was queued, not done. */
export function accepted<T extends z.ZodType>(ok: T) {
  return { 202: ok, '4xx': errorBodySchema, '5xx': errorBodySchema } as const;
}
