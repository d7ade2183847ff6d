/**
 * Every API route with a request that passes validation, and whether it writes. The socket
 * test sends each with no, a wrong and a read-only token; the docs test checks the OpenAPI
 * document lists exactly these, so a new route cannot skip the auth tests.
 */
export interface RouteCase {
  readonly method: 'GET' | 'POST' | 'DELETE';
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
  { method: 'POST', path: '/orders/{stockoutNo}/dry-run', url: '/orders/CK1/dry-run', write: true },
  { method: 'GET', path: '/metrics', url: '/metrics', write: false },
];

/** No token needed. */
export const HEALTH_ROUTES = ['/health/live', '/health/ready'] as const;
