import type { IncomingHttpHeaders } from 'node:http';
import type { Logger } from '@wdt-k3/runtime';
import { K3Error } from './errors.ts';
import { buildSignatureHeaders, loginBySignSign } from './signature.ts';
import type { K3Auth } from './types.ts';

export interface Session {
  readonly sid: string;
  readonly aspNetSessionId: string | null;
}

/** Sends one login call and returns its status, headers and parsed JSON (HTTP errors already thrown). */
export type LoginExchange = (
  service: string,
  body: unknown,
) => Promise<{ readonly headers: IncomingHttpHeaders; readonly json: unknown }>;

export interface Authenticator {
  /** The session to use for the next call (logs in first in session modes). */
  ensure(): Promise<Session | null>;
  /** Headers for one request on `path` with `session`. */
  headers(path: string, session: Session | null): Record<string, string>;
  /** Learns the session id a response set (signature mode keeps the SID the server issues). */
  observe(headers: IncomingHttpHeaders): void;
  /**
   * After MsgCode 1 on a call made with `used`: re-establishes a session (single-flight) or throws
   * K3_AUTH_FAILED when nothing can be recovered (signature mode without a session to drop).
   */
  recover(used: Session | null): Promise<Session | null>;
}

const AUTH_SERVICE = 'Kingdee.BOS.WebApi.ServicesStub.AuthService';
const SID_COOKIE = 'kdservice-sessionid';
const ASP_COOKIE = 'ASP.NET_SessionId';

export function createAuthenticator(auth: K3Auth, login: LoginExchange, logger?: Logger): Authenticator {
  return auth.kind === 'signature' ? signatureAuth(auth, logger) : sessionAuth(auth, login, logger);
}

function sessionHeaders(session: Session | null): Record<string, string> {
  if (session === null) return {};
  const cookie = [`${SID_COOKIE}=${session.sid}`];
  if (session.aspNetSessionId !== null) cookie.push(`${ASP_COOKIE}=${session.aspNetSessionId}`);
  return { 'kdservice-sessionid': session.sid, Cookie: cookie.join('; ') };
}

/** `Set-Cookie` values by cookie name. */
function readCookies(headers: IncomingHttpHeaders): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const line of headers['set-cookie'] ?? []) {
    const pair = line.split(';')[0] ?? '';
    const eq = pair.indexOf('=');
    if (eq > 0) cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
  }
  return cookies;
}

/**
 * Signature mode: every request is signed; the server also issues a session, which is replayed
 * like the SDKs do so K3 does not build a new server context per request (AZ-EXP §5).
 */
function signatureAuth(auth: Extract<K3Auth, { kind: 'signature' }>, logger?: Logger): Authenticator {
  const credentials = { ...auth, lcid: auth.lcid ?? 2052, orgNum: auth.orgNum ?? 0 };
  let current: Session | null = null;
  return {
    ensure: async () => current,
    headers: (path, session) => ({
      ...buildSignatureHeaders(credentials, { path, timestamp: String(Math.floor(Date.now() / 1000)) }),
      ...sessionHeaders(session),
    }),
    observe: (headers) => {
      const cookies = readCookies(headers);
      const sid = cookies.get(SID_COOKIE);
      // An authentication failure still sets the cookie, empty (issue 14 item 19): not a session.
      if (sid !== undefined && sid !== '' && sid !== current?.sid) {
        current = { sid, aspNetSessionId: cookies.get(ASP_COOKIE) ?? null };
      }
    },
    recover: async (used) => {
      if (used === null) {
        // MsgCode 1 on a request with no session to blame: the X-Kd signature itself was refused
        // (AZ-EXP §7: wrong user, appId, appSecret or lcid all answer "会话信息已丢失").
        throw new K3Error(
          'K3_AUTH_FAILED',
          'K3 refused the signature credentials (MsgCode 1): check acctId, username, appId, appSecret and lcid',
          { msgCode: 1 },
        );
      }
      if (current?.sid === used.sid) current = null;
      logger?.info({ authKind: 'signature' }, 'k3 session dropped, next call re-signs');
      return current;
    },
  };
}

