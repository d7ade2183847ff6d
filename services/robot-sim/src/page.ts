import { formatBeijingTime } from '@wdt-k3/runtime';
import type { ReceivedMessage } from './inbox.ts';
import type { Robot } from './robots.ts';

const escapeHtml = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * What a person opens to see the alerts "in the group": the newest messages first, each with its
 * robot, time (Beijing), verdict and text as the chat would show it. Refreshes every 5 s.
 */
export function renderInboxPage(
  robots: readonly Robot[],
  messages: readonly ReceivedMessage[],
  robot: string | null,
): string {
  const tabs = [
    `<a href="/"${robot === null ? ' class="on"' : ''}>all</a>`,
    ...robots.map(
      (r) =>
        `<a href="/?robot=${encodeURIComponent(r.name)}"${robot === r.name ? ' class="on"' : ''}>${escapeHtml(r.name)} (${r.type})</a>`,
    ),
  ].join(' ');
  const items = messages
    .map(
      (m) => `<article class="${m.accepted ? 'ok' : 'refused'}">
  <header>#${m.seq} · ${escapeHtml(m.robot)} · ${formatBeijingTime(m.receivedAt)} (北京时间) · ${m.accepted ? 'accepted' : `refused: ${escapeHtml(m.reason)}`} · ${m.bytes} bytes</header>
  <pre>${escapeHtml(m.text)}</pre>
</article>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta http-equiv="refresh" content="5">
<title>robot-sim · received messages</title>
<style>body{font:14px system-ui,sans-serif;margin:1.5rem;max-width:60rem}a{margin-right:.6rem}a.on{font-weight:bold}
article{border:1px solid #ccc;border-radius:6px;margin:.8rem 0;padding:.5rem .8rem}article.refused{border-color:#d33;background:#fff5f5}
header{color:#555;font-size:12px}pre{white-space:pre-wrap;font:13px/1.45 system-ui,sans-serif;margin:.4rem 0 0}</style></head>
<body><h1>robot-sim: messages received</h1><p>${tabs}</p><p>JSON: <a href="/_sim/messages">/_sim/messages</a></p>
${items === '' ? '<p>No messages yet.</p>' : items}
</body></html>`;
}
