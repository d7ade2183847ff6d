/**
 * The order ledger of the running stack, read as an operator reads it: through the admin API with
 * its token (`/ledger/counts`, `/ledger/orders`, `/orders?number=`), which reads PostgreSQL. By
 * accounting, like K3 (accounting.ts): once the ledger has caught up, every order of the windows
 * moved so far is in it as saved with its own bill number, no other order is saved, and no order
 * is in any other state (pending, dead, discarded, changed).
 */
import { waitFor } from '@wdt-k3/testkit';
import type { Pipeline } from './pipeline.ts';

export interface LedgerAccount {
  readonly expected: number;
  /** Expected orders the ledger holds as saved, with the bill number K3 has (FBillNo = CK number). */
  readonly saved: number;
  readonly missing: number;
  readonly wrongBill: number;
  /** Saved orders the windows do not explain. */
  readonly unexplained: number;
  /** Orders in any state but saved, by state. */
  readonly otherStates: Readonly<Record<string, number>>;
}

export function describeLedger(a: LedgerAccount): string {
  const others = Object.entries(a.otherStates).map(([state, n]) => `${n} ${state}`);
  return (
    `ledger: ${a.expected} orders: ${a.saved} saved with their bill number, ${a.missing} missing, ` +
    `${a.wrongBill} with another bill, ${a.unexplained} unexplained, ${others.length === 0 ? 'none' : others.join(', ')} in another state`
  );
}

const otherStates = (byState: Readonly<Record<string, number>>): Record<string, number> =>
  Object.fromEntries(Object.entries(byState).filter(([state, n]) => state !== 'saved' && n > 0));

async function accountLedger(pipeline: Pipeline, expected: ReadonlySet<string>): Promise<LedgerAccount> {
  const byState = await pipeline.ledgerCounts();
  const saved = await pipeline.ledgerOrders('saved');
  let ok = 0;
  let missing = 0;
  let wrongBill = 0;
  for (const orderNo of expected) {
    if (!saved.has(orderNo)) missing += 1;
    else if (saved.get(orderNo) === orderNo) ok += 1;
    else wrongBill += 1;
  }
  const unexplained = [...saved.keys()].filter((orderNo) => !expected.has(orderNo)).length;
  return {
    expected: expected.size,
    saved: ok,
    missing,
    wrongBill,
    unexplained,
    otherStates: otherStates(byState),
  };
}

const exact = (a: LedgerAccount): boolean =>
  a.saved === a.expected &&
  a.unexplained === 0 &&
  a.wrongBill === 0 &&
  Object.keys(a.otherStates).length === 0;

/**
 * Waits until `/ledger/counts` shows exactly `expected.size` saved orders and none in another
 * state, then accounts order by order; throws with the account unless it is exact.
 */
export async function settleLedger(
  pipeline: Pipeline,
  expected: ReadonlySet<string>,
  timeoutMs: number,
): Promise<LedgerAccount> {
  await waitFor(
    async () => {
      const byState = await pipeline.ledgerCounts();
      return byState.saved === expected.size && Object.keys(otherStates(byState)).length === 0;
    },
    {
      timeoutMs,
      intervalMs: 1_000,
      description: `the ledger to show ${expected.size} saved orders and no other`,
    },
  ).catch(async (error: unknown) => {
    throw new Error(
      `${(error as Error).message}; now ${describeLedger(await accountLedger(pipeline, expected))}`,
    );
  });
  const result = await accountLedger(pipeline, expected);
  if (!exact(result)) throw new Error(`ledger accounting failed: ${describeLedger(result)}`);
  return result;
}

/**
 * `GET /orders?number=<CK number>`: exactly that order, saved under its own bill number, its
 * timeline from extraction to the save; and a number nobody has answers 404 ADMIN_NOT_FOUND.
 */
export async function orderWithTimeline(pipeline: Pipeline, orderNo: string): Promise<string> {
  const { status, orders } = await pipeline.findOrder(orderNo);
  const [order] = orders;
  if (status !== 200 || order === undefined || orders.length !== 1)
    throw new Error(`/orders?number=${orderNo} → ${status} with ${orders.length} orders`);
  const types = order.timeline.map((entry) => entry.type);
  const extracted = types.indexOf('order.extracted');
  const saved = types.lastIndexOf('order.saved');
  if (
    order.orderNo !== orderNo ||
    order.state !== 'saved' ||
    order.billNo !== orderNo ||
    extracted < 0 ||
    saved < extracted
  )
    throw new Error(`/orders?number=${orderNo} → ${JSON.stringify({ ...order, timeline: types })}`);
  const unknown = await pipeline.admin('GET', '/orders?number=CK-no-such-order');
  const code = (unknown.body as { error?: { code?: unknown } } | null)?.error?.code;
  if (unknown.status !== 404 || code !== 'ADMIN_NOT_FOUND')
    throw new Error(
      `/orders?number=CK-no-such-order → ${unknown.status} ${String(code)}, not 404 ADMIN_NOT_FOUND`,
    );
  return `/orders?number=${orderNo} → saved as bill ${order.billNo}, timeline ${types.join(' → ')}; an unknown number → 404 ${code}`;
}