function sessionAuth(
  auth: Exclude<K3Auth, { kind: 'signature' }>,
  login: LoginExchange,
  logger?: Logger,
): Authenticator {
  let current: Session | null = null;
  let inFlight: Promise<Session> | null = null;

  const startLogin = (): Promise<Session> => {
    // Single flight: every caller that finds the session missing joins the same login. It runs
    // without any one caller's AbortSignal (bounded by the request timeout), so one caller giving
    // up does not fail the login the others wait for.
    inFlight ??= loginOnce(auth, login)
      .then((session) => {
        current = session;
        logger?.info({ authKind: auth.kind }, 'k3 session established');
        return session;
      })
      .finally(() => {
        inFlight = null;
      });
    return inFlight;
  };

  return {
    ensure: () => (current === null ? startLogin() : Promise.resolve(current)),
    headers: (_path, session) => sessionHeaders(session),
    observe: () => undefined,
    recover: (used) => {
      if (current !== null && used !== null && current.sid !== used.sid) return Promise.resolve(current);
      current = null;
      return startLogin();
    },
  };
}

async function loginOnce(
  auth: Exclude<K3Auth, { kind: 'signature' }>,
  login: LoginExchange,
): Promise<Session> {
  const lcid = auth.lcid ?? 2052;
  const call = loginCall(auth, lcid);
  const { headers, json } = await login(`${AUTH_SERVICE}.${call.method}`, { parameters: call.parameters });
  const result = (json ?? {}) as {
    LoginResultType?: unknown;
    IsSuccessByAPI?: unknown;
    Message?: unknown;
    KDSVCSessionId?: unknown;
    Context?: { SessionId?: unknown } | null;
  };
  if (result.LoginResultType !== 1 && result.IsSuccessByAPI !== true) {
    const message =
      typeof result.Message === 'string' && result.Message !== '' ? result.Message : 'no message';
    throw new K3Error(
      'K3_AUTH_FAILED',
      `K3 ${call.method} refused (LoginResultType ${String(result.LoginResultType)}: ${message}); check ${call.check}`,
      {
        context: {
          loginResultType: typeof result.LoginResultType === 'number' ? result.LoginResultType : null,
        },
      },
    );
  }
  const cookies = readCookies(headers);
  const sid =
    cookies.get(SID_COOKIE) || (typeof result.KDSVCSessionId === 'string' ? result.KDSVCSessionId : '');
  if (sid === '') {
    throw new K3Error('K3_BAD_RESPONSE', `K3 ${call.method} succeeded without a kdservice-sessionid`, {});
  }
  const contextSession = result.Context?.SessionId;
  const aspNet = cookies.get(ASP_COOKIE) ?? (typeof contextSession === 'string' ? contextSession : null);
  return { sid, aspNetSessionId: aspNet };
}

function loginCall(
  auth: Exclude<K3Auth, { kind: 'signature' }>,
  lcid: number,
): { method: string; parameters: unknown[]; check: string } {
  switch (auth.kind) {
    case 'password':
      return {
        method: 'ValidateUser',
        parameters: [auth.acctId, auth.username, auth.password, lcid],
        check: 'acctId, username and password',
      };
    case 'appSecret':
      return {
        method: 'LoginByAppSecret',
        parameters: [auth.acctId, auth.username, auth.appId, auth.appSecret, lcid],
        check: 'acctId, username, appId and appSecret',
      };
    case 'sign': {
      const timestamp = String(Math.floor(Date.now() / 1000));
      const sign = loginBySignSign(auth.acctId, auth.username, auth.appId, auth.appSecret, timestamp);
      return {
        method: 'LoginBySign',
        parameters: [auth.acctId, auth.username, auth.appId, timestamp, sign, lcid],
        check: 'acctId, username, appId, appSecret and the clock (the sign carries a timestamp)',
      };
    }
  }
}
