import { createHmac } from 'node:crypto';
import { type Dialect, fullWidth, markdownBlocks } from './markdown.ts';
import { digestTitle } from './render.ts';
import { fail, httpFailure, jsonBody, type Vendor } from './vendor.ts';

const dialect: Dialect = {
  heading: (text) => `#### ${text}`,
  bold: (text) => `**${text}**`,
  link: (label, url) => `[${label}](${url})`,
  // DingTalk's markdown has no inline code: the command is shown as is.
  code: (text) => text,
  escape: fullWidth,
};

/**
 * 加签: HMAC-SHA256 keyed with the secret over `timestamp + "\n" + secret`, base64, URL-encoded,
 * with the timestamp in ms (docs/reference/alert-channels.md).
 */
export function dingtalkSign(secret: string, timestampMs: number): string {
  const digest = createHmac('sha256', secret).update(`${timestampMs}\n${secret}`, 'utf8').digest('base64');
  return encodeURIComponent(digest);
}

/** Puts the keyword in the title and the text when the robot checks keywords. */
const withKeyword = (text: string, keyword: string | undefined): string =>
  keyword === undefined || text.includes(keyword) ? text : `【${keyword}】${text}`;

export const dingtalk: Vendor<'dingtalk'> = {
  // Not in the reference: DingTalk documents no size for a custom robot's markdown; 18,000
  // bytes stays under the 20,000 commonly reported and the simulator enforces.
  maxBodyBytes: 18_000,
  build: (alerts, channel, now) => {
    const language = channel.language;
    const first = alerts[0];
    const title = withKeyword(
      alerts.length === 1 && first !== undefined ? first.heading : digestTitle(alerts, language),
      channel.keyword,
    );
    const text = withKeyword(markdownBlocks(alerts, dialect, language), channel.keyword);
    let url = channel.webhook;
    if (channel.secret !== undefined) url += `&timestamp=${now}&sign=${dingtalkSign(channel.secret, now)}`;
    return {
      url,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ msgtype: 'markdown', markdown: { title, text } }),
    };
  },
  classify: (answer) => {
    const early = httpFailure(answer);
    if (early !== null) return early;
    const body = jsonBody(answer.text);
    if (answer.status !== 200 || body === null)
      return fail(
        body === null && answer.status === 200 ? 'ALERT_CHANNEL_BAD_RESPONSE' : 'ALERT_CHANNEL_HTTP',
        `HTTP ${answer.status}`,
      );
    const errcode = Number(body.errcode);
    const errmsg = String(body.errmsg ?? '');
    if (errcode === 0) return { ok: true };
    if (errcode === 410100) return fail('ALERT_CHANNEL_THROTTLED', `410100 ${errmsg}`, 10 * 60_000);
    if (errcode === 310000)
      return fail(
        /keyword/i.test(errmsg) ? 'ALERT_CHANNEL_KEYWORD' : 'ALERT_CHANNEL_AUTH',
        `310000 ${errmsg}`,
      );
    if ([300001, 300005, 400101, 400102, 400106].includes(errcode))
      return fail('ALERT_CHANNEL_AUTH', `${errcode} ${errmsg}`);
    if (/too long|过长|too large/i.test(errmsg))
      return fail('ALERT_CHANNEL_TOO_LARGE', `${errcode} ${errmsg}`);
    return fail('ALERT_CHANNEL_REJECTED', `${errcode} ${errmsg}`);
  },
};
