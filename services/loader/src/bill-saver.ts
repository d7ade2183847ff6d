import {
  type BatchSaveOptions,
  type BillOutcome,
  classifyBillOutcome,
  findBillIds,
  type K3CloudClient,
} from '@wdt-k3/k3cloud-client';
import { isAppError, type Logger } from '@wdt-k3/runtime';
import { type FieldError, LOADER_ERROR_CODES, OrderError } from './errors.ts';

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

// Fields holding base-data references: K3 reports an unknown number as "required" on them.
const BASE_DATA_FIELDS = new Set(
  [
    'FCustomerID',
    'FMaterialID',
    'FStockID',
    'FSaleOrgId',
    'FStockOrgId',
    'FSalesManID',
    'FStockStatusID',
    'FOwnerID',
    'FBillTypeID',
    'FUnitID',
    'FKeeperID',
  ].map((field) => field.toLowerCase()),
);

function classifyRejection(outcome: Extract<BillOutcome, { status: 'failed' }>): OrderError {
  const fieldErrors: FieldError[] = outcome.errors.map((error) => ({
    field: error.field,
    message: error.message,
  }));
  const onlyBaseData =
    fieldErrors.length > 0 &&
    fieldErrors.every((error) => error.field !== null && BASE_DATA_FIELDS.has(error.field.toLowerCase()));
  const code = onlyBaseData ? LOADER_ERROR_CODES.baseDataMissing : LOADER_ERROR_CODES.billRejected;
  const summary = fieldErrors.map((error) => error.message).join('; ') || 'K3 refused the bill';
  return new OrderError(code, summary, { retryable: false, fieldErrors, msgCode: outcome.msgCode });
}

/**
 * Coalesces the bills of jobs in flight into BatchSave calls (open-source BullMQ has no batch
 * worker; this keeps per-order retries and dead letters). Exactly-once effect in K3 rests on
 * the unique FBillNo: every batch first asks K3 which of its numbers exist (one
 * ExecuteBillQuery) and completes those as already saved; "number already used" (MsgCode 11)
 * is treated the same; after an ambiguous failure (timeout, dropped response) the numbers are
 * checked before anything is re-sent. Nothing is ever re-sent blindly.
 */
export function createBillSaver(
  client: K3CloudClient,
  settings: BillSaverSettings,
  logger: Logger,
  hooks: BillSaverHooks = {},
): BillSaver {
  const waiting = new Map<string, Pending>();
  let timer: NodeJS.Timeout | undefined;
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

  const findExisting = (billNos: readonly string[]): Promise<Map<string, number>> =>
    timed('query', () => findBillIds(client, SAL_OUTSTOCK, billNos));

  const settle = (pending: Pending, outcome: SaveOutcome | { error: unknown }): void => {
    for (const waiter of pending.waiters) {
      if ('error' in outcome) waiter.reject(outcome.error);
      else waiter.resolve(outcome);
    }
  };

  const settleExisting = (batch: Pending[], existing: Map<string, number>): Pending[] =>
    batch.filter((pending) => {
      const id = existing.get(pending.billNo);
      if (id === undefined) return true;
      settle(pending, { status: 'already-saved', id, number: pending.billNo });
      return false;
    });

  /**
   * A whole-call failure. After a BatchSave that may have reached K3 (any failure but a refusal
   * before execution could have saved some bills: a timeout, a dropped response, a 5xx after
   * commit), the numbers are checked and the saved ones complete; the rest fail retryably.
   */
  const recoverFromCallFailure = async (
    batch: Pending[],
    err: unknown,
    mayHaveSaved: boolean,
  ): Promise<void> => {
    let rest = batch;
    if (mayHaveSaved) {
      try {
        rest = settleExisting(batch, await findExisting(batch.map((pending) => pending.billNo)));
      } catch (checkErr) {
        logger.warn(
          { err: { message: (checkErr as Error).message } },
          'could not check bills after an ambiguous failure',
        );
      }
    }
    // Whole-call failures are about K3, not the order: the job retries (and checks first).
    const retryable = isAppError(err)
      ? new OrderError(err.code, err.message, { retryable: true, cause: err })
      : new OrderError('K3_UNKNOWN_FAILURE', String(err), { retryable: true, cause: err });
    for (const pending of rest) settle(pending, { error: retryable });
  };

  const applyOutcomes = async (batch: Pending[], outcomes: readonly BillOutcome[]): Promise<void> => {
    // Bills to look up by number: refused as duplicates, or left without any verdict.
    const toCheck: Pending[] = [];
    batch.forEach((pending, index) => {
      const outcome = outcomes.find((candidate) => candidate.index === index);
      const disposition = outcome === undefined ? 'unknown' : classifyBillOutcome(outcome);
      if (outcome?.status === 'saved')
        settle(pending, { status: 'saved', id: outcome.id, number: outcome.number });
      else if (disposition === 'already-saved' || disposition === 'unknown') toCheck.push(pending);
      else if (outcome?.status === 'failed' && disposition === 'transient') {
        const message = outcome.errors.map((error) => error.message).join('; ');
        settle(pending, {
          error: new OrderError(LOADER_ERROR_CODES.billTransient, message, {
            retryable: true,
            msgCode: outcome.msgCode,
          }),
        });
      } else if (outcome?.status === 'failed') settle(pending, { error: classifyRejection(outcome) });
    });
    if (toCheck.length === 0) return;
    try {
      const unresolved = settleExisting(
        toCheck,
        await findExisting(toCheck.map((pending) => pending.billNo)),
      );
      for (const pending of unresolved) {
        settle(pending, {
          error: new OrderError(
            LOADER_ERROR_CODES.duplicateUnresolved,
            `K3 gave no usable result for ${pending.billNo} and no bill has that number`,
            { retryable: true },
          ),
        });
      }
    } catch (err) {
      await recoverFromCallFailure(toCheck, err, false);
    }
  };

  const send = async (batch: Pending[]): Promise<void> => {
    hooks.onBatch?.(batch.length);
    let toSave: Pending[];
    try {
      toSave = settleExisting(batch, await findExisting(batch.map((pending) => pending.billNo)));
    } catch (err) {
      await recoverFromCallFailure(batch, err, false);
      return;
    }
    if (toSave.length === 0) return;
    try {
      const result = await timed('batchSave', () =>
        client.batchSave(
          SAL_OUTSTOCK,
          toSave.map((pending) => pending.model),
          settings.saveOptions,
        ),
      );
      await applyOutcomes(toSave, result.bills);
    } catch (err) {
      await recoverFromCallFailure(toSave, err, !refusedBeforeExecution(err));
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
    if (waiting.size > 0) timer = setTimeout(flush, settings.batchWaitMs);
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
        else timer ??= setTimeout(flush, settings.batchWaitMs);
      }),
    flushNow: flush,
    idle: () =>
      active === 0 && waiting.size === 0
        ? Promise.resolve()
        : new Promise<void>((resolve) => idleWaiters.push(resolve)),
  };
}

/** Answers that mean K3 did not execute the call at all: nothing can have been saved. */
const NOT_EXECUTED = new Set([
  'K3_SESSION_LOST',
  'K3_CALL_LIMIT',
  'K3_AUTH_FAILED',
  'K3_GATEWAY_ERROR',
  'K3_REJECTED',
]);

function refusedBeforeExecution(err: unknown): boolean {
  return isAppError(err) && NOT_EXECUTED.has(err.code) && (err as { ambiguous?: boolean }).ambiguous !== true;
}
