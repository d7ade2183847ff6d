import { readFileSync } from 'node:fs';
import { isDeadLetterCode } from '@wdt-k3/jobs';
import { K3Error } from '@wdt-k3/k3cloud-client';
import { AppError } from '@wdt-k3/runtime';
import { describe, expect, it } from 'vitest';
import { LOADER_ERROR_CODES, OrderError, toOrderError } from './errors.ts';

describe('loader error codes', () => {
  it('are unique and each documented in the README with what a person does', () => {
    const codes = Object.values(LOADER_ERROR_CODES);
    expect(new Set(codes).size).toBe(codes.length);
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    for (const code of codes) expect(readme).toMatch(new RegExp(`\\| \`${code}\` \\|`));
  });
});

describe('toOrderError', () => {
  it('keeps an order error and the code of a catalogued error', () => {
    const own = new OrderError('K3_BASEDATA_MISSING', 'material X', { retryable: false });
    expect(toOrderError(own)).toBe(own);
    const k3 = toOrderError(new K3Error('K3_TIMEOUT', 'no answer in 60 s'));
    expect(k3).toMatchObject({ code: 'K3_TIMEOUT', message: 'no answer in 60 s', retryable: true });
  });

  it('turns anything else into LOADER_UNEXPECTED, keeping what it said, so no free code reaches a dead letter', () => {
    const foreign = toOrderError(
      new AppError('REDIS_SOMETHING', 'connection is closed', { retryable: true }),
    );
    expect(foreign).toMatchObject({
      code: 'LOADER_UNEXPECTED',
      message: 'REDIS_SOMETHING: connection is closed',
      retryable: true,
    });
    const plain = toOrderError(new TypeError("Cannot read properties of undefined (reading 'x')"));
    expect(plain).toMatchObject({ code: 'LOADER_UNEXPECTED', retryable: true });
    expect(plain.message).toContain('reading');
    expect(toOrderError('a string').message).toBe('a string');
    for (const err of [foreign, plain]) expect(isDeadLetterCode(err.code)).toBe(true);
  });
});
