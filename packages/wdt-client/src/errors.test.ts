import { readFileSync } from 'node:fs';
import { AppError } from '@wdt-k3/runtime';
import { describe, expect, it } from 'vitest';
import { isWdtError, rateLimitOf, WDT_ERROR_CODES, WdtError } from './errors.ts';

describe('WDT error codes', () => {
  const codes = Object.values(WDT_ERROR_CODES);

  it('are unique and prefixed WDT_', () => {
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes) expect(code).toMatch(/^WDT_[A-Z_]+$/);
  });

  it('are exactly the rows of the error table in the package README', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const rows = [...readme.matchAll(/^\| `(WDT_[A-Z_]+)` \|/gm)].map((match) => match[1]);
    expect(rows.sort()).toEqual([...codes].sort());
  });
});

describe('WdtError', () => {
  it('is an AppError with its code, retryable flag and rate-limit wait', () => {
    const err = new WdtError(WDT_ERROR_CODES.RATE_LIMITED, 'slow down', {
      retryable: true,
      rateLimit: { retryAfterMs: 5000, source: 'wdt' },
    });
    expect(err).toBeInstanceOf(AppError);
    expect(isWdtError(err)).toBe(true);
    expect(rateLimitOf(err)).toEqual({ retryAfterMs: 5000, source: 'wdt' });
    expect(err.toJSON()).toEqual({ code: 'WDT_RATE_LIMITED', message: 'slow down', retryable: true });
  });

  it('the guard survives serialisation-like copies and refuses foreign codes', () => {
    const copy = Object.assign(new Error('x'), { code: 'WDT_TIMEOUT', retryable: true });
    expect(isWdtError(copy)).toBe(true);
    expect(isWdtError(new AppError('K3_TIMEOUT', 'x', { retryable: true }))).toBe(false);
    expect(rateLimitOf(new WdtError(WDT_ERROR_CODES.TIMEOUT, 'x', { retryable: true }))).toBeUndefined();
  });
});
