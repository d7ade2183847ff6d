import { describe, expect, it } from 'vitest';
import { formatBeijingTime, parseBeijingTime, parseInstant } from './beijing-time.ts';

describe('Beijing time', () => {
  it('formats epoch ms as Beijing wall time whatever the host zone', () => {
    expect(formatBeijingTime(Date.UTC(2024, 0, 1, 16, 30, 5))).toBe('2024-01-02 00:30:05');
  });

  it.each([
    ['2024-01-02 00:30:05', Date.UTC(2024, 0, 1, 16, 30, 5)],
    ['2024-02-29 12:00:00', Date.UTC(2024, 1, 29, 4)],
  ])('parses %s', (text, ms) => {
    expect(parseBeijingTime(text)).toBe(ms);
  });

  it.each([
    '2023-02-29 12:00:00',
    '2024-13-01 00:00:00',
    '2024-01-01 24:00:00',
    '0000-00-00 00:00:00',
    '2024-01-01T00:00:00',
    '',
  ])('refuses %o', (text) => {
    expect(parseBeijingTime(text)).toBeUndefined();
  });

  it.each([
    ['2026-11-01 08:00:00', Date.UTC(2026, 10, 1)],
    [' 2026-11-01T00:00:00Z ', Date.UTC(2026, 10, 1)],
    ['2026-11-01T08:00:00+08:00', Date.UTC(2026, 10, 1)],
    ['2026-11-01T00:00:00.500-01:30', Date.UTC(2026, 10, 1, 1, 30, 0, 500)],
  ])('reads the instant %o', (text, ms) => {
    expect(parseInstant(text)).toBe(ms);
  });

  it.each(['yesterday', '2026-11-01T00:00:00', '2026-02-30T00:00:00Z', '1700000000000'])(
    'refuses the instant %o',
    (text) => {
      expect(parseInstant(text)).toBeUndefined();
    },
  );
});
