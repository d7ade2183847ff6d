import { describe, expect, it } from 'vitest';
import { formatK3Date, parseBeijingDateTime } from './beijing-time.ts';
import { Decimal, fitsJsonNumber, readDecimal, toJsonNumber } from './decimal.ts';

describe('Beijing wire times', () => {
  it.each([
    ['2024-03-18 10:12:05', true],
    ['2024-02-29 00:00:00', true],
    ['2000-02-29 12:00:00', true],
    ['2023-02-29 12:00:00', false],
    ['1900-02-29 12:00:00', false],
    ['2024-04-31 12:00:00', false],
    ['2024-12-31 23:59:59', true],
    ['2024-12-31 23:59:60', false],
    ['2024-00-10 10:00:00', false],
    ['0000-00-00 00:00:00', false],
    ['2024-3-18 10:12:05', false],
    ['2024-03-18', false],
    [' 2024-03-18 10:12:05', false],
  ])('%s is a valid time: %s', (text, valid) => {
    expect(parseBeijingDateTime(text)).toBe(valid ? text : null);
  });

  it.each([
    ['yyyy-MM-dd', '2024-03-18'],
    ['yyyy-MM-dd HH:mm:ss', '2024-03-18 00:30:00'],
  ] as const)('formats for K3 as %s without moving the wall-clock time', (format, expected) => {
    expect(formatK3Date('2024-03-18 00:30:00', format)).toBe(expected);
  });
});

describe('exact decimals from the wire', () => {
  it.each([
    ['12.5000', '12.5'],
    [' 12.5000 ', '12.5'],
    ['+3', '3'],
    ['.5', '0.5'],
    ['5.', '5'],
    ['-0.0100', '-0.01'],
    [0.1, '0.1'],
    [1e21, '1e+21'],
    ['2.0000', '2'],
    ['-0.0000', '0'],
    ['0009999999.0000', '9999999'],
    ['10000000.0000', '10000000'],
    ['2.00000000000000000001', '2.00000000000000000001'],
    ['99999999999999999999', '99999999999999999999'],
  ])('reads %o as %s', (raw, exact) => {
    const read = readDecimal(raw);
    expect(read.kind === 'value' ? read.value.toString() : read.kind).toBe(exact);
  });

  it.each([null, undefined, '', '   '])('reads %o as absent', (raw) => {
    expect(readDecimal(raw).kind).toBe('absent');
  });

  it.each([
    '1e3',
    '1,000',
    '0x10',
    'abc',
    '1.2.3',
    '--1',
    Number.NaN,
    Number.POSITIVE_INFINITY,
    true,
    {},
    [],
  ])('refuses %o instead of guessing', (raw) => {
    expect(readDecimal(raw).kind).toBe('invalid');
  });

  it.each([
    ['99999999999.9999', true, 99999999999.9999],
    ['0.0001', true, 0.0001],
    ['1234567890.12345', true, 1234567890.12345],
    ['123456789012.3456', false, null],
  ])('%s fits a JSON number exactly: %s', (text, fits, number) => {
    const value = new Decimal(text);
    expect(fitsJsonNumber(value)).toBe(fits);
    if (number !== null) expect(toJsonNumber(value)).toBe(number);
  });
});
