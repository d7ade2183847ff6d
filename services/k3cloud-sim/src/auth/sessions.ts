import { randomBytes, randomUUID } from 'node:crypto';

export interface SimSession {
  readonly sid: string;
  readonly aspNetSessionId: string;
  readonly origin: 'login' | 'signature';
  /** The locale the caller logged in with (or signed, X-Kd-Appdata): messages answer in it. */
  readonly lcid: number;
  lastUsedMs: number;
}

/**
 * Sessions expire after `ttlMs` without use (the real TTL is undocumented; AZ-EXP saw sessions
 * live through 30–90 min idle, so the default is generous). `expireAll` is the fault knob.
 */
export class SessionStore {
  #sessions = new Map<string, SimSession>();
  ttlMs: number;
  readonly #now: () => number;

  constructor(ttlMs: number, now: () => number = Date.now) {
    this.ttlMs = ttlMs;
    this.#now = now;
  }

  create(origin: SimSession['origin'], lcid = 2052): SimSession {
    if (this.#sessions.size >= 10_000) this.#prune();
    const session: SimSession = {
      sid: randomUUID().replaceAll('-', ''),
      aspNetSessionId: randomBytes(12).toString('base64url').toLowerCase(),
      origin,
      lcid,
      lastUsedMs: this.#now(),
    };
    this.#sessions.set(session.sid, session);
    return session;
  }

  /** The live session for `sid`, touched; undefined when unknown or expired. */
  use(sid: string | undefined): SimSession | undefined {
    if (sid === undefined || sid === '') return undefined;
    const session = this.#sessions.get(sid);
    if (session === undefined) return undefined;
    const now = this.#now();
    if (now - session.lastUsedMs > this.ttlMs) {
      this.#sessions.delete(sid);
      return undefined;
    }
    session.lastUsedMs = now;
    return session;
  }

  remove(sid: string): void {
    this.#sessions.delete(sid);
  }

  expireAll(): number {
    const count = this.#sessions.size;
    this.#sessions.clear();
    return count;
  }

  /** When a cookie issued now expires: the idle TTL from now. */
  cookieExpiryMs(): number {
    return this.#now() + this.ttlMs;
  }

  get size(): number {
    return this.#sessions.size;
  }

  #prune(): void {
    const now = this.#now();
    for (const [sid, session] of this.#sessions) {
      if (now - session.lastUsedMs > this.ttlMs) this.#sessions.delete(sid);
    }
  }
}

/**
 * Real K3 cookies carry `expires` (issue 14 item 19, seen with the official SDKs; the value real
 * servers pick is not recorded, so the idle TTL is used). The date has a comma, which the SDKs'
 * split-on-comma cookie parsing has to live with, as it does against a real server.
 */
export function sessionCookies(session: SimSession, expiresAtMs: number): string[] {
  const expires = new Date(expiresAtMs).toUTCString();
  return [
    `kdservice-sessionid=${session.sid}; expires=${expires}; path=/`,
    `ASP.NET_SessionId=${session.aspNetSessionId}; expires=${expires}; path=/; HttpOnly`,
  ];
}

/** On an authentication failure the real server still sends the session cookie, empty (issue 14 item 19). */
export function emptySessionCookie(expiresAtMs: number): string[] {
  return [`kdservice-sessionid=; expires=${new Date(expiresAtMs).toUTCString()}; path=/`];
}

/** The SID a request carries: Cookie (browsers, Python SDK), `kdservice-sessionid` header, or Java's `SID`. */
export function sidOf(headers: Readonly<Record<string, string | string[] | undefined>>): string | undefined {
  const cookie = headerText(headers.cookie);
  for (const part of cookie.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim().toLowerCase() === 'kdservice-sessionid')
      return part.slice(eq + 1).trim();
  }
  const header = headerText(headers['kdservice-sessionid']) || headerText(headers.sid);
  return header === '' ? undefined : header;
}

export function headerText(value: string | string[] | undefined): string {
  return Array.isArray(value) ? (value[0] ?? '') : (value ?? '');
}
