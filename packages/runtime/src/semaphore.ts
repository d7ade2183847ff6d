/**
 * A FIFO bound on concurrent calls; waiting callers can give up through their AbortSignal.
 *
 * The one limiter of the workspace (the K3 client's call bound, the K3 simulator's server slots).
 * Kept by hand rather than p-limit 7: p-limit has no per-call AbortSignal, only `clearQueue()` for
 * everyone, and the K3 client must drop one cancelled waiter at once, so it can answer
 * K3_ABORTED ("nothing was sent") while the other waiters keep their places.
 */
export interface Semaphore {
  run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T>;
  /** Calls holding a slot now. */
  readonly active: number;
  readonly waiting: number;
  /** The bound; raising it admits waiters at once, lowering it lets running calls finish. */
  limit: number;
}

export function createSemaphore(initialLimit: number): Semaphore {
  let limit = checkedLimit(initialLimit);
  let active = 0;
  const queue: Array<() => void> = [];

  const acquire = (signal: AbortSignal | undefined): Promise<void> => {
    if (active < limit && queue.length === 0) {
      active += 1;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const grant = (): void => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = (): void => {
        const index = queue.indexOf(grant);
        if (index >= 0) queue.splice(index, 1);
        reject(signal?.reason);
      };
      if (signal?.aborted === true) {
        reject(signal.reason);
        return;
      }
      signal?.addEventListener('abort', onAbort, { once: true });
      queue.push(grant);
    });
  };

  const admit = (): void => {
    while (active < limit && queue.length > 0) {
      active += 1;
      queue.shift()?.();
    }
  };

  return {
    run: async (task, signal) => {
      await acquire(signal);
      try {
        return await task();
      } finally {
        active -= 1;
        admit();
      }
    },
    get active() {
      return active;
    },
    get waiting() {
      return queue.length;
    },
    get limit() {
      return limit;
    },
    set limit(next: number) {
      limit = checkedLimit(next);
      admit();
    },
  };
}

function checkedLimit(limit: number): number {
  if (!(Number.isInteger(limit) && limit >= 1)) throw new RangeError('limit must be an integer ≥ 1');
  return limit;
}
