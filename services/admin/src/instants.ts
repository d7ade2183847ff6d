import { parseBeijingDateTime } from '@wdt-k3/mapping';
import { z } from 'zod';

const BEIJING_OFFSET_MS = 8 * 3_600_000;
// ISO-8601 with an explicit offset: a bare local time would be read in the server's zone.
const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * An instant from a person: ISO-8601 with an offset (`2024-03-18T10:12:05+08:00`, `…Z`) or WDT's
 * `yyyy-MM-dd HH:mm:ss`, which is Beijing wall-clock time (UTC+8, no DST). Returns epoch ms or null.
 */
export function parseInstant(text: string): number | null {
  const trimmed = text.trim();
  if (parseBeijingDateTime(trimmed) !== null) {
    return Date.parse(`${trimmed.replace(' ', 'T')}+08:00`);
  }
  if (!ISO_WITH_OFFSET.test(trimmed)) return null;
  const ms = Date.parse(trimmed);
  if (Number.isNaN(ms)) return null;
  // Date.parse rolls 2024-02-30 over to March; a person typing it meant something else.
  const calendar = trimmed.slice(0, 10);
  const offsetMatch = /(Z|[+-]\d{2}:\d{2})$/.exec(trimmed)?.[1] ?? 'Z';
  const offsetMs = offsetMatch === 'Z' ? 0 : offsetToMs(offsetMatch);
  return new Date(ms + offsetMs).toISOString().slice(0, 10) === calendar ? ms : null;
}

function offsetToMs(offset: string): number {
  const sign = offset.startsWith('-') ? -1 : 1;
  const [hours, minutes] = offset.slice(1).split(':').map(Number) as [number, number];
  return sign * (hours * 60 + minutes) * 60_000;
}

/** Epoch ms → `yyyy-MM-dd HH:mm:ss` Beijing time, as WDT writes and operators read it. */
export function formatBeijing(ms: number): string {
  return new Date(ms + BEIJING_OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ');
}

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
