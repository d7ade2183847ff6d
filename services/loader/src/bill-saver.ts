import {
  type BatchSaveOptions,
  type BillOutcome,
  classifyBillOutcome,
  findBillIds,
  type K3CloudClient,
} from '@wdt-k3/k3cloud-client';
import type { Logger } from '@wdt-k3/runtime';
import type { BatchClaim, BillClaims } from './bill-claims.ts';
import { LOADER_ERROR_CODES, OrderError, toOrderError } from './errors.ts';
import { claimedError, claimsUnavailable, classifyRejection, failedCallState } from './save-errors.ts';

export const SAL_OUTSTOCK = 'SAL_OUTSTOCK';

export interface SaveOutcome {
  readonly status: 'saved' | 'already-saved';
  readonly id: number;
  readonly number: string;
}

export interface BillSaverSettings {
  readonly batchSize: number;
  readonly batchWaitMs: number;
  readonly maxConcurrentSaves: number;
  readonly saveOptions: BatchSaveOptions;
}

export interface BillSaverHooks {
  readonly onBatch?: (size: number) => void;
  readonly onK3Call?: (operation: 'query' | 'batchSave', seconds: number, ok: boolean) => void;
}

export interface BillSaver {
  /** Saves one bill as part of the next batch; resolves or rejects by this bill's own result. */
  save(billNo: string, model: object): Promise<SaveOutcome>;
  /** Sends what is waiting now instead of after batchWaitMs (shutdown). */
  flushNow(): void;
  /** Resolves when nothing is waiting or in flight. */
  idle(): Promise<void>;
}

interface Waiter {
  readonly resolve: (outcome: SaveOutcome) => void;
  readonly reject: (err: unknown) => void;
}
interface Pending {
  readonly billNo: string;
  readonly model: object;
  readonly waiters: Waiter[];
}

const numbersOf = (batch: readonly Pending[]): string[] => batch.map((pending) => pending.billNo);

/**
 * Coalesces the bills of jobs in flight into BatchSave calls (open-source BullMQ has no batch
 * worker; this keeps per-order retries and dead letters). Exactly-once effect in K3 rests on
 * two guards that hold whether or not the K3 account refuses a used FBillNo:
 *
 * - a fleet-wide claim per bill number (bill-claims.ts): a batch sends only the bills it holds
 *   the claim of; numbers another batch holds fail with LOADER_BILL_CLAIMED, and their jobs wait
 *   for that holder's outcome (loader.ts) instead of sending;
 * - every batch, after claiming, asks K3 which of its numbers exist (one ExecuteBillQuery) and
 *   completes those as already saved. After an ambiguous failure (timeout, dropped response)
 *   the numbers are checked again; bills the check does not find keep their claim until it
 *   expires, because K3 may still be running the abandoned request.
 *
 * Where the account does refuse a used number (MsgCode 11), that answer counts as saved too.
 * Nothing is ever re-sent blindly.
 */
