import { describe, expect, it } from 'vitest';
import { formatBeijing, formatDuration, keyValuesFirst, plural } from './format.ts';

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [42.9, '42s'],
    [192, '3m 12s'],
    [3_600, '1h 00m'],
    [7_500, '2h 05m'],
    [200_000, '2d 07h'],
    [-5, '0s'],
  ])('%d s is %s', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });
});

describe('formatBeijing', () => {
  it('writes epoch ms as Beijing wall-clock time, across the UTC date line', () => {
    expect(formatBeijing(Date.parse('2024-03-18T02:12:05Z'))).toBe('2024-03-18 10:12:05');
    expect(formatBeijing(Date.parse('2024-03-18T20:00:00Z'))).toBe('2024-03-19 04:00:00');
  });
});

describe('plural', () => {
  it('agrees with the count', () => {
    expect(plural(1, 'attempt')).toBe('1 attempt');
    expect(plural(0, 'attempt')).toBe('0 attempts');
    expect(plural(3, 'match', 'matches')).toBe('3 matches');
  });
});

describe('keyValuesFirst', () => {
  it('puts the numbers K3 quotes ahead of its long message, and leaves other messages alone', () => {
    const k3 =
      '第1行分录，字段“物料编码”的基础资料“9.99.0002”不存在，或者未审核，或者已禁用；字段“客户”的基础资料“C-01”不存在';
    expect(keyValuesFirst(k3)).toBe(`[9.99.0002, C-01] ${k3}`);
    expect(keyValuesFirst('nick_name is empty')).toBe('nick_name is empty');
    expect(keyValuesFirst('字段“物料编码”是必填项')).toBe('字段“物料编码”是必填项');
  });
});
