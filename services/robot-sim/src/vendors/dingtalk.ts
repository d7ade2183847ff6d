import { createHmac, timingSafeEqual } from 'node:crypto';
import { LIMITS } from '../robots.ts';
import { contentType, type Incoming, isText, object, parseJson, type Verdict } from './types.ts';

const answer = (
  errcode: number,
  errmsg: string,
  reason: string,
  json: unknown = null,
  text = '',
): Verdict => ({
  status: 200,
  body: { errcode, errmsg },
  accepted: errcode === 0,
  reason,
  text,
  json,
});

const same = (a: string, b: string): boolean =>
  a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/** The text a DingTalk message shows, per msgtype; null when the shape is wrong. */
function shown(body: Record<string, unknown>): string | null {
  const part = object(body[String(body.msgtype)]);
  switch (body.msgtype) {
    case 'text':
      return isText(part?.content) ? part.content : null;
    case 'markdown':
      return isText(part?.title) && isText(part?.text) ? `${part.title}\n${part.text}` : null;
    case 'link':
      return isText(part?.title) && isText(part?.text) && isText(part?.messageUrl)
        ? `${part.title}\n${part.text}`
        : null;
    case 'actionCard':
      return isText(part?.title) && isText(part?.text) ? `${part.title}\n${part.text}` : null;
    case 'feedCard':
      return Array.isArray(part?.links) && part.links.length > 0 ? JSON.stringify(part.links) : null;
    default:
      return null;
  }
}

/**
 * `POST /robot/send?access_token=…[&timestamp=…&sign=…]`, strictly: JSON content type, a known
 * token, the 加签 check (timestamp in ms within the window; sign = urlEncode(base64(HmacSHA256
 * (secret, timestamp + "\n" + secret)))), the keyword check, the message shape and size, then 20
 * a minute — the 21st mutes the robot for 10 minutes. Errors as DingTalk answers them: HTTP 200
 * with a non-zero errcode.
 */
export function checkDingtalk(incoming: Incoming): Verdict {
  const { robot, query } = incoming;
  if (!contentType(incoming).startsWith('application/json'))
    return answer(43004, '无效的HTTP HEADER Content-Type', 'content type');
  if (robot === undefined || query.access_token !== robot.token)
    return answer(300001, 'token is not exist', 'unknown access_token');
  if (robot.secret !== undefined) {
    const timestamp = Number(query.timestamp);
    if (
      !/^\d{13}$/.test(query.timestamp ?? '') ||
      Math.abs(incoming.now - timestamp) > incoming.timestampWindowMs
    )
      return answer(310000, 'invalid timestamp', 'timestamp');
    const digest = createHmac('sha256', robot.secret)
      .update(`${query.timestamp}\n${robot.secret}`)
      .digest('base64');
    // Fastify's query parser has already decoded the URL-encoding once.
    if (query.sign === undefined || !same(query.sign, digest))
      return answer(310000, 'sign not match', 'sign');
  }
  if (incoming.bytes > LIMITS.dingtalk.maxBodyBytes)
    return answer(460101, `message too long, exceed ${LIMITS.dingtalk.maxBodyBytes} bytes`, 'too large');
  const body = parseJson(incoming.raw);
  if (body === null) return answer(40035, '缺少参数 json', 'not json');
  const text = shown(body);
  if (text === null)
    return answer(
      typeof body.msgtype === 'string' ? 40035 : 400105,
      '缺少参数或不支持的消息类型',
      'shape',
      body,
    );
  if (robot.keywords !== undefined && !robot.keywords.some((keyword) => text.includes(keyword)))
    return answer(310000, 'keywords not in content', 'keyword', body, text);
  const rate = incoming.rate();
  if (rate !== 'ok')
    return answer(410100, 'send too fast, exceed 20 times per minute', `rate ${rate}`, body, text);
  return answer(0, 'ok', 'ok', body, text);
}
