/**
 * The `wdt-pages` queue's limiter: the BullMQ `{ max, duration }` that uses the most of WDT's
 * budget (at most `limit` calls in any sliding `windowMs`) while no sliding window at WDT can
 * hold more than `limit` calls.
 *
 * How BullMQ 6.7 counts (moveToActive-11.lua / fetchNextJob.lua → prepareJobForProcessing.lua,
 * getRateLimitTTL.lua): every job moved to active INCRs one Redis key shared by every worker of
 * the queue; the INCR that makes it 1 sets `PEXPIRE duration`; while the key holds ≥ max, no job
 * is moved. So the windows are fixed but **anchored at their first job**: window i starts at s_i
 * with its first job, holds ≤ m jobs in [s_i, s_i + W), and s_(i+1) ≥ s_i + W. (A 1012 answer's
 * `queue.rateLimit` sets the key to MAX_SAFE_INTEGER for its wait: a window with no job, which
 * keeps all of the above.)
 *
 * Proof sketch. A call reaches WDT d after its job was moved, 0 ≤ d ≤ J (J = `marginMs`: Redis →
 * worker → HTTP jitter, clock drift between Redis and WDT). WDT counts calls in (t − P, t]
 * (P = windowMs; wdt-sim's rate-limiter.ts), which come from jobs moved in (t − P − J, t], an
 * interval of T = P + J. Window starts are ≥ W apart, so at most ⌈T/W⌉ of them lie in it, each
 * with ≤ m jobs; at most one more window began before it and reaches into it, and its first job
 * (at its start) lies outside, so it adds ≤ m − 1. Hence
 *     calls in any sliding window ≤ m·⌈T/W⌉ + m − 1,
 * and we need that ≤ limit. For a given m the shortest W is ⌈T / ⌊(limit + 1 − m)/m⌋⌉; the rate
 * m/W is best at m = 1 (W = ⌈T/limit⌉), so every limit gets one call per ⌈(P + J)/limit⌉ ms:
 * 60 a minute with J = 1 s → one call per 1,017 ms = 59.0 a minute (0.983), where the previous
 * ⌊limit/7⌋ per P/6 gave 48 (0.80). limiter.test.ts checks the bound for limits 1…600 and
 * replays the worst schedules.
 */
export interface QueueLimiter {
  /** Jobs per window. */
  readonly max: number;
  /** Window, ms. */
  readonly duration: number;
}

/** The most calls any sliding `windowMs` at WDT can see from `limiter`, for jitter up to `marginMs`. */
export function worstCaseCalls(limiter: QueueLimiter, windowMs: number, marginMs: number): number {
  const spanMs = windowMs + marginMs;
  return limiter.max * Math.ceil(spanMs / limiter.duration) + limiter.max - 1;
}

/** The best `{ max, duration }` for `limit` calls per sliding `windowMs`, with `marginMs` of jitter allowed for. */
export function wdtQueueLimiter(limit: number, windowMs: number, marginMs: number): QueueLimiter {
  const spanMs = windowMs + marginMs;
  let best: QueueLimiter = { max: 1, duration: Math.max(1, Math.ceil(spanMs / limit)) };
  for (let max = 2; max <= limit; max += 1) {
    const windows = Math.floor((limit + 1 - max) / max);
    if (windows < 1) break;
    const duration = Math.max(1, Math.ceil(spanMs / windows));
    // Strictly better only: at a tie, fewer jobs per window (no bursts).
    if (max * best.duration > best.max * duration) best = { max, duration };
  }
  return best;
}
