import { describe, expect, it } from 'vitest';
import { parseOptions } from '../src/options.ts';

describe('local run options', () => {
  it('has defaults for the demo: 10,000 orders, two loaders, no faults', () => {
    expect(parseOptions([], {})).toMatchObject({
      orders: 10_000,
      loaders: 2,
      seed: 1,
      'k3-fault-rate': 0,
      'wdt-fault-rate': 0,
      'invalid-rate': 0,
      'exit-when-done': false,
      redisUrl: undefined,
    });
  });

  it('reads flags and REDIS_URL', () => {
    const options = parseOptions(['--orders', '500', '--k3-fault-rate', '0.2', '--exit-when-done'], {
      REDIS_URL: 'redis://r:6379',
    });
    expect(options).toMatchObject({
      orders: 500,
      'k3-fault-rate': 0.2,
      'exit-when-done': true,
      redisUrl: 'redis://r:6379',
    });
  });

  it('lists every bad flag value at once, and refuses unknown flags', () => {
    expect(() => parseOptions(['--orders', 'many', '--k3-fault-rate', '2'], {})).toThrow(
      /orders[\s\S]*k3-fault-rate/,
    );
    expect(() => parseOptions(['--order', '5'], {})).toThrow(/Unknown option/);
  });
});
