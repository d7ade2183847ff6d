import fastifyCookie from '@fastify/cookie';
import fastifyFormbody from '@fastify/formbody';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext, PreviewOrder } from '../context.ts';
import { AdminError, toAdminError } from '../errors.ts';
import type { AdminToken } from '../tokens.ts';
import { csrfMatches, isCrossSite, langOf, sessionOf, type TokenTags, tokenTags } from './guard.ts';
import { translator } from './i18n.ts';
import { registerPages } from './pages/index.ts';
import { consoleOf, sendProblem } from './render.ts';
import { createSessionStore, type SessionStore } from './sessions.ts';

const CONSOLE_PATH = '/console';

export interface ConsoleDeps {
  readonly ctx: AppContext;
  readonly tokens: readonly AdminToken[] | 'off';
  /** Maps an order (stored or edited) as the loader would, writing nothing; undefined: no preview. */
  readonly preview: PreviewOrder | undefined;
  readonly sessionTtlMs: number;
}

/** What the page modules get. */
export interface PageDeps extends ConsoleDeps {
  readonly sessions: SessionStore;
  readonly tags: TokenTags;
}

/**
 * Every console page and the headers they carry. The CSP allows only this origin: scripts and
 * styles from /console/assets, no inline script or style, no frames, forms posting here only.
 */
const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

const BOUNCED = '_same_site=1';

/**
 * A link followed from another site (a DingTalk alert opened in a browser, a wiki page) arrives
 * without the SameSite=Strict session cookie. This page loads the same URL again from our own
 * origin, which a browser treats as same-site, so a signed-in person lands where the link points
 * instead of on the sign-in page. The marker in the URL stops a second bounce.
 */
function bounce(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const again = `${request.url}${request.url.includes('?') ? '&' : '?'}${BOUNCED}`;
  const href = again.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  return reply
    .header('cache-control', 'no-store')
    .type('text/html; charset=utf-8')
    .send(
      `<!doctype html><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=${href}"><a href="${href}">…</a>`,
    );
}

function securityHeaders(_request: FastifyRequest, reply: FastifyReply, done: () => void): void {
  reply
    .header('content-security-policy', CSP)
    .header('x-content-type-options', 'nosniff')
    .header('x-frame-options', 'DENY')
    .header('referrer-policy', 'same-origin');
  done();
}

/**
 * The console's own gate, for its routes only (the API's bearer hook lets them through): the
 * session from the cookie, refusals of cross-site posts, the CSRF token on every post, and a
 * full scope for every write — the server refuses a read-only session's write whatever its form.
 */
function guard(deps: PageDeps) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    const lang = langOf(request);
    const found = await sessionOf(request, deps.sessions, deps.tags);
    request.console = {
      lang,
      t: translator(lang),
      session: found?.session ?? null,
      sessionId: found?.id ?? null,
      sessions: deps.sessions,
    };
    const { t } = consoleOf(request);
    const config = request.routeOptions.config;
    const post = request.method !== 'GET' && request.method !== 'HEAD';
    if (post && isCrossSite(request))
      return sendProblem(request, reply, 403, t('errorTitle'), t('forbiddenCrossSite'));
    if (config.public === true) return undefined;
    if (found === null) {
      if (!post && request.headers['sec-fetch-site'] === 'cross-site' && !request.url.includes(BOUNCED))
        return bounce(request, reply);
      if (!post) return reply.redirect(`/console/login?next=${encodeURIComponent(request.url)}`, 303);
      return sendProblem(request, reply, 401, t('signInTitle'), t('signInExpired'), 'ADMIN_UNAUTHORIZED');
    }
    if (post && !csrfMatches(request, found.session.csrf))
      return sendProblem(request, reply, 403, t('errorTitle'), t('forbiddenCsrf'), 'ADMIN_FORBIDDEN');
    if (config.write === true && found.session.scope !== 'full')
      return sendProblem(request, reply, 403, t('errorTitle'), t('forbiddenReadOnly'), 'ADMIN_FORBIDDEN');
    return undefined;
  };
}

function errorPage(deps: PageDeps) {
  return async (err: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const error = err instanceof AdminError ? err : toAdminError(err, deps.ctx.redis.status === 'ready');
    const lang = request.console?.lang ?? langOf(request);
    const t = translator(lang);
    if (request.console === null)
      request.console = { lang, t, session: null, sessionId: null, sessions: deps.sessions };
    if (error.statusCode >= 500)
      deps.ctx.logger[error.code === 'ADMIN_INTERNAL' ? 'error' : 'warn'](
        { err, code: error.code, reqId: request.id, url: request.url },
        'console request failed',
      );
    // 4xx messages describe the request; a 5xx says only what kind of failure it was.
    const text = error.statusCode >= 500 && error.code === 'ADMIN_INTERNAL' ? t('errorTitle') : error.message;
    return sendProblem(request, reply, error.statusCode, t('errorTitle'), text, error.code);
  };
}

export async function registerConsole(app: FastifyInstance, deps: ConsoleDeps): Promise<void> {
  const pageDeps: PageDeps = {
    ...deps,
    sessions: createSessionStore(deps.ctx.redis, deps.ctx.prefix, deps.sessionTtlMs, deps.ctx.now),
    tags: tokenTags(deps.tokens),
  };
  await app.register(
    async (scope) => {
      scope.addHook('onRoute', (route) => {
        route.config = { ...(route.config ?? {}), console: true };
        route.schema = { ...(route.schema ?? {}), hide: true };
      });
      await scope.register(fastifyCookie);
      await scope.register(fastifyFormbody, { bodyLimit: 2 * 1024 * 1024 });
      scope.decorateRequest('console', null);
      scope.addHook('onRequest', securityHeaders);
      scope.addHook('preHandler', guard(pageDeps));
      scope.setErrorHandler(errorPage(pageDeps));
      scope.setNotFoundHandler(async (request, reply) => {
        const lang = langOf(request);
        const t = translator(lang);
        request.console = { lang, t, session: null, sessionId: null, sessions: pageDeps.sessions };
        return sendProblem(request, reply, 404, t('notFoundTitle'), t('notFoundText'), 'ADMIN_NOT_FOUND');
      });
      registerPages(scope, pageDeps);
    },
    { prefix: CONSOLE_PATH },
  );
}
