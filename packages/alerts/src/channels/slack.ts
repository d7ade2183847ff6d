import { markdownBlocks } from './markdown.ts';
import { fail, httpFailure, retryAfterMs, type Vendor } from './vendor.ts';

// Slack's mrkdwn: *bold*, <url|label>, `code`; &, < and > must be escaped as entities.
const escapeEntities = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export const slack: Vendor<'slack'> = {
  maxBodyBytes: 35_000,
  build: (alerts, channel) => ({
    url: channel.webhook,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      text: markdownBlocks(
        alerts,
        {
          heading: (text) => `*${text}*`,
          bold: (text) => `*${text}*`,
          link: (label, url) => `<${url}|${label}>`,
          code: (text) => `\`${text}\``,
          escape: escapeEntities,
        },
        channel.language,
      ),
    }),
  }),
  classify: (answer) => {
    if (answer.status === 200)
      return answer.text.trim() === 'ok' ? { ok: true } : fail('ALERT_CHANNEL_BAD_RESPONSE', answer.text);
    if (answer.status === 429)
      return fail('ALERT_CHANNEL_THROTTLED', 'HTTP 429', retryAfterMs(answer.headers) ?? 60_000);
    if (answer.status === 404 || /invalid_token|no_service|no_team|channel_is_archived/.test(answer.text))
      return fail('ALERT_CHANNEL_AUTH', `HTTP ${answer.status} ${answer.text}`);
    return httpFailure(answer) ?? fail('ALERT_CHANNEL_HTTP', `HTTP ${answer.status} ${answer.text}`);
  },
};
