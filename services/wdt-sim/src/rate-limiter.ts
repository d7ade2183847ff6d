/**
 * WDT allows 60 calls a minute (reference §4.3); the simulator counts them per app_key in a
 * sliding 60-second window, by the clock it is given, so tests never wait for real minutes.
 * Refused calls are not counted: a caller that backs off gets through once the window slides.
 */
export interface RateLimiter {
  /** Counts the call and returns true, or returns false when `limit` calls are in the window. 0 = no limit. */
  tryAcquire(key: string, nowMs: number, limit: number): boolean;
  reset(): void;
}

const WINDOW_MS = 60_000;

export function createRateLimiter(): RateLimiter {
  const calls = new Map<string, number[]>();
  return {
    tryAcquire(key, nowMs, limit) {
      if (limit <= 0) return true;
      const recent = (calls.get(key) ?? []).filter((at) => at > nowMs - WINDOW_MS);
      const allowed = recent.length < limit;
      if (allowed) recent.push(nowMs);
      calls.set(key, recent);
      return allowed;
    },
    reset: () => calls.clear(),
  };
}
