import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from './actor.ts';
import { errorBody } from './errors.ts';
import { type AdminToken, createTokenVerifier, type Principal, type TokenVerifier } from './tokens.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is calling; set by the auth hook on every route but /health/*. */
    principal: Principal | null;
  }
}

const REALM = 'wdt-k3-admin';
/** The principal of every request when ADMIN_AUTH=off (loopback only). */
const AUTH_OFF_PRINCIPAL: Principal = { name: 'auth-off', scope: 'full' };

const pathOf = (request: FastifyRequest): string => request.url.split('?')[0] ?? '/';
const under = (path: string, root: string): boolean => path === root || path.startsWith(`${root}/`);

/**
 * The raw path as a router could read it: percent-decoded, empty and `.` segments dropped, `..`
 * resolved, lower-cased. Scope is never decided on the raw URL alone: `/ui/%66ull/` routes to
 * `/ui/full/` (the router decodes), so a check on the raw text would let a read token in.
 */
function normalisePath(raw: string): string {
  let decoded = raw;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    // A malformed escape: the router refuses it too (frameworkErrors); judge the raw text.
  }
  const segments: string[] = [];
  for (const segment of decoded.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  return `/${segments.join('/')}`.toLowerCase();
}

/**
 * Both readings of where a request goes: the route the router matched (`/ui/full/*`; undefined
 * when none did) and the normalised path. A rule holds when either names the place, so no
 * spelling of a path reaches a route under a weaker rule than the route's own.
 */
function placesOf(request: FastifyRequest): readonly string[] {
  const route = request.routeOptions.url;
  const path = normalisePath(pathOf(request));
  return route === undefined ? [path] : [route.toLowerCase(), path];
}

const within = (places: readonly string[], root: string): boolean =>
  places.some((place) => under(place, root));

/** /health/* is open only when the router matched a health route: `/health/../failed` is not one. */
const isHealthRoute = (request: FastifyRequest): boolean =>
  request.routeOptions.url?.startsWith('/health/') === true;

/**
 * The console signs people in itself (a session cookie, CSRF tokens, scope per write): its routes,
 * as the router matched them, skip the bearer check. Its own 404 page too — it renders no data.
 */
const isConsoleRoute = (request: FastifyRequest): boolean =>
  request.routeOptions.config?.console === true ||
  (request.is404 && under(normalisePath(pathOf(request)), '/console'));

/** Pages a browser opens by hand: they also take HTTP Basic, so the browser can prompt. */
const isBrowserPath = (places: readonly string[]): boolean =>
  within(places, '/ui') || within(places, '/docs');
const isSafeMethod = (method: string): boolean => method === 'GET' || method === 'HEAD';

type Credentials = { kind: 'bearer'; token: string } | { kind: 'basic'; name: string; token: string };

function readCredentials(header: string | undefined, allowBasic: boolean): Credentials | null {
  if (header === undefined) return null;
  const space = header.indexOf(' ');
  const scheme = header.slice(0, Math.max(space, 0)).toLowerCase();
  const value = header.slice(space + 1).trim();
  if (scheme === 'bearer' && value !== '') return { kind: 'bearer', token: value };
  if (scheme === 'basic' && allowBasic) {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) return { kind: 'basic', name: decoded.slice(0, colon), token: decoded.slice(colon + 1) };
  }
  return null;
}

function refuse401(reply: FastifyReply, browser: boolean, presented: boolean): FastifyReply {
  // RFC 6750 §3: a presented but wrong token is `invalid_token`; none at all gets the bare challenge.
  const challenge = browser
    ? `Basic realm="${REALM}", charset="UTF-8"`
    : `Bearer realm="${REALM}"${presented ? ', error="invalid_token"' : ''}`;
  return reply
    .code(401)
    .header('www-authenticate', challenge)
    .send(
      errorBody(
        'ADMIN_UNAUTHORIZED',
        presented ? 'the credentials are not valid' : 'credentials are required',
      ),
    );
}

/**
 * Browsers send Basic credentials with cross-site requests too. A cross-site write is refused;
 * PUT/PATCH/DELETE from another site already need a CORS preflight this server never grants,
 * so this closes the POST hole (bull-board's "add job").
 */
function isCrossSite(request: FastifyRequest): boolean {
  const origin = request.headers.origin;
  if (request.headers['sec-fetch-site'] === 'cross-site') return true;
  if (origin === undefined) return false;
  try {
    return new URL(origin).host !== request.headers.host;
  } catch {
    return true;
  }
}

function authorize(request: FastifyRequest, reply: FastifyReply, verify: TokenVerifier): FastifyReply | null {
  const places = placesOf(request);
  const browser = isBrowserPath(places);
  const credentials = readCredentials(request.headers.authorization, browser);
  const principal =
    credentials === null
      ? null
      : verify(credentials.token, credentials.kind === 'basic' ? credentials.name : undefined);
  if (principal === null) return refuse401(reply, browser, request.headers.authorization !== undefined);
  const needsFull = !isSafeMethod(request.method) || within(places, '/ui/full');
  if (needsFull && principal.scope !== 'full') {
    return reply.code(403).send(errorBody('ADMIN_FORBIDDEN', `token "${principal.name}" is read-only`));
  }
  if (credentials?.kind === 'basic' && !isSafeMethod(request.method) && isCrossSite(request)) {
    return reply.code(403).send(errorBody('ADMIN_FORBIDDEN', 'cross-site writes are refused'));
  }
  request.principal = principal;
  return null;
}

/**
 * Every route but /health/* needs `Authorization: Bearer <token>` (or Basic on /ui and /docs).
 * Read tokens may GET and HEAD; anything else, and the writable board at /ui/full, needs a
 * full token. Runs on onRequest, after routing (it reads the matched route) and before anything
 * else, so unknown routes answer 401, not 404.
 */
export function installAuth(app: FastifyInstance, tokens: readonly AdminToken[] | 'off'): void {
  app.decorateRequest('principal', null);
  const verify = tokens === 'off' ? null : createTokenVerifier(tokens);
  app.addHook('onRequest', async (request, reply) => {
    if (isHealthRoute(request) || isConsoleRoute(request)) return;
    if (verify === null) {
      request.principal = AUTH_OFF_PRINCIPAL;
      return;
    }
    const refused = authorize(request, reply, verify);
    if (refused !== null) return refused;
  });
}

/** The audit name of the caller; routes run after the auth hook, so it is always set there. */
export function callerName(request: FastifyRequest): string {
  return request.principal?.name ?? 'unknown';
}

/** The actor of an API request, for the shared action functions. */
export function apiActor(request: FastifyRequest): Actor {
  return { by: callerName(request), via: 'api' };
}
