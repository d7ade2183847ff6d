import { describe, expect, it } from 'vitest';
import { formatBeijing, parseInstant } from './instants.ts';

describe('parseInstant', () => {
  it('reads WDT wall-clock text as Beijing time and ISO-8601 with an offset', () => {
    const ms = Date.parse('2024-03-18T02:12:05Z');
    expect(parseInstant('2024-03-18 10:12:05')).toBe(ms);
    expect(parseInstant('2024-03-18T10:12:05+08:00')).toBe(ms);
    expect(parseInstant('2024-03-18T02:12:05Z')).toBe(ms);
    expect(parseInstant('2024-03-18T02:12:05.000Z')).toBe(ms);
    expect(parseInstant('2024-03-17T21:12-05:00')).toBe(ms - 5_000);
  });

  it('refuses local times without an offset, impossible dates and other text', () => {
    for (const bad of [
      '2024-03-18T10:12:05',
      '2024-02-30 00:00:00',
      '2024-02-30T00:00:00Z',
      '2024-03-18',
      'yesterday',
      '1710000000000',
    ]) {
      expect(parseInstant(bad), bad).toBeNull();
    }
  });
});

describe('formatBeijing', () => {
  it('writes epoch ms as yyyy-MM-dd HH:mm:ss in UTC+8, crossing the date line correctly', () => {
    expect(formatBeijing(Date.parse('2024-03-17T16:30:00Z'))).toBe('2024-03-18 00:30:00');
    expect(formatBeijing(parseInstant('2024-12-31 23:59:59') ?? 0)).toBe('2024-12-31 23:59:59');
  });
});
