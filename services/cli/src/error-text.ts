import type { ApiError } from './errors.ts';
import { cleanCell, truncate } from './table.ts';

/** What an operator does next, per admin error code (services/admin/README.md, "Errors"). */
const NEXT_STEP: Readonly<Record<string, string>> = {
  ADMIN_UNAUTHORIZED: 'Give a valid token with WDT_K3_ADMIN_TOKEN (or --token).',
  ADMIN_FORBIDDEN: 'This needs a token with the full scope; a read token may only look.',
  ADMIN_CONFLICT: 'Another replay or discard of it is running; re-read it in a moment (it is probably gone).',
  ADMIN_VALIDATION_FAILED:
    'Edit the order (failed show <id> --order > order.json) and replay with --order-file order.json, or --force an unedited one.',
  ADMIN_IDENTITY_CHANGED:
    'Keep stockout_id and order_no as they were: a changed number would post a second K3 bill.',
  ADMIN_REDIS_UNAVAILABLE: 'Redis cannot be reached; nothing was changed. Retry once it is back.',
  ADMIN_DRY_RUN_UNAVAILABLE: 'The admin has no WDT settings (WDT_APP_KEY, WDT_APP_SECRET, WDT_SID).',
  ADMIN_DRY_RUN_FAILED: 'WDT or K3 failed (details.code); retry in a moment.',
};

/** Longest detail value printed in full; --json has the rest. */
const VALUE_WIDTH = 200;

function valueText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  if (Array.isArray(value) && value.every((item) => typeof item === 'string' || typeof item === 'number')) {
    return value.join(', ');
  }
  return JSON.stringify(value) ?? '';
}

/** One line per issue: `- body to: to must be after from` or `- details_list.0.goods_count: … [MAP_INVALID_QUANTITY]`. */
function issueLine(issue: unknown): string {
  if (typeof issue !== 'object' || issue === null) return `- ${valueText(issue)}`;
  const { in: where, path, message, code } = issue as Record<string, unknown>;
  const place = [where, path].filter((part) => typeof part === 'string' && part !== '').join(' ');
  const tag = typeof code === 'string' ? ` [${code}]` : '';
  return `- ${place === '' ? '' : `${place}: `}${valueText(message ?? issue)}${tag}`;
}

function detailLines(details: unknown): string[] {
  if (details === undefined || details === null) return [];
  if (typeof details !== 'object' || Array.isArray(details)) return [valueText(details)];
  return Object.entries(details).flatMap(([key, value]) =>
    key === 'issues' && Array.isArray(value) ? value.map(issueLine) : [`${key}: ${valueText(value)}`],
  );
}

/** `CODE: message (HTTP n)`, the details readably, and the next step when there is one. */
export function describeApiError(err: ApiError): string[] {
  const hint = NEXT_STEP[err.code];
  return [
    `${err.code}: ${cleanCell(err.message)} (HTTP ${err.status})`,
    ...detailLines(err.details).map((line) => `  ${truncate(cleanCell(line), VALUE_WIDTH)}`),
    ...(hint === undefined ? [] : [hint]),
  ];
}
