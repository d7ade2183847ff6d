import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, envBoolean, envInt, envList, parseConfig } from './config.ts';

describe('env parsers', () => {
  it.each([
    ['true', true],
    ['1', true],
    ['YES', true],
    [' on ', true],
    [true, true],
    ['false', false],
    ['0', false],
    ['no', false],
    ['Off', false],
    [false, false],
  ])('envBoolean(%o) → %s', (input, expected) => {
    expect(envBoolean.parse(input)).toBe(expected);
  });

  it.each(['', 'maybe', 'ture', '2'])('envBoolean rejects %o instead of guessing', (input) => {
    expect(envBoolean.safeParse(input).success).toBe(false);
  });

  it.each([
    ['0', 0],
    ['30000', 30000],
    [' 42 ', 42],
    [7, 7],
  ])('envInt(%o) → %d', (input, expected) => {
    expect(envInt.parse(input)).toBe(expected);
  });

  it.each(['', '30s', '1.5', '-1', 'NaN'])('envInt rejects %o', (input) => {
    expect(envInt.safeParse(input).success).toBe(false);
  });

  it('envList splits, trims and drops empties', () => {
    expect(envList.parse(' a, b ,,c ')).toEqual(['a', 'b', 'c']);
    expect(envList.parse('')).toEqual([]);
  });
});

describe('parseConfig', () => {
  const schema = z.object({ PORT: envInt, DEBUG: envBoolean, NAME: z.string().min(1) });

  it('returns the typed value', () => {
    expect(parseConfig(schema, { PORT: '80', DEBUG: 'no', NAME: 'x' })).toEqual({
      PORT: 80,
      DEBUG: false,
      NAME: 'x',
    });
  });

  it('lists every problem at once, each with its key', () => {
    let caught: unknown;
    try {
      parseConfig(schema, { PORT: 'eighty', DEBUG: 'perhaps' }, 'loader environment');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const error = caught as ConfigError;
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.retryable).toBe(false);
    expect(error.problems).toHaveLength(3);
    expect(error.message).toContain('invalid loader environment');
    for (const key of ['PORT', 'DEBUG', 'NAME']) expect(error.message).toContain(`${key}:`);
  });
});
