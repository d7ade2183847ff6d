import { type Dialect, fullWidth, markdownBlocks } from './markdown.ts';
import { fail, httpFailure, jsonBody, type Vendor } from './vendor.ts';

const COLOR = { critical: 'warning', warning: 'warning', info: 'comment' } as const;

// WeCom's markdown subset: headings, bold, links, inline code, quotes and three font colours.
const dialect: Dialect = {
  heading: (text, severity, resolved) =>
    `### <font color="${resolved ? 'info' : COLOR[severity]}">${text}</font>`,
  bold: (text) => `**${text}**`,
  link: (label, url) => `[${label}](${url})`,
  code: (text) => `\`${text}\``,
  escape: fullWidth,
};

export const wecom: Vendor<'wecom'> = {
  // markdown.content is at most 4,096 bytes (errcode 40058 above); the body adds ~40 bytes.
  maxBodyBytes: 4_096 + 40,
  build: (alerts, channel) => ({
    url: channel.webhook,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      msgtype: 'markdown',
      markdown: { content: markdownBlocks(alerts, dialect, channel.language) },
    }),
  }),
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
    if (errcode === 45009) return fail('ALERT_CHANNEL_THROTTLED', `45009 ${errmsg}`, 60_000);
    if (errcode === 93000) return fail('ALERT_CHANNEL_AUTH', `93000 ${errmsg}`);
    if (errcode === 40058) return fail('ALERT_CHANNEL_TOO_LARGE', `40058 ${errmsg}`);
    return fail('ALERT_CHANNEL_REJECTED', `${errcode} ${errmsg}`);
  },
};
