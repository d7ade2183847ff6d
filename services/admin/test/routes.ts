/**
 * Every API route with a request that passes validation, and whether it writes. The socket
 * test sends each with no, a wrong and a read-only token; the docs test checks the OpenAPI
 * document lists exactly these, so a new route cannot skip the auth tests.
 */
export interface RouteCase {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly path: string;
  readonly url: string;
  readonly body?: object;
  readonly write: boolean;
}

export const API_ROUTES: readonly RouteCase[] = [
  { method: 'GET', path: '/failed', url: '/failed?limit=5', write: false },
  { method: 'GET', path: '/failed/{id}', url: '/failed/so-1', write: false },
  { method: 'POST', path: '/failed/{id}/replay', url: '/failed/so-1/replay', body: {}, write: true },
  { method: 'POST', path: '/failed/replay', url: '/failed/replay', body: { limit: 10 }, write: true },
  { method: 'DELETE', path: '/failed/{id}', url: '/failed/so-1', body: { reason: 'not ours' }, write: true },
  { method: 'GET', path: '/audit', url: '/audit', write: false },
  { method: 'GET', path: '/queues', url: '/queues', write: false },
  { method: 'POST', path: '/pipeline/pause', url: '/pipeline/pause', body: {}, write: true },
  { method: 'POST', path: '/pipeline/resume', url: '/pipeline/resume', body: {}, write: true },
  { method: 'GET', path: '/sync', url: '/sync', write: false },
  {
    method: 'POST',
    path: '/sync/backfill',
    url: '/sync/backfill',
    body: { from: '2024-03-01 00:00:00', to: '2024-03-02 00:00:00' },
    write: true,
  },
  { method: 'POST', path: '/sync/orders', url: '/sync/orders', body: { stockoutNos: ['CK1'] }, write: true },
  { method: 'GET', path: '/sync/jobs/{id}', url: '/sync/jobs/sync-1', write: false },
  {
    method: 'PUT',
    path: '/sync/watermark',
    url: '/sync/watermark',
    body: { to: '2024-03-01 00:00:00', reason: 'reread' },
    write: true,
  },
  { method: 'POST', path: '/orders/{stockoutNo}/dry-run', url: '/orders/CK1/dry-run', write: true },
  { method: 'GET', path: '/metrics', url: '/metrics', write: false },
  { method: 'GET', path: '/orders', url: '/orders?number=CK1', write: false },
  { method: 'GET', path: '/orders/{key}', url: '/orders/so-1', write: false },
  {
    method: 'POST',
    path: '/orders/{key}/undiscard',
    url: '/orders/so-1/undiscard',
    body: { reason: 'a mistake' },
    write: true,
  },
  { method: 'GET', path: '/ledger/orders', url: '/ledger/orders?state=dead', write: false },
  { method: 'GET', path: '/ledger/counts', url: '/ledger/counts', write: false },
  { method: 'GET', path: '/reports/data-quality', url: '/reports/data-quality', write: false },
  { method: 'GET', path: '/reports/activity', url: '/reports/activity?days=7', write: false },
  { method: 'GET', path: '/loaders', url: '/loaders', write: false },
  { method: 'GET', path: '/alerts', url: '/alerts?state=firing', write: false },
  { method: 'GET', path: '/alerts/channels', url: '/alerts/channels', write: false },
  { method: 'GET', path: '/alerts/silences', url: '/alerts/silences', write: false },
  {
    method: 'POST',
    path: '/alerts/silences',
    url: '/alerts/silences',
    body: { rule: 'dead-letters', durationMs: 3_600_000, reason: 'K3 maintenance' },
    write: true,
  },
  { method: 'DELETE', path: '/alerts/silences/{id}', url: '/alerts/silences/abc', write: true },
  {
    method: 'POST',
    path: '/alerts/channels/{name}/test',
    url: '/alerts/channels/ops/test',
    body: { waitMs: 0 },
    write: true,
  },
  {
    method: 'POST',
    path: '/reconciliations',
    url: '/reconciliations',
    body: { from: '2024-03-01', to: '2024-03-01' },
    write: true,
  },
  { method: 'GET', path: '/reconciliations', url: '/reconciliations', write: false },
  { method: 'GET', path: '/reconciliations/{ref}', url: '/reconciliations/rc-1', write: false },
  {
    method: 'POST',
    path: '/reconciliations/{id}/sync-missing',
    url: '/reconciliations/rc-1/sync-missing',
    write: true,
  },
];

/** Routes whose answer is not JSON, so they declare no answer schema. */
export const TEXT_ROUTES = ['GET /metrics'] as const;

/** No token needed. */
export const HEALTH_ROUTES = ['/health/live', '/health/ready'] as const;
