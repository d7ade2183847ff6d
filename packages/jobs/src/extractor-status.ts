import type { RedisConnection } from '@wdt-k3/runtime';
import { z } from 'zod';

/**
 * What every extractor replica knows about the health of extraction, kept in Redis (under the
 * queues' hash tag) because the page that meets WDT's refusal may run on another replica than
 * the one whose `/health` is asked. The admin API reads it too.
 */
const refusalSchema = z.object({ code: z.string(), message: z.string(), at: z.number() });
const runFailureSchema = z.object({
  runId: z.string(),
  kind: z.string(),
  reason: z.string(),
  at: z.number(),
});

export type WdtRefusal = z.output<typeof refusalSchema>;
export type RunFailure = z.output<typeof runFailureSchema>;

export interface ExtractorStatus {
  /** The last WDT call refused our credentials or configuration (cleared by the next success). */
  readonly wdtRefusal: WdtRefusal | null;
  readonly lastWdtOkAt: number | null;
  /** When a commit last moved the incremental watermark forward. */
  readonly lastAdvanceAt: number | null;
  /** The last run that failed, until a later run commits. */
  readonly lastRunFailure: RunFailure | null;
}

export interface ExtractorStatusStore {
  read(): Promise<ExtractorStatus>;
  recordWdtOk(atMs: number): Promise<void>;
  recordWdtRefusal(refusal: WdtRefusal): Promise<void>;
  recordAdvance(atMs: number): Promise<void>;
  recordRunFailure(failure: RunFailure): Promise<void>;
  clearRunFailure(): Promise<void>;
}

export const extractorStatusKey = (prefix: string): string => `${prefix}:extractor:status`;

function parseField<T>(schema: z.ZodType<T>, raw: string | undefined): T | null {
  if (raw === undefined) return null;
  try {
    const parsed = schema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

const numberOrNull = (raw: string | undefined): number | null => {
  const value = raw === undefined ? Number.NaN : Number(raw);
  return Number.isFinite(value) ? value : null;
};

export function createExtractorStatusStore(redis: RedisConnection, prefix: string): ExtractorStatusStore {
  const key = extractorStatusKey(prefix);
  return {
    read: async () => {
      const fields = await redis.hgetall(key);
      return {
        wdtRefusal: parseField(refusalSchema, fields.wdtRefusal),
        lastWdtOkAt: numberOrNull(fields.lastWdtOkAt),
        lastAdvanceAt: numberOrNull(fields.lastAdvanceAt),
        lastRunFailure: parseField(runFailureSchema, fields.lastRunFailure),
      };
    },
    recordWdtOk: async (atMs) => {
      await redis.multi().hset(key, 'lastWdtOkAt', String(atMs)).hdel(key, 'wdtRefusal').exec();
    },
    recordWdtRefusal: async (refusal) => {
      await redis.hset(key, 'wdtRefusal', JSON.stringify(refusal));
    },
    recordAdvance: async (atMs) => {
      await redis.hset(key, 'lastAdvanceAt', String(atMs));
    },
    recordRunFailure: async (failure) => {
      await redis.hset(key, 'lastRunFailure', JSON.stringify(failure));
    },
    clearRunFailure: async () => {
      await redis.hdel(key, 'lastRunFailure');
    },
  };
}
