import { describe, expect, it } from 'vitest';
import { type QueueLimiter, wdtQueueLimiter, worstCaseCalls } from './wdt-limiter.ts';

const MINUTE_MS = 60_000;
const LIMITS = Array.from({ length: 600 }, (_, index) => index + 1);
const MARGINS_MS = [0, 1_000, 5_000];

/** mulberry32: a seeded generator, so a failing schedule can be replayed. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * Job starts as BullMQ 6.7 allows them (see wdt-limiter.ts): a window opens with a job, holds at
 * most `max` jobs until `duration` ms later, and the next opens with a job at that moment or
 * later. Within that, the schedule is adversarial: a window's other jobs come at once, at its
 * last millisecond or anywhere between; a window is sometimes followed by a quiet spell.
 */
function jobStarts(limiter: QueueLimiter, horizonMs: number, random: () => number): number[] {
  const starts: number[] = [];
  for (let opened = 0; opened < horizonMs; ) {
    starts.push(opened);
    for (let k = 1; k < limiter.max; k += 1) {
      const pick = random();
      const offset =
        pick < 0.3 ? 0 : pick < 0.7 ? limiter.duration - 1 : Math.floor(random() * limiter.duration);
      starts.push(opened + offset);
    }
    opened += limiter.duration + (random() < 0.95 ? 0 : Math.floor(random() * 2 * limiter.duration));
  }
  return starts;
}

/** When each call reaches WDT: 0 … marginMs after its job started, mostly at the extremes. */
function arrivals(starts: readonly number[], marginMs: number, random: () => number): number[] {
  return starts
    .map((at) => {
      const pick = random();
      return at + (pick < 0.4 ? 0 : pick < 0.8 ? marginMs : Math.floor(random() * (marginMs + 1)));
    })
    .sort((a, b) => a - b);
}

/** The most calls wdt-sim's limiter would count at once: calls in (t − windowMs, t]. */
function busiestWindow(sortedArrivals: readonly number[], windowMs: number): number {
  let most = 0;
  let left = 0;
  sortedArrivals.forEach((at, right) => {
    while ((sortedArrivals[left] as number) <= at - windowMs) left += 1;
    most = Math.max(most, right - left + 1);
  });
  return most;
}

/**
 * The busiest minute of random schedules and of the densest one (windows back to back, each
 * window's other jobs at its last ms) with calls before a pivot held up the whole margin and
 * those after it not at all: the squeeze that makes the bound tight.
 */
function replay(limiter: QueueLimiter, marginMs: number, seed: number): number {
  const random = seeded(seed);
  let most = busiestWindow(arrivals(jobStarts(limiter, 3 * MINUTE_MS, random), marginMs, random), MINUTE_MS);
  const dense = jobStarts(limiter, 3 * MINUTE_MS, () => 0.5);
  for (
    let pivot = MINUTE_MS;
    pivot < MINUTE_MS + 2 * limiter.duration;
    pivot += 1 + Math.floor(limiter.duration / 8)
  ) {
    const squeezed = dense.map((at) => at + (at < pivot ? marginMs : 0)).sort((a, b) => a - b);
    most = Math.max(most, busiestWindow(squeezed, MINUTE_MS));
  }
  return most;
}

describe('wdtQueueLimiter', () => {
  it.each(MARGINS_MS)(
    'keeps every sliding minute within the limit for limits 1…600 (margin %d ms)',
    (marginMs) => {
      for (const limit of LIMITS) {
        const limiter = wdtQueueLimiter(limit, MINUTE_MS, marginMs);
        expect(worstCaseCalls(limiter, MINUTE_MS, marginMs), `limit ${limit}`).toBeLessThanOrEqual(limit);
        // And the window is the shortest the bound allows: one ms less breaks it.
        if (limiter.duration > 1)
          expect(
            worstCaseCalls({ ...limiter, duration: limiter.duration - 1 }, MINUTE_MS, marginMs),
            `limit ${limit}`,
          ).toBeGreaterThan(limit);
      }
    },
  );

  it.each(MARGINS_MS)(
    'never lets a replayed adversarial schedule over the limit (margin %d ms)',
    (marginMs) => {
      for (const limit of LIMITS) {
        const limiter = wdtQueueLimiter(limit, MINUTE_MS, marginMs);
        for (const seed of [1, 2, 3])
          expect(replay(limiter, marginMs, seed * 1_000 + limit), `limit ${limit}`).toBeLessThanOrEqual(
            limit,
          );
      }
    },
  );

  it('the replay finds the breach of limiters that ignore window boundaries, jitter or a millisecond', () => {
    // `limit` per minute in fixed windows: a sliding minute across a boundary holds up to twice.
    const naive = { max: 60, duration: MINUTE_MS };
    expect(worstCaseCalls(naive, MINUTE_MS, 0)).toBe(119);
    expect(replay(naive, 0, 7)).toBeGreaterThan(60);
    for (const limit of [10, 60, 600]) {
      const blindToJitter = wdtQueueLimiter(limit, MINUTE_MS, 0);
      expect(replay(blindToJitter, 1_000, 7), `limit ${limit}`).toBeGreaterThan(limit);
      const chosen = wdtQueueLimiter(limit, MINUTE_MS, 1_000);
      expect(
        replay({ ...chosen, duration: chosen.duration - 1 }, 1_000, 7),
        `limit ${limit}`,
      ).toBeGreaterThan(limit);
    }
  });

  it('uses at least 0.97 of the budget for every limit 1…600 with the default 1 s margin', () => {
    for (const limit of LIMITS) {
      const limiter = wdtQueueLimiter(limit, MINUTE_MS, 1_000);
      const callsPerMinute = (limiter.max * MINUTE_MS) / limiter.duration;
      expect(callsPerMinute / limit, `limit ${limit}`).toBeGreaterThanOrEqual(0.97);
    }
  });

  it('is no worse than any other (max, duration) the bound allows', () => {
    for (const limit of [1, 2, 7, 59, 60, 61, 100, 599, 600]) {
      const chosen = wdtQueueLimiter(limit, MINUTE_MS, 1_000);
      for (let max = 1; max <= limit; max += 1) {
        // The shortest window with this max, found by search rather than by the closed form.
        let low = 1;
        let high = 2 * MINUTE_MS;
        while (low < high) {
          const mid = Math.floor((low + high) / 2);
          if (worstCaseCalls({ max, duration: mid }, MINUTE_MS, 1_000) <= limit) high = mid;
          else low = mid + 1;
        }
        if (worstCaseCalls({ max, duration: low }, MINUTE_MS, 1_000) > limit) continue;
        expect(chosen.max / chosen.duration, `limit ${limit}, max ${max}`).toBeGreaterThanOrEqual(max / low);
      }
    }
  });

  it('60 a minute: one call per 1,017 ms, 59 a minute, where the old rule allowed 48', () => {
    expect(wdtQueueLimiter(60, MINUTE_MS, 1_000)).toEqual({ max: 1, duration: 1_017 });
    // Limits too high for a 1 ms window take several jobs per window.
    expect(wdtQueueLimiter(1_000_000, MINUTE_MS, 1_000).max).toBeGreaterThan(1);
  });
});
