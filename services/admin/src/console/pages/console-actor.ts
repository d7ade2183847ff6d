import type { FastifyRequest } from 'fastify';
import type { Actor } from '../../actor.ts';
import { consoleOf } from '../render.ts';

/** The person behind a console write (the guard has checked there is a full-scope session). */
export function consoleActor(request: FastifyRequest): Actor {
  return { by: consoleOf(request).session?.name ?? 'unknown', via: 'console' };
}

/** A form body as flat strings (formbody repeats a key as an array; the first one counts). */
export function formOf(request: FastifyRequest): Record<string, string> {
  const body = (request.body ?? {}) as Record<string, unknown>;
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(body)) {
    const first = Array.isArray(value) ? value[0] : value;
    if (typeof first === 'string') out[key] = first;
  }
  return out;
}

export function queryOf(request: FastifyRequest): Record<string, string> {
  const query = (request.query ?? {}) as Record<string, unknown>;
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(query)) {
    const first = Array.isArray(value) ? value[0] : value;
    if (typeof first === 'string' && first.trim() !== '') out[key] = first.trim();
  }
  return out;
}
