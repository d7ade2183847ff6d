import { describe, expect, it } from 'vitest';
import { createLogThrottle } from './log-throttle.ts';

describe('createLogThrottle', () => {
  it('logs a key once per interval and reports how many it held back', () => {
    let now = 0;
    const lines: Array<[string, number]> = [];
    const throttle = createLogThrottle(1000, () => now);
    for (let i = 0; i < 5; i += 1) throttle.run('a', (n) => lines.push(['a', n]));
    throttle.run('b', (n) => lines.push(['b', n]));
    now = 1000;
    throttle.run('a', (n) => lines.push(['a', n]));
    expect(lines).toEqual([
      ['a', 0],
      ['b', 0],
      ['a', 4],
    ]);
  });
});
