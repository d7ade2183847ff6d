import type { Language } from '@wdt-k3/jobs';
import { say } from '../rules/types.ts';
import type { Severity } from '../severity.ts';
import type { RenderedAlert } from './render.ts';

/** How one chat's markdown writes the few things a message needs. */
export interface Dialect {
  heading(text: string, severity: Severity, resolved: boolean): string;
  bold(text: string): string;
  link(label: string, url: string): string;
  code(text: string): string;
  /** Makes data (K3's messages, order numbers) unable to open markup. */
  escape(text: string): string;
}

const ICON: Readonly<Record<Severity, string>> = { critical: '🔴', warning: '🟠', info: '🔵' };
const iconOf = (alert: RenderedAlert): string =>
  alert.kind === 'resolved' ? '✅' : alert.kind === 'test' ? '🧪' : ICON[alert.severity];

/** Markup characters replaced by their full-width forms: readable, and never markup. */
export const fullWidth = (text: string): string =>
  text.replace(/[*[\]<>`#]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) + 0xfee0));

/** One alert as a markdown block in `dialect`. */
function markdownBlock(alert: RenderedAlert, dialect: Dialect, language: Language): string {
  const lines = [
    dialect.heading(
      `${iconOf(alert)} ${dialect.escape(alert.heading)}`,
      alert.severity,
      alert.kind === 'resolved',
    ),
    dialect.escape(alert.summary),
  ];
  if (alert.fields.length > 0) {
    lines.push('');
    for (const [name, value] of alert.fields)
      lines.push(
        `- ${dialect.bold(dialect.escape(name))}${say(language, '：', ': ')}${dialect.escape(value)}`,
      );
  }
  if (alert.action !== null)
    lines.push(
      '',
      `${dialect.bold(say(language, '处理', 'What to do'))}${say(language, '：', ': ')}${dialect.escape(alert.action)}`,
    );
  const tail: string[] = [];
  if (alert.link !== null) tail.push(dialect.link(alert.linkLabel, alert.link));
  if (alert.command !== null)
    tail.push(`${say(language, '命令', 'CLI')}${say(language, '：', ': ')}${dialect.code(alert.command)}`);
  if (tail.length > 0) lines.push('', tail.join('  \n'));
  return lines.join('\n');
}

/** Several alerts in one message: blocks separated by a rule. */
export function markdownBlocks(
  alerts: readonly RenderedAlert[],
  dialect: Dialect,
  language: Language,
): string {
  return alerts.map((alert) => markdownBlock(alert, dialect, language)).join('\n\n---\n\n');
}

export const byteLength = (text: string): number => Buffer.byteLength(text, 'utf8');

/**
 * An alert cut down until `fits` accepts it: fields dropped from the end, then the summary and
 * action shortened. A message is never refused for size; the dropped detail is in the console.
 */
export function shrink(alert: RenderedAlert, fits: (candidate: RenderedAlert) => boolean): RenderedAlert {
  let candidate = alert;
  while (!fits(candidate) && candidate.fields.length > 0)
    candidate = { ...candidate, fields: candidate.fields.slice(0, -1) };
  for (let keep = 1_000; !fits(candidate) && keep >= 50; keep = Math.floor(keep / 2))
    candidate = {
      ...candidate,
      summary: `${alert.summary.slice(0, keep)}…`,
      action: candidate.action === null ? null : `${candidate.action.slice(0, keep)}…`,
    };
  return candidate;
}