export function createBillSaver(
  client: K3CloudClient,
  claims: BillClaims,
  settings: BillSaverSettings,
  logger: Logger,
  hooks: BillSaverHooks = {},
): BillSaver {
  const waiting = new Map<string, Pending>();
  let timer: NodeJS.Timeout | undefined;
  // After flushNow (shutdown), bills of jobs still looking up arrive late: they go at once
  // instead of after batchWaitMs, which may be longer than the shutdown bound.
  let draining = false;
  let active = 0;
  const slotWaiters: Array<() => void> = [];
  const idleWaiters: Array<() => void> = [];

  const timed = async <T>(operation: 'query' | 'batchSave', call: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    try {
      const result = await call();
      hooks.onK3Call?.(operation, (performance.now() - started) / 1000, true);
      return result;
    } catch (err) {
      hooks.onK3Call?.(operation, (performance.now() - started) / 1000, false);
      throw err;
    }
  };

  const findExisting = (batch: readonly Pending[]): Promise<Map<string, number>> =>
    timed('query', () => findBillIds(client, SAL_OUTSTOCK, numbersOf(batch)));

  const settle = (pending: Pending, outcome: SaveOutcome | { error: unknown }): void => {
    for (const waiter of pending.waiters) {
      if ('error' in outcome) waiter.reject(outcome.error);
      else waiter.resolve(outcome);
    }
  };

  /** The outcome of these bills is known: free their numbers, then answer their jobs. */
  const finish = (claim: BatchClaim, pending: Pending, outcome: SaveOutcome | { error: unknown }): void => {
    claim.release([pending.billNo]);
    settle(pending, outcome);
  };

  /** Completes the bills K3 has as already saved; returns the rest. */
  const settleFound = (claim: BatchClaim, batch: Pending[], existing: Map<string, number>): Pending[] =>
    batch.filter((pending) => {
      const id = existing.get(pending.billNo);
      if (id === undefined) return true;
      finish(claim, pending, { status: 'already-saved', id, number: pending.billNo });
      return false;
    });

  /** Bills whose number this batch does not hold wait for the holder; returns the held ones. */
  const leaveToHolders = (claim: BatchClaim, batch: Pending[], held: ReadonlySet<string>): Pending[] =>
    batch.filter((pending) => {
      if (held.has(pending.billNo)) return true;
      settle(pending, { error: claimedError(pending.billNo, claim.busy.get(pending.billNo)) });
      return false;
    });

  /**
   * A whole-call failure: the bills fail retryably (it is about K3 or Redis, not the order). Their
   * claims are released when nothing can have been saved, kept to expire when it may have.
   */
  const failAll = (claim: BatchClaim, batch: Pending[], err: unknown, fate: 'release' | 'keep'): void => {
    if (fate === 'release') claim.release(numbersOf(batch));
    else claim.keep(numbersOf(batch));
    const known = toOrderError(err);
    const retryable = new OrderError(known.code, known.message, { retryable: true, cause: err });
    for (const pending of batch) settle(pending, { error: retryable });
  };

  /**
   * After a BatchSave that may have reached K3, the numbers are checked and the saved ones
   * complete. The others keep their claim until it expires when K3 may still be running the
   * request (failedCallState) or the check failed: whoever takes the number next then does so
   * after the TTL, and checks K3 before sending.
   */
  const recoverFromCallFailure = async (claim: BatchClaim, batch: Pending[], err: unknown): Promise<void> => {
    const state = failedCallState(err);
    if (state === 'not-run') {
      failAll(claim, batch, err, 'release');
      return;
    }
    let rest: Pending[];
    try {
      rest = settleFound(claim, batch, await findExisting(batch));
    } catch (checkErr) {
      logger.warn(
        { err: { message: (checkErr as Error).message } },
        'could not check bills after an ambiguous failure',
      );
      failAll(claim, batch, err, 'keep');
      return;
    }
    failAll(claim, rest, err, state === 'finished' ? 'release' : 'keep');
  };

  const applyOutcomes = async (
    claim: BatchClaim,
    batch: Pending[],
    outcomes: readonly BillOutcome[],
  ): Promise<void> => {
    // Bills to look up by number: refused as duplicates, or left without any verdict.
    const toCheck: Pending[] = [];
    batch.forEach((pending, index) => {
      const outcome = outcomes.find((candidate) => candidate.index === index);
      const disposition = outcome === undefined ? 'unknown' : classifyBillOutcome(outcome);
      if (outcome?.status === 'saved')
        finish(claim, pending, { status: 'saved', id: outcome.id, number: outcome.number });
      else if (disposition === 'already-saved' || disposition === 'unknown') toCheck.push(pending);
      else if (outcome?.status === 'failed' && disposition === 'transient') {
        const message = outcome.errors.map((error) => error.message).join('; ');
        finish(claim, pending, {
          error: new OrderError(LOADER_ERROR_CODES.billTransient, message, {
            retryable: true,
            msgCode: outcome.msgCode,
          }),
        });
      } else if (outcome?.status === 'failed') finish(claim, pending, { error: classifyRejection(outcome) });
    });
    if (toCheck.length === 0) return;
    let existing: Map<string, number>;
    try {
      existing = await findExisting(toCheck);
    } catch (err) {
      // What K3 did with these bills is unknown until a check succeeds.
      failAll(claim, toCheck, err, 'keep');
      return;
    }
    // K3 answered the call, so it is done with these bills: not found means not saved.
    for (const pending of settleFound(claim, toCheck, existing)) {
      finish(claim, pending, {
        error: new OrderError(
          LOADER_ERROR_CODES.duplicateUnresolved,
          `K3 gave no usable result for ${pending.billNo} and no bill has that number`,
          { retryable: true },
        ),
      });
    }
  };

  const sendClaimed = async (claim: BatchClaim, batch: Pending[]): Promise<void> => {
    // Claimed first, checked second: a number whose last holder died is checked after its
    // claim expired. Numbers held elsewhere are checked too (same query): a bill another loader
    // has just saved completes now instead of waiting.
    let unsaved: Pending[];
    try {
      unsaved = settleFound(claim, batch, await findExisting(batch));
    } catch (err) {
      failAll(claim, batch, err, 'release');
      return;
    }
    const mine = leaveToHolders(claim, unsaved, claim.held);
    if (mine.length === 0) return;
    let held: ReadonlySet<string>;
    try {
      held = await claim.confirm();
    } catch (err) {
      failAll(claim, mine, claimsUnavailable(err), 'release');
      return;
    }
    const toSave = leaveToHolders(claim, mine, held);
    if (toSave.length === 0) return;
    try {
      const result = await timed('batchSave', () =>
        client.batchSave(
          SAL_OUTSTOCK,
          toSave.map((pending) => pending.model),
          settings.saveOptions,
        ),
      );
      await applyOutcomes(claim, toSave, result.bills);
    } catch (err) {
      await recoverFromCallFailure(claim, toSave, err);
    }
  };

  const send = async (batch: Pending[]): Promise<void> => {
    hooks.onBatch?.(batch.length);
    let claim: BatchClaim;
    try {
      claim = await claims.acquire(numbersOf(batch));
    } catch (err) {
      const error = claimsUnavailable(err);
      for (const pending of batch) settle(pending, { error });
      return;
    }
    try {
      await sendClaimed(claim, batch);
    } finally {
      // Anything not settled explicitly (a bug) is kept, never released: that is the safe side.
      claim.end();
    }
  };

  const acquire = async (): Promise<void> => {
    if (active < settings.maxConcurrentSaves) {
      active += 1;
      return;
    }
    await new Promise<void>((resolve) => slotWaiters.push(resolve));
  };
  const release = (): void => {
    const next = slotWaiters.shift();
    if (next !== undefined) next();
    else active -= 1;
    if (active === 0 && waiting.size === 0) for (const done of idleWaiters.splice(0)) done();
  };

  const flush = (): void => {
    clearTimeout(timer);
    timer = undefined;
    if (waiting.size === 0) return;
    const batch = [...waiting.values()].slice(0, settings.batchSize);
    for (const pending of batch) waiting.delete(pending.billNo);
    if (waiting.size > 0) timer = setTimeout(flush, draining ? 0 : settings.batchWaitMs);
    void acquire()
      .then(() => send(batch))
      .catch((err: unknown) => {
        for (const pending of batch) settle(pending, { error: err });
      })
      .finally(release);
  };

  return {
    save: (billNo, model) =>
      new Promise<SaveOutcome>((resolve, reject) => {
        // Two jobs for one bill number in the same batch (an order and its replay) share one save.
        const pending = waiting.get(billNo) ?? { billNo, model, waiters: [] };
        pending.waiters.push({ resolve, reject });
        waiting.set(billNo, pending);
        if (waiting.size >= settings.batchSize) flush();
        else timer ??= setTimeout(flush, draining ? 0 : settings.batchWaitMs);
      }),
    flushNow: () => {
      draining = true;
      flush();
    },
    idle: () =>
      active === 0 && waiting.size === 0
        ? Promise.resolve()
        : new Promise<void>((resolve) => idleWaiters.push(resolve)),
  };
}
