import { createHmac } from 'node:crypto';
import { type Dialect, fullWidth, markdownBlocks } from './markdown.ts';
import { digestTitle } from './render.ts';
import { fail, httpFailure, jsonBody, type Vendor } from './vendor.ts';

const dialect: Dialect = {
  heading: (text) => `**${text}**`,
  bold: (text) => `**${text}**`,
  link: (label, url) => `[${label}](${url})`,
  code: (text) => `\`${text}\``,
  escape: fullWidth,
};

/**
 * 签名校验: HMAC-SHA256 keyed with `timestamp + "\n" + secret` over empty data, base64, the
 * timestamp in seconds; both go in the body (unlike DingTalk). docs/reference/alert-channels.md.
 */
export function feishuSign(secret: string, timestampSeconds: number): string {
  return createHmac('sha256', `${timestampSeconds}\n${secret}`).update('').digest('base64');
}

const TEMPLATE = { critical: 'red', warning: 'orange', info: 'blue' } as const;

export const feishu: Vendor<'feishu'> = {
  // Feishu takes bodies up to 20 KB.
  maxBodyBytes: 19_000,
  build: (alerts, channel, now) => {
    const first = alerts[0];
    const single = alerts.length === 1 && first !== undefined;
    const title = single ? first.heading : digestTitle(alerts, channel.language);
    const worst = alerts.some((a) => a.kind !== 'resolved' && a.severity === 'critical')
      ? 'critical'
      : alerts.some((a) => a.kind !== 'resolved' && a.severity === 'warning')
        ? 'warning'
        : 'info';
    const allResolved = alerts.every((a) => a.kind === 'resolved');
    let content = markdownBlocks(alerts, dialect, channel.language);
    if (channel.keyword !== undefined && !`${title}${content}`.includes(channel.keyword))
      content = `【${channel.keyword}】\n${content}`;
    const card = {
      header: {
        title: { tag: 'plain_text', content: title },
        template: allResolved ? 'green' : TEMPLATE[worst],
      },
      elements: [{ tag: 'div', text: { tag: 'lark_md', content } }],
    };
    const seconds = Math.floor(now / 1000);
    const signed =
      channel.secret === undefined
        ? {}
        : { timestamp: String(seconds), sign: feishuSign(channel.secret, seconds) };
    return {
      url: channel.webhook,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...signed, msg_type: 'interactive', card }),
    };
  },
  classify: (answer) => {
    const body = jsonBody(answer.text);
    const code = body === null ? Number.NaN : Number(body.code ?? body.StatusCode);
    const msg = String(body?.msg ?? body?.StatusMessage ?? '');
    if (answer.status === 200 && code === 0) return { ok: true };
    if (code === 19021 || code === 19022 || code === 19001)
      return fail('ALERT_CHANNEL_AUTH', `${code} ${msg}`);
    if (code === 19024) return fail('ALERT_CHANNEL_KEYWORD', `${code} ${msg}`);
    if (code === 11232) return fail('ALERT_CHANNEL_THROTTLED', `${code} ${msg}`, 60_000);
    const early = httpFailure(answer);
    if (early !== null) return early;
    if (body === null)
      return fail(
        answer.status === 200 ? 'ALERT_CHANNEL_BAD_RESPONSE' : 'ALERT_CHANNEL_HTTP',
        `HTTP ${answer.status}`,
      );
    if (answer.status === 200 || Number.isFinite(code))
      return fail('ALERT_CHANNEL_REJECTED', `${code} ${msg}`);
    return fail('ALERT_CHANNEL_HTTP', `HTTP ${answer.status}`);
  },
};
