/**
 * Keeps a repeating failure from flooding the log: the first occurrence of a key is logged at
 * once, the next ones within `intervalMs` are only counted, and the count is reported with the
 * next occurrence after the interval. Found from outside: a Redis at its memory limit produced
 * ~10,000 identical error lines in 100 s.
 */
export interface LogThrottle {
  /** Calls `log(suppressed)` unless this key was logged less than `intervalMs` ago. */
  run(key: string, log: (suppressed: number) => void): void;
}

export function createLogThrottle(intervalMs: number, now: () => number = Date.now): LogThrottle {
  const last = new Map<string, { at: number; suppressed: number }>();
  return {
    run(key, log) {
      const at = now();
      const seen = last.get(key);
      if (seen !== undefined && at - seen.at < intervalMs) {
        seen.suppressed += 1;
        return;
      }
      log(seen?.suppressed ?? 0);
      last.set(key, { at, suppressed: 0 });
    },
  };
}
