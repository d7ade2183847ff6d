import { clientSecretOf, kdHmac, LCIDS, type SimCredentials, sameText, timestampMs } from './credentials.ts';
import { headerText, type SessionStore, type SimSession, sidOf } from './sessions.ts';

type Headers = Readonly<Record<string, string | string[] | undefined>>;

/**
 * Where the simulated K3 runs. `cloud`: behind Kingdee's API gateway, which checks the X-Api-*
 * headers and answers HTTP 519 + errcode (FXP probe log). `private`: an on-premise server with no
 * gateway, which checked no X-Api-* at all (AZ-EXP §5), so a wrong app id is only caught by the
 * X-Kd-* check and answers HTTP 200 + MsgCode 1 (AZ-EXP §7). Reference §2.2.
 */
export const DEPLOYMENTS = ['cloud', 'private'] as const;
export type Deployment = (typeof DEPLOYMENTS)[number];

export type AuthResult =
  | { readonly kind: 'ok'; readonly session: SimSession; readonly issued: boolean }
  /** No live session and no acceptable signature: the MsgCode 1 envelope. */
  | { readonly kind: 'session-lost' }
  /** The X-Api-* layer refused (Kingdee's gateway answers HTTP 519 + errcode). */
  | {
      readonly kind: 'gateway';
      readonly errcode: number;
      readonly description: string;
      readonly descriptionCn: string;
    }
  /** A data-centre id the server does not know (AZ-EXP §6 R2: non-200, this text). */
  | { readonly kind: 'unknown-acct' };

export interface AuthSettings {
  readonly credentials: SimCredentials;
  readonly sessions: SessionStore;
  /** 0 = timestamps are not checked (what a private server did, AZ-EXP §5). */
  readonly signatureMaxSkewMs: number;
  readonly deployment: Deployment;
  readonly now: () => number;
}

/**
 * Business-call authentication. In the cloud, X-Api-* is verified on every request that carries
 * it (it is the gateway's layer, which knows no sessions); a private server ignores it; a live session then lets the call through without
 * re-checking X-Kd-* (AZ-EXP §5); otherwise a valid X-Kd-* trio issues a new session.
 */
export function authenticate(headers: Headers, path: string, settings: AuthSettings): AuthResult {
  if (settings.deployment === 'cloud' && headers['x-api-signature'] !== undefined) {
    const refused = checkApiSignature(headers, path, settings);
    if (refused !== undefined) return refused;
  }
  const session = settings.sessions.use(sidOf(headers));
  if (session !== undefined) return { kind: 'ok', session, issued: false };
  if (headers['x-kd-signature'] === undefined && headers['x-kd-appkey'] === undefined)
    return { kind: 'session-lost' };
  const verdict = checkKdSignature(headers, settings.credentials);
  if (typeof verdict !== 'number')
    return verdict === 'unknown-acct' ? { kind: 'unknown-acct' } : { kind: 'session-lost' };
  return { kind: 'ok', session: settings.sessions.create('signature', verdict), issued: true };
}

/** The signed lcid when the X-Kd-* trio holds, or why not. */
function checkKdSignature(
  headers: Headers,
  credentials: SimCredentials,
): number | 'refused' | 'unknown-acct' {
  const appKey = headerText(headers['x-kd-appkey']);
  const appDataB64 = headerText(headers['x-kd-appdata']);
  const signature = headerText(headers['x-kd-signature']);
  if (appKey !== credentials.appId) return 'refused';
  const appData = Buffer.from(appDataB64, 'base64').toString('utf8');
  if (!sameText(kdHmac(credentials.appSecret, appKey + appData), signature)) return 'refused';
  const [acctId, username, lcid] = appData.split(',');
  if (acctId !== credentials.acctId) return 'unknown-acct';
  // AZ-EXP §7: a wrong user or lcid also answers MsgCode 1.
  if (username !== credentials.username || !LCIDS.has(Number(lcid))) return 'refused';
  return Number(lcid);
}

function checkApiSignature(headers: Headers, path: string, settings: AuthSettings): AuthResult | undefined {
  const clientId = headerText(headers['x-api-clientid']);
  const expectedClientId = settings.credentials.appId.split('_')[0] ?? '';
  if (clientId === '' || clientId !== expectedClientId) {
    return gateway(
      4002,
      'Unauthorized, APP_ID is empty or unknown[GW]',
      '认证失败, 应用ID为空或不存在[网关]',
    );
  }
  const timestamp = headerText(headers['x-api-timestamp']);
  const atMs = timestampMs(timestamp);
  if (
    Number.isNaN(atMs) ||
    (settings.signatureMaxSkewMs > 0 && Math.abs(settings.now() - atMs) > settings.signatureMaxSkewMs)
  ) {
    return gateway(
      4006,
      `Unauthorized, errDescEn: X-Api-TimeStamp is invalid: ${timestamp}[GW]`,
      `认证失败, errDescCn: X-Api-TimeStamp过期: ${timestamp}[网关]`,
    );
  }
  const expected = kdHmac(clientSecretOf(settings.credentials.appId), apiStringToSign(headers, path));
  if (!sameText(expected, headerText(headers['x-api-signature']))) {
    return gateway(4003, 'Unauthorized, X-Api-Signature is invalid[GW]', '认证失败, 签名错误[网关]');
  }
  return undefined;
}

/**
 * `POST\n<path, / as %2F>\n\n` then one `name:value\n` per signed header, names lower-cased and
 * sorted: that reproduces both SDKs (Python lists `x-api-timestamp,x-api-nonce`, Java
 * `X-Api-TimeStamp,X-Api-Nonce`, and both sign nonce first).
 */
function apiStringToSign(headers: Headers, path: string): string {
  const listed = headerText(headers['x-api-signheaders']) || 'x-api-timestamp,x-api-nonce';
  const names = listed
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== '')
    .sort();
  const lines = names.map((name) => `${name}:${headerText(headers[name])}\n`).join('');
  return `POST\n${encodeURIComponent(path)}\n\n${lines}`;
}

function gateway(errcode: number, description: string, descriptionCn: string): AuthResult {
  return { kind: 'gateway', errcode, description, descriptionCn };
}
