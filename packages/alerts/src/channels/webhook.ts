import { createHmac } from 'node:crypto';
import { markdownBlocks } from './markdown.ts';
import { fail, httpFailure, type Vendor } from './vendor.ts';

/** The header receivers verify: `sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>`. */
export const SIGNATURE_HEADER = 'x-wdtk3-signature';
export const TIMESTAMP_HEADER = 'x-wdtk3-timestamp';

export function webhookSignature(secret: string, timestampMs: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestampMs}.${body}`, 'utf8').digest('hex')}`;
}

/**
 * The generic webhook: JSON with every notification as data (kind, key, rule, severity, facts,
 * link) and `text` for receivers that only forward text, signed like Stripe's and GitHub's
 * webhooks so a receiver can check it came from us and is fresh.
 */
export const webhook: Vendor<'webhook'> = {
  maxBodyBytes: 200_000,
  build: (alerts, channel, now) => {
    const body = JSON.stringify({
      version: 1,
      source: 'wdt-k3-sync',
      sentAt: now,
      channel: channel.name,
      text: markdownBlocks(
        alerts,
        {
          heading: (t) => t,
          bold: (t) => t,
          link: (label, url) => `${label}: ${url}`,
          code: (t) => t,
          escape: (t) => t,
        },
        channel.language,
      ),
      alerts: alerts.map((alert) => ({
        ...alert.notification,
        title: alert.heading,
        summary: alert.summary,
        link: alert.link,
        command: alert.command,
      })),
    });
    return {
      url: channel.webhook,
      headers: {
        'content-type': 'application/json',
        [TIMESTAMP_HEADER]: String(now),
        [SIGNATURE_HEADER]: webhookSignature(channel.secret, now, body),
      },
      body,
    };
  },
  classify: (answer) => {
    if (answer.status >= 200 && answer.status < 300) return { ok: true };
    return httpFailure(answer) ?? fail('ALERT_CHANNEL_HTTP', `HTTP ${answer.status}`);
  },
};
