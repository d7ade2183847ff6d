import { z } from 'zod';
import { beijingSeconds } from './order-facts.ts';

/** Epoch ms, `yyyy-MM-dd HH:mm:ss` (Beijing) or ISO 8601. */
export const timeInputSchema = z.union([z.number().int(), z.string()]).transform((value, ctx) => {
  if (typeof value === 'number') return value;
  if (/^\d+$/.test(value)) return Number(value);
  const beijing = beijingSeconds(value);
  if (beijing !== undefined) return beijing * 1000;
  const iso = /^\d{4}-\d{2}-\d{2}T/.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isFinite(iso)) return iso;
  ctx.addIssue({
    code: 'custom',
    message: `expected epoch ms, yyyy-MM-dd HH:mm:ss or ISO 8601, got "${value}"`,
  });
  return z.NEVER;
});
