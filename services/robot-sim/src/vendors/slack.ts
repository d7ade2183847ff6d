import { contentType, type Incoming, isText, parseJson, type Verdict } from './types.ts';

const plain = (
  status: number,
  text: string,
  reason: string,
  json: unknown = null,
  shownText = '',
  retryAfter?: number,
): Verdict => ({
  status,
  body: text,
  ...(retryAfter === undefined ? {} : { headers: { 'retry-after': String(retryAfter) } }),
  accepted: status === 200,
  reason,
  text: shownText,
  json,
});

/**
 * `POST /services/T…/B…/…`: Slack answers plain text — `ok`, or an error word with a 4xx —
 * and about one message a second (HTTP 429 with Retry-After).
 */
export function checkSlack(incoming: Incoming): Verdict {
  if (incoming.robot === undefined) return plain(404, 'no_service', 'unknown path');
  const body = parseJson(incoming.raw);
  if (body === null || !contentType(incoming).startsWith('application/json'))
    return plain(400, 'invalid_payload', 'not json');
  if (!isText(body.text) && !Array.isArray(body.blocks)) return plain(400, 'no_text', 'shape', body);
  const text = isText(body.text) ? body.text : JSON.stringify(body.blocks);
  if (text.length > 40_000) return plain(400, 'msg_too_long', 'too large', body, text);
  const rate = incoming.rate();
  if (rate !== 'ok') return plain(429, 'rate_limited', `rate ${rate}`, body, text, 1);
  return plain(200, 'ok', 'ok', body, text);
}
