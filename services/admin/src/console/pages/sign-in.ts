import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createTokenVerifier } from '../../tokens.ts';
import { ASSET_FILES } from '../assets.ts';
import {
  AUTH_OFF,
  AUTH_OFF_TAG,
  cookieOptions,
  LANG_COOKIE,
  LOGIN_COOKIE,
  SESSION_COOKIE,
  safeBack,
} from '../guard.ts';
import { html } from '../html.ts';
import { parseLang } from '../i18n.ts';
import type { View } from '../layout.ts';
import type { PageDeps } from '../plugin.ts';
import { consoleOf, sendPage, sendProblem } from '../render.ts';
import { newSecret, sameSecret, tokenTagOf } from '../sessions.ts';

const YEAR_S = 365 * 86_400;

function signInForm(view: View, loginSecret: string, next: string, authOff: boolean, failed: boolean) {
  return html`<section class="card narrow">
    ${failed ? html`<p class="flash error" role="alert">${view.t('signInFailed')}</p>` : ''}
    <p>${authOff ? view.t('signInAuthOff') : view.t('signInLead')}</p>
    <form method="post" action="/console/login" class="stack" hx-boost="false">
      <input type="hidden" name="_login" value="${loginSecret}">
      <input type="hidden" name="next" value="${next}">
      ${
        authOff
          ? ''
          : html`<label>${view.t('tokenLabel')}
        <input type="password" name="token" autocomplete="current-password" required minlength="32" maxlength="512" autofocus></label>`
      }
      <button type="submit" class="primary">${authOff ? view.t('signInContinue') : view.t('signInButton')}</button>
    </form>
  </section>`;
}

async function showSignIn(
  request: FastifyRequest,
  reply: FastifyReply,
  deps: PageDeps,
  next: string,
  failed: boolean,
): Promise<FastifyReply> {
  // Sign-in's CSRF guard: the form must echo a value only this browser's cookie holds.
  const loginSecret = newSecret();
  reply.setCookie(LOGIN_COOKIE, loginSecret, cookieOptions(request, 3_600));
  return sendPage(
    request,
    reply,
    (view) => view.t('signInTitle'),
    (view) => signInForm(view, loginSecret, next, deps.tokens === 'off', failed),
    failed ? 401 : 200,
  );
}

export function signInPages(app: FastifyInstance, deps: PageDeps): void {
  const verify = deps.tokens === 'off' ? null : createTokenVerifier(deps.tokens);
  const tokenByName = new Map(
    deps.tokens === 'off' ? [] : deps.tokens.map((token) => [token.name, token.token]),
  );

  app.get('/login', { config: { public: true } }, async (request, reply) => {
    const next = safeBack((request.query as Record<string, unknown>).next);
    if (consoleOf(request).session !== null) return reply.redirect(next, 303);
    return showSignIn(request, reply, deps, next, false);
  });

  app.post('/login', { config: { public: true } }, async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const next = safeBack(body.next);
    const cookie = request.cookies[LOGIN_COOKIE];
    const echoed = body._login;
    const { t } = consoleOf(request);
    if (cookie === undefined || typeof echoed !== 'string' || !sameSecret(echoed, cookie))
      return sendProblem(request, reply, 403, t('errorTitle'), t('forbiddenCsrf'), 'ADMIN_FORBIDDEN');
    const presented = typeof body.token === 'string' ? body.token.trim() : '';
    const principal = verify === null ? AUTH_OFF : verify(presented);
    if (principal === null) {
      deps.ctx.logger.warn({ ip: request.ip }, 'console sign-in refused');
      return showSignIn(request, reply, deps, next, true);
    }
    const tag = verify === null ? AUTH_OFF_TAG : tokenTagOf(tokenByName.get(principal.name) ?? '');
    const { id } = await deps.sessions.create(principal, tag);
    await deps.ctx.audit.write({
      who: principal.name,
      action: 'console.sign-in',
      target: 'console',
      details: { scope: principal.scope },
    });
    reply.clearCookie(LOGIN_COOKIE, cookieOptions(request));
    reply.setCookie(SESSION_COOKIE, id, cookieOptions(request, Math.floor(deps.sessionTtlMs / 1000)));
    return reply.redirect(next, 303);
  });

  // A read-only session may sign out too: the guard checks its CSRF token like any post.
  app.post('/logout', async (request, reply) => {
    const c = consoleOf(request);
    if (c.sessionId !== null) await deps.sessions.destroy(c.sessionId);
    if (c.session !== null)
      await deps.ctx.audit.write({ who: c.session.name, action: 'console.sign-out', target: 'console' });
    reply.clearCookie(SESSION_COOKIE, cookieOptions(request));
    return reply.redirect('/console/login', 303);
  });

  app.get('/lang', { config: { public: true } }, async (request, reply) => {
    const query = request.query as Record<string, unknown>;
    const lang = parseLang(query.to) ?? 'zh-CN';
    reply.setCookie(LANG_COOKIE, lang, { ...cookieOptions(request, YEAR_S), sameSite: 'lax' });
    return reply.redirect(safeBack(query.back), 303);
  });

  app.get('/assets/:file', { config: { public: true } }, async (request, reply) => {
    const file = ASSET_FILES.get((request.params as { file: string }).file);
    if (file === undefined) return reply.callNotFound();
    return reply
      .header('cache-control', 'public, max-age=31536000, immutable')
      .type(file.type)
      .send(file.body);
  });
}
