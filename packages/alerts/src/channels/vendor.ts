import type { AlertErrorCode } from '../errors.ts';
import type { ChannelOf, ChannelType } from './config.ts';
import type { RenderedAlert } from './render.ts';

export interface OutgoingRequest {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface VendorAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
}

export type SendOutcome =
  | { readonly ok: true }
  | {
      readonly ok: false;
      readonly code: AlertErrorCode;
      /** The vendor's own words (errmsg), cut short; never the URL or a credential. */
      readonly message: string;
      /** How long to send nothing (a throttle); otherwise the channel's backoff applies. */
      readonly retryAfterMs?: number;
    };

/** One chat platform: how a message is built, signed and judged. */
export interface Vendor<T extends ChannelType> {
  /** The largest body we send (the vendor's limit, with margin). */
  readonly maxBodyBytes: number;
  build(alerts: readonly RenderedAlert[], channel: ChannelOf<T>, now: number): OutgoingRequest;
  classify(answer: VendorAnswer): SendOutcome;
}

export const fail = (code: AlertErrorCode, message: string, retryAfterMs?: number): SendOutcome =>
  retryAfterMs === undefined
    ? { ok: false, code, message: message.slice(0, 200) }
    : { ok: false, code, message: message.slice(0, 200), retryAfterMs };

/** `{ "errcode": …, "errmsg": … }` or `{ "code": …, "msg": … }`, or null when the body is not JSON. */
export function jsonBody(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

/** Seconds of `Retry-After`, as ms; undefined when absent or unreadable. */
export function retryAfterMs(headers: Headers): number | undefined {
  const value = Number(headers.get('retry-after'));
  return Number.isFinite(value) && value > 0 ? value * 1000 : undefined;
}

/** What any vendor's HTTP status says before its body is read. */
export function httpFailure(answer: VendorAnswer): SendOutcome | null {
  if (answer.status === 429)
    return fail('ALERT_CHANNEL_THROTTLED', 'HTTP 429', retryAfterMs(answer.headers) ?? 60_000);
  if (answer.status === 413) return fail('ALERT_CHANNEL_TOO_LARGE', 'HTTP 413');
  if (answer.status === 401 || answer.status === 403)
    return fail('ALERT_CHANNEL_AUTH', `HTTP ${answer.status}`);
  return null;
}
