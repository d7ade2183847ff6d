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

// UTF-8 byte limits of the content (群机器人配置说明): text 2048, markdown 4096.
const MAX_BYTES: Readonly<Record<string, number>> = { text: 2_048, markdown: 4_096 };

/**
 * `POST /cgi-bin/webhook/send?key=…`: the key is the whole credential. Shapes text and markdown
 * with their byte limits (40058), unknown types (40008), empty content (44004), 20 a minute
 * (45009), an unknown key (93000).
 */
export function checkWecom(incoming: Incoming): Verdict {
  const { robot, query } = incoming;
  if (robot === undefined || query.key !== robot.token)
    return answer(93000, 'invalid webhook url', 'unknown key');
  const body = parseJson(incoming.raw);
  if (body === null || !contentType(incoming).startsWith('application/json'))
    return answer(40035, 'Warning: wrong json format.', 'not json');
  const type = String(body.msgtype);
  const part = object(body[type]);
  const limit = MAX_BYTES[type];
  if (limit === undefined || part === null) return answer(40008, 'invalid message type', 'shape', body);
  const content = part.content;
  if (!isText(content)) return answer(44004, 'empty content', 'shape', body);
  if (Buffer.byteLength(content, 'utf8') > limit)
    return answer(40058, `${type}.content exceed max length ${limit}`, 'too large', body, content);
  const rate = incoming.rate();
  if (rate !== 'ok') return answer(45009, 'api freq out of limit', `rate ${rate}`, body, content);
  return answer(0, 'ok', 'ok', body, content);
}
