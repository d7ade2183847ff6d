import { createHmac, timingSafeEqual } from 'node:crypto';
import { LIMITS } from '../robots.ts';
import { type Incoming, isText, object, parseJson, type Verdict } from './types.ts';

const answer = (code: number, msg: string, reason: string, json: unknown = null, text = ''): Verdict => ({
  status: code === 9499 ? 400 : 200,
  body: code === 0 ? { code: 0, data: {}, msg: 'success' } : { code, data: {}, msg },
  accepted: code === 0,
  reason,
  text,
  json,
});

/** What a Feishu message shows; null when its shape is wrong. */
function shown(body: Record<string, unknown>): string | null {
  const content = object(body.content);
  switch (body.msg_type) {
    case 'text':
      return isText(content?.text) ? content.text : null;
    case 'post':
      return content?.post === undefined ? null : JSON.stringify(content.post);
    case 'interactive': {
      const card = object(body.card);
      const elements = card?.elements;
      if (card === null || !Array.isArray(elements) || elements.length === 0) return null;
      const title = object(object(card.header)?.title)?.content;
      return `${typeof title === 'string' ? `${title}\n` : ''}${JSON.stringify(elements)}`;
    }
    default:
      return null;
  }
}

const same = (a: string, b: string): boolean =>
  a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/**
 * `POST /open-apis/bot/v2/hook/<token>`: the 签名校验 in the body (timestamp in seconds within
 * the window; sign = base64(HmacSHA256(key = timestamp + "\n" + secret, data = ""))), keywords,
 * the shape of text / post / interactive, 20 KB, 100 a minute and 5 a second.
 */
export function checkFeishu(incoming: Incoming): Verdict {
  const { robot } = incoming;
  if (robot === undefined)
    return answer(19001, 'param invalid: incoming webhook access token invalid', 'unknown token');
  if (incoming.bytes > LIMITS.feishu.maxBodyBytes)
    return answer(9499, 'Bad Request: body exceeds 20 KB', 'too large');
  const body = parseJson(incoming.raw);
  if (body === null) return answer(9499, 'Bad Request', 'not json');
  if (robot.secret !== undefined) {
    const timestamp = typeof body.timestamp === 'string' ? body.timestamp : '';
    const expected = createHmac('sha256', `${timestamp}\n${robot.secret}`).update('').digest('base64');
    const fresh =
      /^\d{10}$/.test(timestamp) &&
      Math.abs(incoming.now - Number(timestamp) * 1000) <= incoming.timestampWindowMs;
    if (!fresh || typeof body.sign !== 'string' || !same(body.sign, expected))
      return answer(
        19021,
        'sign match fail or timestamp is not within one hour from current time',
        'sign',
        body,
      );
  }
  const text = shown(body);
  if (text === null) return answer(9499, 'Bad Request: msg_type and its content do not match', 'shape', body);
  if (robot.keywords !== undefined && !robot.keywords.some((keyword) => text.includes(keyword)))
    return answer(19024, 'Key Words Not Found', 'keyword', body, text);
  const rate = incoming.rate();
  if (rate !== 'ok')
    return answer(11232, 'frequency limited psm[lark.oapi.app_platform_runtime]', `rate ${rate}`, body, text);
  return answer(0, 'success', 'ok', body, text);
}
