import { describe, expect, it } from 'vitest';
import { createRateLimiter } from './rate-limiter.ts';

describe('createRateLimiter', () => {
  it('allows `limit` calls per key in any 60 s and frees a slot when the oldest call leaves the window', () => {
    const limiter = createRateLimiter();
    const t0 = 1_000_000;
    expect([0, 10, 20].map((dt) => limiter.tryAcquire('a', t0 + dt, 3))).toEqual([true, true, true]);
    expect(limiter.tryAcquire('a', t0 + 59_999, 3)).toBe(false);
    expect(limiter.tryAcquire('b', t0 + 59_999, 3)).toBe(true);
    expect(limiter.tryAcquire('a', t0 + 60_000, 3)).toBe(true);
    expect(limiter.tryAcquire('a', t0 + 60_001, 3)).toBe(false);
    expect(limiter.tryAcquire('a', t0 + 60_010, 3)).toBe(true);
  });

  it('does not count refused calls, treats 0 as no limit and forgets everything on reset', () => {
    const limiter = createRateLimiter();
    expect(limiter.tryAcquire('a', 0, 1)).toBe(true);
    for (let i = 1; i < 100; i += 1) expect(limiter.tryAcquire('a', i, 1)).toBe(false);
    expect(limiter.tryAcquire('a', 60_000, 1)).toBe(true);
    for (let i = 0; i < 1000; i += 1) expect(limiter.tryAcquire('z', 0, 0)).toBe(true);
    limiter.reset();
    expect(limiter.tryAcquire('a', 60_001, 1)).toBe(true);
  });
});
