import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { RedisConnection } from '@wdt-k3/runtime';
import { z } from 'zod';
import type { Principal } from '../tokens.ts';

/**
 * Console sessions in Redis, `{prefix}:console:sessions:<sha256 of the session id>`: who signed in
 * (the token's name and scope), the CSRF token of their forms, when it ends. Never the admin
 * token: only a 64-bit tag of it, so a rotated or removed token ends its sessions at once, and a
 * Redis dump holds neither a token nor a usable session id (the key is a hash of the cookie).
 */
export interface ConsoleSession extends Principal {
  /** The synchronizer token every write form carries. */
  readonly csrf: string;
  readonly tokenTag: string;
  readonly createdAt: number;
  readonly expiresAt: number;
}

const sessionSchema = z.object({
  name: z.string().min(1).max(64),
  scope: z.enum(['full', 'read']),
  csrf: z.string().min(32).max(128),
  tokenTag: z.string().min(1).max(64),
  createdAt: z.number(),
  expiresAt: z.number(),
});

const flashSchema = z.object({ kind: z.enum(['ok', 'error']), text: z.string().max(2_000) });
export type Flash = z.output<typeof flashSchema>;

/** A message shown once on the next page (post/redirect/get), kept at most this long. */
const FLASH_TTL_MS = 5 * 60_000;

const sha256 = (value: string): string => createHash('sha256').update(value, 'utf8').digest('hex');

/** Not the token: a tag that changes when the token does. */
export const tokenTagOf = (token: string): string => sha256(`wdt-k3 console session:${token}`).slice(0, 16);

export const newSecret = (): string => randomBytes(32).toString('base64url');

/** Constant-time string equality (the CSRF check). */
export function sameSecret(presented: string, expected: string): boolean {
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b) && presented.length === expected.length;
}

export interface SessionStore {
  create(principal: Principal, tokenTag: string): Promise<{ id: string; session: ConsoleSession }>;
  read(id: string): Promise<ConsoleSession | null>;
  destroy(id: string): Promise<void>;
  setFlash(id: string, flash: Flash): Promise<void>;
  /** The flash, once: reading removes it. */
  takeFlash(id: string): Promise<Flash | null>;
}

export function createSessionStore(
  redis: RedisConnection,
  prefix: string,
  ttlMs: number,
  now: () => number,
): SessionStore {
  const key = (id: string) => `${prefix}:console:sessions:${sha256(id)}`;
  const flashKey = (id: string) => `${prefix}:console:flash:${sha256(id)}`;
  return {
    create: async (principal, tokenTag) => {
      const id = newSecret();
      const createdAt = now();
      const session: ConsoleSession = {
        name: principal.name,
        scope: principal.scope,
        csrf: newSecret(),
        tokenTag,
        createdAt,
        expiresAt: createdAt + ttlMs,
      };
      await redis.set(key(id), JSON.stringify(session), 'PX', ttlMs);
      return { id, session };
    },
    read: async (id) => {
      if (!/^[A-Za-z0-9_-]{20,100}$/.test(id)) return null;
      const raw = await redis.get(key(id));
      if (raw === null) return null;
      try {
        const parsed = sessionSchema.safeParse(JSON.parse(raw));
        // Redis expires the key; the stored end is checked too, in case of a clock-less copy.
        return parsed.success && parsed.data.expiresAt > now() ? parsed.data : null;
      } catch {
        return null;
      }
    },
    destroy: async (id) => {
      await redis.del(key(id), flashKey(id));
    },
    setFlash: async (id, flash) => {
      await redis.set(flashKey(id), JSON.stringify(flash), 'PX', FLASH_TTL_MS);
    },
    takeFlash: async (id) => {
      const raw = await redis.getdel(flashKey(id));
      if (raw === null) return null;
      try {
        const parsed = flashSchema.safeParse(JSON.parse(raw));
        return parsed.success ? parsed.data : null;
      } catch {
        return null;
      }
    },
  };
}
