import { asText } from '../protocol/envelope.ts';
import { ok, type SimReply } from '../protocol/reply.ts';
import { LCIDS, loginSignMatches, type SimCredentials, timestampMs } from './credentials.ts';
import { emptySessionCookie, type SessionStore, type SimSession, sessionCookies } from './sessions.ts';

/** Positional parameter names of the AuthService methods (reference §2.1). */
export const AUTH_PARAMETERS = {
  validateuser: ['acctid', 'username', 'password', 'lcid'],
  loginbyappsecret: ['acctid', 'username', 'appid', 'appsecret', 'lcid'],
  loginbysign: ['acctid', 'username', 'appid', 'timestamp', 'sign', 'lcid'],
  logout: [],
} as const;

export type AuthMethod = keyof typeof AUTH_PARAMETERS;

export interface LoginContext {
  readonly credentials: SimCredentials;
  readonly sessions: SessionStore;
  readonly signatureMaxSkewMs: number;
  readonly now: () => number;
  readonly sid: string | undefined;
}

export type LoginOutcome = { readonly reply: SimReply; readonly loggedIn: boolean };

export function handleAuth(
  method: AuthMethod,
  args: readonly unknown[],
  context: LoginContext,
): LoginOutcome {
  if (method === 'logout') {
    if (context.sid !== undefined) context.sessions.remove(context.sid);
    return { reply: ok(true), loggedIn: false };
  }
  const [acctId, username, third, fourth, fifth, sixth] = args.map(asText);
  const { credentials } = context;
  const lcid = Number(method === 'loginbysign' ? sixth : method === 'loginbyappsecret' ? fifth : fourth);
  if (acctId !== credentials.acctId) return refused(context, -1, `数据中心“${acctId ?? ''}”不存在！`);
  if (username !== credentials.username) return refused(context, 0, '用户名或密码错误！');
  if (!LCIDS.has(lcid)) return refused(context, 0, `不支持的语言（lcid ${String(lcid)}）！`);
  switch (method) {
    case 'validateuser':
      if (third !== credentials.password) return refused(context, 0, '用户名或密码错误！');
      break;
    case 'loginbyappsecret':
      if (third !== credentials.appId || fourth !== credentials.appSecret)
        return refused(context, 0, '应用ID或应用密钥错误！');
      break;
    case 'loginbysign': {
      const atMs = timestampMs(fourth ?? '');
      const stale =
        context.signatureMaxSkewMs > 0 && Math.abs(context.now() - atMs) > context.signatureMaxSkewMs;
      if (
        third !== credentials.appId ||
        Number.isNaN(atMs) ||
        stale ||
        !loginSignMatches(credentials, fourth ?? '', fifth ?? '')
      ) {
        return refused(context, 0, '签名验证失败！');
      }
      break;
    }
  }
  const session = context.sessions.create('login', lcid);
  return {
    reply: ok(
      loginSuccess(session, credentials, lcid),
      sessionCookies(session, context.sessions.cookieExpiryMs()),
    ),
    loggedIn: true,
  };
}

function refused(context: LoginContext, loginResultType: number, message: string): LoginOutcome {
  // Official failure template (FXP §7) plus the fields the SDKs read.
  return {
    reply: ok(
      {
        Message: message,
        MessageCode: '',
        LoginResultType: loginResultType,
        Context: null,
        KDSVCSessionId: null,
        FormId: null,
        RedirectFormParam: null,
        FormInputObject: null,
        ErrorStackTrace: null,
        Lcid: 0,
        AccessToken: null,
        KdAccessResult: null,
        IsSuccessByAPI: false,
      },
      emptySessionCookie(context.sessions.cookieExpiryMs()),
    ),
    loggedIn: false,
  };
}

function loginSuccess(
  session: SimSession,
  credentials: SimCredentials,
  lcid: number,
): Record<string, unknown> {
  return {
    Message: null,
    MessageCode: null,
    LoginResultType: 1,
    Context: {
      UserLocale: lcid === 1033 ? 'en-US' : 'zh-CN',
      LogLocale: 'zh-CN',
      DBid: credentials.acctId,
      DatabaseType: 3,
      SessionId: session.aspNetSessionId,
      UseLanguages: [{ LocaleId: lcid, Alias: lcid === 1033 ? 'EN' : 'CN', LocaleName: '中文(简体)' }],
      UserId: 100008,
      UserName: credentials.username,
      CustomName: 'k3cloud-sim',
      DisplayVersion: '8.2.0 (k3cloud-sim)',
      DataCenterName: 'k3cloud-sim',
      CurrentOrganizationInfo: { ID: 1, AcctOrgType: '1', Name: '模拟组织', FunctionIds: [] },
    },
    KDSVCSessionId: session.sid,
    FormId: null,
    RedirectFormParam: null,
    FormInputObject: null,
    ErrorStackTrace: null,
    Lcid: 0,
    AccessToken: null,
    KdAccessResult: null,
    IsSuccessByAPI: true,
  };
}
