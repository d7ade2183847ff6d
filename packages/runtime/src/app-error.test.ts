import { describe, expect, it } from 'vitest';
import { AppError, isAppError, toAppError } from './app-error.ts';

describe('AppError', () => {
  it('carries a stable code, the retryable flag, the cause and id-only context', () => {
    const cause = new Error('socket hang up');
    const error = new AppError('WDT_NETWORK', 'WDT unreachable', {
      retryable: true,
      cause,
      context: { page: 3 },
    });
    expect(error.code).toBe('WDT_NETWORK');
    expect(error.retryable).toBe(true);
    expect(error.cause).toBe(cause);
    expect(error.toJSON()).toEqual({
      code: 'WDT_NETWORK',
      message: 'WDT unreachable',
      retryable: true,
      context: { page: 3 },
    });
  });

  it.each([
    [new AppError('X', 'x', { retryable: false }), true],
    [Object.assign(new Error('duck'), { code: 'K3_TIMEOUT', retryable: true }), true],
    [Object.assign(new Error('node error'), { code: 'ECONNRESET' }), false],
    [{ code: 'X', retryable: true }, false],
    ['X', false],
  ])('isAppError(%o) is %s', (value, expected) => {
    expect(isAppError(value)).toBe(expected);
  });

  it('toAppError keeps AppErrors and wraps anything else as non-retryable', () => {
    const original = new AppError('MAP_INVALID', 'bad', { retryable: false });
    expect(toAppError(original)).toBe(original);
    const wrapped = toAppError(new TypeError('boom'));
    expect(wrapped).toMatchObject({ code: 'INTERNAL_ERROR', message: 'boom', retryable: false });
    expect(toAppError('text', 'LOADER_FAILED').code).toBe('LOADER_FAILED');
  });
});
