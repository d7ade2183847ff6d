import type { FastifyReply, FastifyRequest } from 'fastify';
import { html, type Renderable, toText } from './html.ts';
import type { Lang, Translate } from './i18n.ts';
import { layout, type View, writeForm } from './layout.ts';
import type { ConsoleSession, Flash, SessionStore } from './sessions.ts';

/** What the console's guard learned about a request: language, session, where to keep flashes. */
export interface ConsoleRequest {
  readonly lang: Lang;
  readonly t: Translate;
  readonly session: ConsoleSession | null;
  readonly sessionId: string | null;
  readonly sessions: SessionStore;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the console's guard on every /console route. */
    console: ConsoleRequest | null;
  }
  interface FastifyContextConfig {
    /** A console route: the console signs people in itself (sessions), not the API's bearer hook. */
    console?: boolean;
    /** Served without a session (sign-in, assets, the language switch). */
    public?: boolean;
    /** Changes something: needs a full-scope session (and, like every console POST, the CSRF token). */
    write?: boolean;
  }
}

export function consoleOf(request: FastifyRequest): ConsoleRequest {
  if (request.console === null) throw new Error('console route without the console guard');
  return request.console;
}

async function viewOf(request: FastifyRequest): Promise<View> {
  const c = consoleOf(request);
  const flash: Flash | null = c.sessionId === null ? null : await c.sessions.takeFlash(c.sessionId);
  return { t: c.t, lang: c.lang, url: request.url, session: c.session, flash };
}

/** Sends a whole page (or, for an htmx request that asked for it, the same page: htmx picks what it needs). */
export async function sendPage(
  request: FastifyRequest,
  reply: FastifyReply,
  title: string | ((view: View) => string),
  body: (view: View) => Renderable,
  status = 200,
): Promise<FastifyReply> {
  const view = await viewOf(request);
  const heading = typeof title === 'string' ? title : title(view);
  return reply
    .code(status)
    .header('cache-control', 'no-store')
    .type('text/html; charset=utf-8')
    .send(toText(layout(view, heading, body(view))));
}

/** Post/redirect/get: the outcome travels as a one-time flash in the session. */
export async function redirectWithFlash(
  request: FastifyRequest,
  reply: FastifyReply,
  to: string,
  flash: Flash | null,
): Promise<FastifyReply> {
  const c = consoleOf(request);
  if (flash !== null && c.sessionId !== null) await c.sessions.setFlash(c.sessionId, flash);
  return reply.header('cache-control', 'no-store').redirect(to, 303);
}

/** A page that says what went wrong and where to go, with the HTTP status of the refusal. */
export function sendProblem(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  title: string,
  text: string,
  code?: string,
): Promise<FastifyReply> {
  return sendPage(
    request,
    reply,
    title,
    (view) =>
      html`<section class="card problem" data-status="${status}">
        <p>${text}</p>
        ${code === undefined ? '' : html`<p class="muted mono">${code}</p>`}
        <p><a href="/console">${view.t('backToOverview')}</a></p>
      </section>`,
    status,
  );
}

/**
 * The first post of an action shows what it will do, with the same fields hidden and
 * `confirmed=yes`; only that second post acts. Works without JS and reads the same on a phone.
 */
export function sendConfirm(
  request: FastifyRequest,
  reply: FastifyReply,
  action: string,
  what: (view: View) => Renderable,
  fields: Readonly<Record<string, string>>,
  cancel: string,
): Promise<FastifyReply> {
  return sendPage(
    request,
    reply,
    (view) => view.t('confirmTitle'),
    (view) => html`<section class="card narrow confirm">
      <p class="what">${what(view)}</p>
      ${writeForm(
        view,
        action,
        html`${Object.entries(fields).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`)}
          <input type="hidden" name="confirmed" value="yes">
          <p class="actions"><button type="submit" class="primary">${view.t('confirm')}</button>
          <a class="button" href="${cancel}">${view.t('cancel')}</a></p>`,
      )}
    </section>`,
  );
}
