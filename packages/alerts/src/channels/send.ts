import type { ChannelConfig, ChannelOf, ChannelType } from './config.ts';
import { dingtalk } from './dingtalk.ts';
import { feishu } from './feishu.ts';
import { byteLength, shrink } from './markdown.ts';
import type { RenderedAlert } from './render.ts';
import { slack } from './slack.ts';
import { fail, type OutgoingRequest, type SendOutcome, type Vendor } from './vendor.ts';
import { webhook } from './webhook.ts';
import { wecom } from './wecom.ts';

const VENDORS: { readonly [T in ChannelType]: Vendor<T> } = { dingtalk, wecom, feishu, slack, webhook };

const vendorOf = <T extends ChannelType>(channel: ChannelOf<T>): Vendor<T> => VENDORS[channel.type as T];

export interface BuiltMessage {
  readonly request: OutgoingRequest;
  /** How many of the alerts it carries (the first ones); the rest wait for the next message. */
  readonly included: number;
}

/**
 * The request for as many of `alerts` as fit the vendor's size (at least one, shrunk if needed),
 * signed for `now`. `maxBytes` may lower the vendor's limit (after a "too large" answer).
 */
export function buildMessage(
  channel: ChannelConfig,
  alerts: readonly RenderedAlert[],
  now: number,
  maxBytes?: number,
): BuiltMessage {
  const vendor = vendorOf(channel) as Vendor<ChannelType>;
  const limit = Math.min(vendor.maxBodyBytes, maxBytes ?? Number.POSITIVE_INFINITY);
  const build = (list: readonly RenderedAlert[]): OutgoingRequest =>
    vendor.build(list, channel as never, now);
  const fits = (request: OutgoingRequest): boolean => byteLength(request.body) <= limit;
  // Binary search for the longest prefix that fits: a digest may hold a hundred alerts.
  let low = 1;
  let high = alerts.length;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (fits(build(alerts.slice(0, middle)))) low = middle;
    else high = middle - 1;
  }
  const first = alerts[0];
  if (low === 1 && first !== undefined && !fits(build([first]))) {
    const small = shrink(first, (candidate) => fits(build([candidate])));
    return { request: build([small]), included: 1 };
  }
  return { request: build(alerts.slice(0, low)), included: low };
}

/** Posts a built message and judges the answer; a network failure is an outcome, not a throw. */
export async function sendMessage(channel: ChannelConfig, request: OutgoingRequest): Promise<SendOutcome> {
  const vendor = vendorOf(channel) as Vendor<ChannelType>;
  let response: Response;
  try {
    response = await fetch(request.url, {
      method: 'POST',
      headers: request.headers,
      body: request.body,
      signal: AbortSignal.timeout(channel.timeoutMs),
      redirect: 'error',
    });
  } catch (err) {
    // undici's cause says why (ECONNREFUSED, ENOTFOUND); the message would not name the URL, but
    // only the code is kept to be sure no credential reaches a log or the status.
    if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError'))
      return fail('ALERT_CHANNEL_TIMEOUT', `no answer within ${channel.timeoutMs} ms`);
    const cause = err instanceof Error ? (err.cause as { code?: unknown } | undefined) : undefined;
    return fail('ALERT_CHANNEL_NETWORK', typeof cause?.code === 'string' ? cause.code : 'network error');
  }
  const text = await response.text().catch(() => '');
  return vendor.classify({ status: response.status, headers: response.headers, text: text.slice(0, 4_000) });
}
