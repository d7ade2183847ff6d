/**
 * Loss- and duplicate-freedom by accounting (CONVENTIONS "Tests"): once the pipeline is idle,
 * every order of the windows moved so far must be in K3 exactly once, K3 must hold no bill those
 * orders do not explain, and no order may be dead-lettered (the pinned dataset has no invalid
 * orders, so a dead letter is a fault of the deployment).
 */
import { waitFor } from '@wdt-k3/testkit';
import { type Pipeline, pending } from './pipeline.ts';

export interface Account {
  readonly expected: number;
  readonly once: number;
  readonly missing: number;
  readonly duplicated: number;
  readonly unexplained: number;
  readonly deadLettered: number;
}

export function describeAccount(a: Account): string {
  return (
    `${a.expected} orders: ${a.once} in K3 exactly once, ${a.missing} missing, ${a.duplicated} duplicated, ` +
    `${a.unexplained} unexplained bills, ${a.deadLettered} dead-lettered`
  );
}

async function account(pipeline: Pipeline, expected: ReadonlySet<string>): Promise<Account> {
  const bills = await pipeline.k3Bills();
  let once = 0;
  let missing = 0;
  let duplicated = 0;
  for (const orderNo of expected) {
    const copies = bills.get(orderNo) ?? 0;
    if (copies === 1) once += 1;
    else if (copies === 0) missing += 1;
    else duplicated += 1;
  }
  const unexplained = [...bills.keys()].filter((billNo) => !expected.has(billNo)).length;
  const { total } = await pipeline.deadLetters();
  return { expected: expected.size, once, missing, duplicated, unexplained, deadLettered: total };
}

/**
 * Waits until K3 holds as many bills as expected and the page and order queues are idle, then
 * accounts; throws with the account unless every order is in K3 exactly once and nothing else is.
 */
export async function settleAndAccount(
  pipeline: Pipeline,
  expected: ReadonlySet<string>,
  timeoutMs: number,
): Promise<Account> {
  await waitFor(
    async () => {
      const queues = await pipeline.queues();
      return (
        pending(queues.orders) === 0 &&
        pending(queues['wdt-pages']) === 0 &&
        (await pipeline.k3BillCount()) >= expected.size
      );
    },
    { timeoutMs, intervalMs: 1_000, description: `K3 to hold ${expected.size} bills with the queues idle` },
  ).catch(async (error: unknown) => {
    throw new Error(`${(error as Error).message}; now ${describeAccount(await account(pipeline, expected))}`);
  });
  const result = await account(pipeline, expected);
  if (result.once !== result.expected || result.unexplained !== 0 || result.deadLettered !== 0)
    throw new Error(`accounting failed: ${describeAccount(result)}`);
  return result;
}
