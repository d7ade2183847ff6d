import { createHmac, timingSafeEqual } from 'node:crypto';
import { header, type Incoming, isText, parseJson, type Verdict } from './types.ts';

const reply = (status: number, reason: string, json: unknown = null, text = ''): Verdict => ({
  status,
  body: status === 200 ? { ok: true } : { error: reason },
  accepted: status === 200,
  reason,
  text,
  json,
});

/** A receiver's freshness window for the signed timestamp. */
const WINDOW_MS = 5 * 60_000;

/**
 * `POST /webhook/<name>`: a receiver as README tells integrators to write one — `X-WdtK3-Timestamp`
 * within five minutes and `X-WdtK3-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." +
 * raw body)>`, compared in constant time, before the JSON is even read.
 */
export function checkWebhook(incoming: Incoming): Verdict {
  const { robot } = incoming;
  if (robot === undefined) return reply(404, 'unknown webhook');
  const timestamp = header(incoming, 'x-wdtk3-timestamp') ?? '';
  const signature = header(incoming, 'x-wdtk3-signature') ?? '';
  if (!/^\d+$/.test(timestamp) || Math.abs(incoming.now - Number(timestamp)) > WINDOW_MS)
    return reply(401, 'stale or missing timestamp');
  const expected = `sha256=${createHmac('sha256', robot.secret ?? '')
    .update(`${timestamp}.${incoming.raw}`)
    .digest('hex')}`;
  if (signature.length !== expected.length || !timingSafeEqual(Buffer.from(signature), Buffer.from(expected)))
    return reply(401, 'bad signature');
  const body = parseJson(incoming.raw);
  if (body === null || !Array.isArray(body.alerts)) return reply(400, 'not an alert payload', body);
  const text = isText(body.text) ? body.text : '';
  if (incoming.rate() !== 'ok') return reply(429, 'rate limit', body, text);
  return reply(200, 'ok', body, text);
}
