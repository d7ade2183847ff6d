import { createHash, createHmac } from 'node:crypto';

/**
 * K3Cloud's per-request signature headers (第三方系统登录授权, reference §2.2), as Kingdee's
 * official Python SDK (`BuildHeader`) and Java SDK (`ApiRequester.buildHeader`) compute them.
 */

/** The Java SDK hard-codes it; the Python SDK builds the same bytes as ROT13 of a scrambled seed. */
const CLIENT_SECRET_XOR_KEY = Buffer.from('0054f397c6234378b09ca7d3e5debce7', 'ascii');

/**
 * `client_sec`: base64-decode the part of appId after `_`, XOR with the ASCII key, base64 again.
 * Both SDKs only do this for a 32-character part (Python returns '' otherwise, Java the input),
 * so a malformed appId yields '' here, which no server accepts.
 */
export function decodeClientSecret(appId: string): string {
  const parts = appId.split('_');
  const encoded = parts.length === 2 ? (parts[1] ?? '') : '';
  if (encoded.length !== 32) return '';
  const bytes = Buffer.from(encoded, 'base64');
  const out = Buffer.alloc(bytes.length);
  for (let i = 0; i < bytes.length; i += 1) {
    out[i] = (bytes[i] ?? 0) ^ (CLIENT_SECRET_XOR_KEY[i] ?? 0);
  }
  return out.toString('base64');
}

/** K3's HMAC encoding: base64 of the lowercase hex *string* of HMAC-SHA256, not of the raw bytes. */
export function hmacSha256Base64Hex(key: string, message: string): string {
  const hex = createHmac('sha256', Buffer.from(key, 'utf8')).update(message, 'utf8').digest('hex');
  return Buffer.from(hex, 'utf8').toString('base64');
}

/** Python `quote(path).replace('/', '%2F')`; identical to encodeURIComponent for K3's ASCII paths. */
function encodeSignedPath(path: string): string {
  return encodeURIComponent(path);
}

export function apiStringToSign(path: string, nonce: string, timestamp: string): string {
  return `POST\n${encodeSignedPath(path)}\n\nx-api-nonce:${nonce}\nx-api-timestamp:${timestamp}\n`;
}

export interface SignatureCredentials {
  readonly acctId: string;
  readonly username: string;
  readonly appId: string;
  readonly appSecret: string;
  readonly lcid: number;
  readonly orgNum: number;
}

export interface SignatureInput {
  /** URL path as sent, e.g. `/k3cloud/Kingdee.BOS.WebApi.ServicesStub.DynamicFormService.BatchSave.common.kdsvc`. */
  readonly path: string;
  /** Unix time as a string: seconds (Python SDK) or milliseconds (Java/.NET). */
  readonly timestamp: string;
  /** Both official SDKs send the timestamp again; .NET a GUID. */
  readonly nonce?: string;
}

/** The nine headers, with the Python SDK's header-name casing. */
export function buildSignatureHeaders(
  credentials: SignatureCredentials,
  input: SignatureInput,
): Record<string, string> {
  const nonce = input.nonce ?? input.timestamp;
  const parts = credentials.appId.split('_');
  const clientId = parts.length === 2 ? (parts[0] ?? '') : '';
  const appData = `${credentials.acctId},${credentials.username},${credentials.lcid},${credentials.orgNum}`;
  return {
    'X-Api-ClientID': clientId,
    'X-Api-Auth-Version': '2.0',
    'x-api-timestamp': input.timestamp,
    'x-api-nonce': nonce,
    'x-api-signheaders': 'x-api-timestamp,x-api-nonce',
    'X-Api-Signature': hmacSha256Base64Hex(
      decodeClientSecret(credentials.appId),
      apiStringToSign(input.path, nonce, input.timestamp),
    ),
    'X-Kd-Appkey': credentials.appId,
    'X-Kd-Appdata': Buffer.from(appData, 'utf8').toString('base64'),
    'X-Kd-Signature': hmacSha256Base64Hex(credentials.appSecret, credentials.appId + appData),
  };
}

/**
 * LoginBySign's `sign`: the five strings sorted by code point, concatenated, SHA-256 hex
 * (servers older than 8.0.0.202205 want SHA-1; not supported here).
 */
export function loginBySignSign(
  acctId: string,
  username: string,
  appId: string,
  appSecret: string,
  timestampSeconds: string,
): string {
  const joined = [acctId, username, appId, appSecret, timestampSeconds]
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .join('');
  return createHash('sha256').update(joined, 'utf8').digest('hex');
}
