/**
 * What the checks read from the running stack, over the same doors an operator uses: the admin
 * API with its token (queues, watermark, dead letters, backfill, the ledger), the simulators' control APIs
 * on their published loopback ports, and each loader container's own /metrics (through
 * `docker exec`, since loaders publish no port so that they can scale).
 */
import { jsonControl } from '@wdt-k3/testkit';
import type { Stack } from './stack.ts';

export interface Endpoints {
  readonly admin: string;
  readonly wdt: string;
  readonly k3: string;
  readonly token: string;
}

export interface QueueCounts {
  readonly paused: boolean;
  readonly counts: Readonly<Record<string, number>>;
}

export interface Pipeline {
  readonly endpoints: Endpoints;
  /** An admin request; `token: null` sends none. */
  admin(
    method: string,
    path: string,
    options?: { token?: string | null; body?: unknown },
  ): Promise<{ status: number; body: unknown }>;
  queues(): Promise<Record<string, QueueCounts>>;
  watermarkMs(): Promise<number | null>;
  backfill(fromMs: number, toMs: number): Promise<void>;
  deadLetters(): Promise<{ total: number; byCode: Record<string, number> }>;
  /** FBillNo → how many SAL_OUTSTOCK bills K3 holds with it. */
  k3Bills(): Promise<Map<string, number>>;
  k3BillCount(): Promise<number>;
  /** The ledger's orders per state (`GET /ledger/counts`). */
  ledgerCounts(): Promise<Record<string, number>>;
  /** Order number (CK…) → K3 bill number of every order the ledger holds in `state`, all pages. */
  ledgerOrders(state: string): Promise<Map<string, string | null>>;
  /** `GET /orders?number=`: the orders carrying that number, each with its timeline. */
  findOrder(number: string): Promise<{ status: number; orders: LedgerOrder[] }>;
  setK3Latency(settings: { enabled: boolean; baseMs?: number; perBillMs?: number }): Promise<void>;
}

interface LedgerOrder {
  readonly orderNo: string | null;
  readonly state: string;
  readonly billNo: string | null;
  readonly timeline: ReadonlyArray<{ readonly eventId: string; readonly type: string }>;
}

export function openPipeline(endpoints: Endpoints): Pipeline {
  const admin: Pipeline['admin'] = async (method, path, options = {}) => {
    const token = options.token === undefined ? endpoints.token : options.token;
    const res = await fetch(`${endpoints.admin}${path}`, {
      method,
      headers: {
        ...(token === null ? {} : { authorization: `Bearer ${token}` }),
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    return { status: res.status, body: text === '' ? null : (JSON.parse(text) as unknown) };
  };
  const adminOk = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const answer = await admin(method, path, body === undefined ? {} : { body });
    if (answer.status >= 300)
      throw new Error(`admin ${method} ${path} → ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body as T;
  };
  const k3 = jsonControl(endpoints.k3);
  return {
    endpoints,
    admin,
    async queues() {
      const body = await adminOk<{ queues: Array<QueueCounts & { queue: string }> }>('GET', '/queues');
      return Object.fromEntries(body.queues.map((q) => [q.queue, { paused: q.paused, counts: q.counts }]));
    },
    async watermarkMs() {
      const body = await adminOk<{ watermark: { ms: number } | null }>('GET', '/sync');
      return body.watermark?.ms ?? null;
    },
    async backfill(fromMs, toMs) {
      await adminOk('POST', '/sync/backfill', {
        from: new Date(fromMs).toISOString(),
        to: new Date(toMs).toISOString(),
      });
    },
    async deadLetters() {
      const body = await adminOk<{ total: number; byCode: Record<string, number> }>('GET', '/failed?limit=1');
      return { total: body.total, byCode: body.byCode };
    },
    async k3Bills() {
      const counts = new Map<string, number>();
      for (let offset = 0; ; offset += 5000) {
        const page = await k3<{ bills: Array<{ FBillNo?: unknown }> }>(
          'GET',
          `/_sim/bills?offset=${offset}&limit=5000`,
        );
        for (const bill of page.bills)
          counts.set(String(bill.FBillNo), (counts.get(String(bill.FBillNo)) ?? 0) + 1);
        if (page.bills.length < 5000) return counts;
      }
    },
    async k3BillCount() {
      return (await k3<{ bills: number }>('GET', '/_sim/stats')).bills;
    },
    async ledgerCounts() {
      return (await adminOk<{ byState: Record<string, number> }>('GET', '/ledger/counts')).byState;
    },
    async ledgerOrders(state) {
      const out = new Map<string, string | null>();
      let cursor: string | null = null;
      do {
        const query: string = `/ledger/orders?state=${state}&limit=500${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`;
        const page = await adminOk<{
          orders: Array<{ orderNo: string | null; billNo: string | null }>;
          nextCursor: string | null;
        }>('GET', query);
        for (const order of page.orders) out.set(order.orderNo ?? '(none)', order.billNo);
        cursor = page.nextCursor;
      } while (cursor !== null);
      return out;
    },
    async findOrder(number) {
      const answer = await admin('GET', `/orders?number=${encodeURIComponent(number)}`);
      const orders = (answer.body as { orders?: LedgerOrder[] } | null)?.orders ?? [];
      return { status: answer.status, orders };
    },
    async setK3Latency(settings) {
      await k3('PUT', '/_sim/cost-model', settings);
    },
  };
}

/** Jobs of a queue that are not finished: waiting, active, delayed, prioritized, waiting-children. */
export function pending(queue: QueueCounts | undefined): number {
  if (queue === undefined) return Number.POSITIVE_INFINITY;
  const { completed: _completed, failed: _failed, ...open } = queue.counts;
  return Object.values(open).reduce((sum, n) => sum + n, 0);
}

/** `loader_bills_saved_total` of one loader container, read from its own ops port inside it. */
export async function loaderBillsSaved(stack: Stack, containerId: string): Promise<number> {
  const script =
    "fetch('http://127.0.0.1:'+(process.env.OPS_PORT??9102)+'/metrics').then(r=>r.text()).then(t=>process.stdout.write(t))";
  const out = await stack.docker(['exec', containerId, 'node', '-e', script], 30_000);
  return out.stdout
    .split('\n')
    .filter((line) => line.startsWith('loader_bills_saved_total'))
    .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
}
