import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { AdminToken } from '../src/tokens.ts';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

export interface ConsoleClient {
  /** The session cookie (`wdtk3_session=…`). */
  readonly cookie: string;
  /** The CSRF token the session's forms carry. */
  readonly csrf: string;
  get(url: string, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  post(
    url: string,
    form: Record<string, string>,
    headers?: Record<string, string>,
  ): Promise<LightMyRequestResponse>;
}

const cookieOf = (res: LightMyRequestResponse, name: string): string | undefined => {
  const header = res.headers['set-cookie'];
  const all = Array.isArray(header) ? header : header === undefined ? [] : [header];
  return all
    .map((line) => line.split(';')[0] ?? '')
    .find((pair) => pair.startsWith(`${name}=`) && pair !== `${name}=`);
};

export function encodeForm(form: Record<string, string>): string {
  return new URLSearchParams(form).toString();
}

/** Signs in through the console's form as a browser would (login cookie, echoed secret, token). */
export async function signInConsole(app: FastifyInstance, token: AdminToken | null): Promise<ConsoleClient> {
  const page = await app.inject({ method: 'GET', url: '/console/login' });
  const login = cookieOf(page, 'wdtk3_login') ?? '';
  const secret = /name="_login" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
  const res = await app.inject({
    method: 'POST',
    url: '/console/login',
    headers: { ...FORM, cookie: login },
    payload: encodeForm({
      _login: secret,
      next: '/console',
      ...(token === null ? {} : { token: token.token }),
    }),
  });
  const cookie = cookieOf(res, 'wdtk3_session');
  if (res.statusCode !== 303 || cookie === undefined) throw new Error(`sign-in failed: ${res.statusCode}`);
  const overview = await app.inject({ method: 'GET', url: '/console', headers: { cookie } });
  const csrf = /name="_csrf" value="([^"]+)"/.exec(overview.body)?.[1] ?? '';
  return {
    cookie,
    csrf,
    get: (url, headers = {}) => app.inject({ method: 'GET', url, headers: { cookie, ...headers } }),
    post: (url, form, headers = {}) =>
      app.inject({
        method: 'POST',
        url,
        headers: { ...FORM, cookie, ...headers },
        payload: encodeForm(form),
      }),
  };
}
