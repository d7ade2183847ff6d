import type { FastifyRequest } from 'fastify';
import type { AdminToken, Principal } from '../tokens.ts';
import { type Lang, parseLang } from './i18n.ts';
import { type ConsoleSession, type SessionStore, sameSecret, tokenTagOf } from './sessions.ts';

export const SESSION_COOKIE = 'wdtk3_session';
export const LANG_COOKIE = 'wdtk3_lang';
/** Sign-in's own CSRF guard (before there is a session): a double-submitted random value. */
export const LOGIN_COOKIE = 'wdtk3_login';

/** The principal used for every console session when ADMIN_AUTH=off (loopback only). */
export const AUTH_OFF: Principal = { name: 'auth-off', scope: 'full' };

/** The names and tags of the tokens configured now: a session of a removed or rotated token ends. */
export type TokenTags =
  | ReadonlyMap<string, { readonly scope: Principal['scope']; readonly tag: string }>
  | 'off';

export function tokenTags(tokens: readonly AdminToken[] | 'off'): TokenTags {
  if (tokens === 'off') return 'off';
  return new Map(tokens.map((token) => [token.name, { scope: token.scope, tag: tokenTagOf(token.token) }]));
}

export const AUTH_OFF_TAG = 'auth-off';

/** The session behind the request's cookie, if it is still good for a token configured now. */
export async function sessionOf(
  request: FastifyRequest,
  sessions: SessionStore,
  tags: TokenTags,
): Promise<{ id: string; session: ConsoleSession } | null> {
  const id = request.cookies[SESSION_COOKIE];
  if (id === undefined || id === '') return null;
  const session = await sessions.read(id);
  if (session === null) return null;
  if (tags === 'off') return session.tokenTag === AUTH_OFF_TAG ? { id, session } : null;
  const current = tags.get(session.name);
  // A token removed, rotated, or changed from full to read since sign-in: the session is over.
  if (current === undefined || current.tag !== session.tokenTag || current.scope !== session.scope)
    return null;
  return { id, session };
}

export function langOf(request: FastifyRequest): Lang {
  return parseLang(request.cookies[LANG_COOKIE]) ?? 'zh-CN';
}

/**
 * A write sent from another site. SameSite=Strict already keeps the session cookie off such
 * requests; this refuses them outright even where a browser would not (old ones, or a session
 * cookie sent anyway by an in-app browser).
 */
export function isCrossSite(request: FastifyRequest): boolean {
  if (request.headers['sec-fetch-site'] === 'cross-site') return true;
  const origin = request.headers.origin;
  if (origin === undefined || origin === 'null') return origin === 'null';
  try {
    return new URL(origin).host !== request.headers.host;
  } catch {
    return true;
  }
}

/** The form's `_csrf` field against the session's token, in constant time. */
export function csrfMatches(request: FastifyRequest, expected: string): boolean {
  const body = request.body as Record<string, unknown> | null | undefined;
  const presented = body?._csrf;
  return typeof presented === 'string' && presented !== '' && sameSecret(presented, expected);
}

/** Secure when the browser reached us over TLS (directly, or per a trusted proxy's X-Forwarded-Proto). */
export function cookieOptions(request: FastifyRequest, maxAgeSeconds?: number) {
  return {
    path: '/console',
    httpOnly: true,
    sameSite: 'strict' as const,
    secure: request.protocol === 'https',
    ...(maxAgeSeconds === undefined ? {} : { maxAge: maxAgeSeconds }),
  };
}

/** A same-origin path under /console to go back to; anything else becomes the overview. */
export function safeBack(value: unknown): string {
  if (typeof value !== 'string') return '/console';
  if (!value.startsWith('/console') || value.startsWith('//') || /[\\\s]/.test(value)) return '/console';
  const path = value.split('?')[0] ?? '';
  return path === '/console' || path.startsWith('/console/') ? value : '/console';
}
