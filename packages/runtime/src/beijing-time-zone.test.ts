import { afterEach, describe, expect, it } from 'vitest';
import { formatBeijingTime, parseBeijingTime } from './beijing-time.ts';

describe('Beijing time', () => {
  const originalTz = process.env.TZ;
  afterEach(() => {
    if (originalTz === undefined) delete process.env.TZ;
    else process.env.TZ = originalTz;
  });

  it.each([
    [Date.UTC(2024, 0, 1, 4, 0, 0), '2024-01-01 12:00:00'],
    [Date.UTC(2023, 11, 31, 16, 0, 0), '2024-01-01 00:00:00'],
    [Date.UTC(2024, 1, 29, 15, 59, 59, 999), '2024-02-29 23:59:59'],
  ])('formats %d as %s', (epochMs, text) => {
    expect(formatBeijingTime(epochMs)).toBe(text);
  });

  it.each(['America/Los_Angeles', 'Europe/Berlin', 'Asia/Kolkata', 'UTC'])(
    'does not depend on the host time zone (%s)',
    (tz) => {
      process.env.TZ = tz;
      expect(formatBeijingTime(Date.UTC(2024, 6, 1, 0, 30, 0))).toBe('2024-07-01 08:30:00');
      expect(parseBeijingTime('2024-07-01 08:30:00')).toBe(Date.UTC(2024, 6, 1, 0, 30, 0));
    },
  );

  it('parses round trips and refuses what is not a Beijing date-time', () => {
    expect(parseBeijingTime(formatBeijingTime(1_700_000_000_000))).toBe(1_700_000_000_000);
    for (const bad of ['2024-02-30 00:00:00', '2024-01-01T00:00:00', '2024-01-01 24:00:00', '', '1700000000'])
      expect(parseBeijingTime(bad)).toBeUndefined();
  });
});
