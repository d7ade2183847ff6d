/** A FIFO bound on concurrent calls; waiting callers can give up through their AbortSignal. */
export interface Semaphore {
  run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T>;
  readonly active: number;
  readonly waiting: number;
}

export function createSemaphore(limit: number): Semaphore {
  if (!(Number.isInteger(limit) && limit >= 1)) throw new RangeError('limit must be an integer ≥ 1');
  let active = 0;
  const queue: Array<() => void> = [];

  const acquire = (signal: AbortSignal | undefined): Promise<void> => {
    if (active < limit) {
      active += 1;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const grant = (): void => {
        signal?.removeEventListener('abort', onAbort);
        active += 1;
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

  const release = (): void => {
    active -= 1;
    queue.shift()?.();
  };

  return {
    run: async (task, signal) => {
      await acquire(signal);
      try {
        return await task();
      } finally {
        release();
      }
    },
    get active() {
      return active;
    },
    get waiting() {
      return queue.length;
    },
  };
}
