import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** The one integration identity the simulator knows (demo credentials from config). */
export interface SimCredentials {
  readonly acctId: string;
  readonly username: string;
  /** `<clientId>_<32-char base64>`: the official Python SDK only derives the client secret then. */
  readonly appId: string;
  readonly appSecret: string;
  readonly password: string;
}

export const LCIDS = new Set([2052, 1033, 3076]);

/**
 * Written independently of the client package on purpose: if both shared one implementation, a
 * mistake in it would pass every test. The worked example pins this one too.
 */
const XOR_KEY = Buffer.from('0054f397c6234378b09ca7d3e5debce7', 'ascii');

export function clientSecretOf(appId: string): string {
  const encoded = appId.slice(appId.indexOf('_') + 1);
  if (!appId.includes('_') || encoded.length !== 32) return '';
  const bytes = Buffer.from(encoded, 'base64');
  return Buffer.from(bytes.map((byte, i) => byte ^ (XOR_KEY[i] ?? 0))).toString('base64');
}

export function kdHmac(key: string, message: string): string {
  const hex = createHmac('sha256', key).update(message, 'utf8').digest('hex');
  return Buffer.from(hex).toString('base64');
}

export function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** LoginBySign: sorted concatenation hashed with SHA-256 (current) or SHA-1 (servers before 8.0.0.202205). */
export function loginSignMatches(credentials: SimCredentials, timestamp: string, sign: string): boolean {
  const joined = [
    credentials.acctId,
    credentials.username,
    credentials.appId,
    credentials.appSecret,
    timestamp,
  ]
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .join('');
  const lower = sign.toLowerCase();
  return (
    sameText(createHash('sha256').update(joined, 'utf8').digest('hex'), lower) ||
    sameText(createHash('sha1').update(joined, 'utf8').digest('hex'), lower)
  );
}

/** Seconds (Python SDK) or milliseconds (Java/.NET) → epoch ms; NaN when not a number. */
export function timestampMs(text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || text.trim() === '') return Number.NaN;
  return value > 100_000_000_000 ? value : value * 1000;
}
