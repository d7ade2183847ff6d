import { CONSOLE_ASSETS } from './assets.ts';
import { type Html, html, type Renderable } from './html.ts';
import type { Lang, Translate } from './i18n.ts';
import { currentNav, NAV } from './nav.ts';
import type { ConsoleSession, Flash } from './sessions.ts';

/** What every page template gets: words, the signed-in person, the CSRF token of its forms. */
export interface View {
  readonly t: Translate;
  readonly lang: Lang;
  /** The page's path and query, for the language switch and sign-in's `next`. */
  readonly url: string;
  readonly session: ConsoleSession | null;
  readonly flash: Flash | null;
}

/**
 * htmx settings: no inline styles or eval (the CSP forbids both), no history cache (pages hold
 * live data), and every answer swapped in, 4xx and 5xx too: the console's refusals and failed
 * checks are pages meant to be read, as they are without JavaScript.
 */
const HTMX_CONFIG = JSON.stringify({
  includeIndicatorStyles: false,
  allowEval: false,
  allowScriptTags: false,
  historyCacheSize: 0,
  responseHandling: [
    { code: '204', swap: false },
    { code: '...', swap: true },
  ],
});

export const canWrite = (view: View): boolean => view.session?.scope === 'full';

/** The hidden field every write form carries. */
export const csrfField = (view: View): Html =>
  html`<input type="hidden" name="_csrf" value="${view.session?.csrf ?? ''}">`;

/** A form that writes: POST and the CSRF field (it works without JS; htmx boosts it when loaded). */
export function writeForm(view: View, action: string, body: Renderable, className = 'stack'): Html {
  return html`<form method="post" action="${action}" class="${className}">${csrfField(view)}${body}</form>`;
}

function langSwitch(view: View): Html {
  const to: Lang = view.lang === 'zh-CN' ? 'en' : 'zh-CN';
  const href = `/console/lang?to=${to}&back=${encodeURIComponent(view.url)}`;
  // A whole page load, not a boosted swap: <html lang> and every word change with it.
  return html`<a class="lang" href="${href}" hreflang="${to}" lang="${to}" hx-boost="false">${view.t('switchLang')}</a>`;
}

function header(view: View): Html {
  const current = currentNav(view.url.split('?')[0] ?? '');
  const session = view.session;
  return html`<header class="top">
    <a class="brand" href="/console">${view.t('brand')}</a>
    ${
      session === null
        ? ''
        : html`<nav class="nav" aria-label="menu">${NAV.map(
            (entry) =>
              html`<a href="${entry.path}"${entry === current ? html` aria-current="page"` : ''}>${view.t(entry.label)}</a>`,
          )}<a href="/ui" class="eng" data-external-board>${view.t('navQueues')}</a></nav>`
    }
    <div class="who">
      ${langSwitch(view)}
      ${
        session === null
          ? ''
          : html`<span class="user">${session.name} <span class="badge ${session.scope === 'full' ? 'ok' : 'muted'}">${
              session.scope === 'full' ? view.t('fullAccess') : view.t('readOnly')
            }</span></span>
          <form method="post" action="/console/logout" class="inline">${csrfField(view)}<button class="link" type="submit">${view.t('signOut')}</button></form>`
      }
    </div>
  </header>`;
}

function flashBox(flash: Flash | null): Renderable {
  if (flash === null) return '';
  return html`<div class="flash ${flash.kind}" role="status">${flash.text}</div>`;
}

export function layout(view: View, title: string, body: Renderable): Html {
  return html`<!doctype html>
<html lang="${view.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<meta name="htmx-config" content='${HTMX_CONFIG}'>
<title>${title} · ${view.t('brand')}</title>
<link rel="stylesheet" href="${CONSOLE_ASSETS.css}">
<link rel="icon" href="${CONSOLE_ASSETS.icon}" type="image/svg+xml">
<script src="${CONSOLE_ASSETS.htmx}" defer></script>
</head>
<body hx-boost="true">
<a class="skip" href="#main">${view.t('skipToContent')}</a>
${header(view)}
<main id="main">
${flashBox(view.flash)}
<h1>${title}</h1>
${body}
</main>
</body>
</html>`;
}
