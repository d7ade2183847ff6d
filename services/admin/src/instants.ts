import { formatBeijingTime, parseInstant as parseInstantText } from '@wdt-k3/runtime';
import { z } from 'zod';

/**
 * An instant from a person: ISO-8601 with an offset (`2024-03-18T10:12:05+08:00`, `…Z`) or WDT's
 * `yyyy-MM-dd HH:mm:ss`, which is Beijing wall-clock time (UTC+8, no DST). Returns epoch ms or null.
 */
export function parseInstant(text: string): number | null {
  return parseInstantText(text) ?? null;
}

/** Epoch ms → `yyyy-MM-dd HH:mm:ss` Beijing time, as WDT writes and operators read it. */
export const formatBeijing = formatBeijingTime;

/** A zod field for query and body instants: a string parsed by `parseInstant`, out as epoch ms. */
export const instantSchema = z
  .string()
  .max(40)
  .transform((text, ctx) => {
    const ms = parseInstant(text);
    if (ms === null) {
      ctx.addIssue({
        code: 'custom',
        message:
          'expected ISO-8601 with an offset (2024-03-18T10:12:05+08:00) or yyyy-MM-dd HH:mm:ss (Beijing)',
      });
      return z.NEVER;
    }
    return ms;
  });
