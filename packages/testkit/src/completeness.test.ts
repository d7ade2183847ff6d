import { describe, expect, it } from 'vitest';
import { type AuditedRow, classifyCompleteness } from './completeness.ts';

const row = (
  stockoutId: number,
  initially: boolean,
  now: boolean,
  kinds: Array<[string, boolean]> = [],
): AuditedRow => ({
  stockoutId,
  orderNo: `CK${stockoutId}`,
  initially,
  now,
  changes: kinds.map(([kind, inResult], index) => ({ at: `t${index}`, atMs: index, kind, inResult })),
});

describe('classifyCompleteness', () => {
  it('puts every row in exactly one bucket and calls only a stayer that was not read missing', () => {
    const rows = [
      row(1, true, true),
      row(2, true, true),
      row(3, true, false, [['left', false]]),
      row(4, false, true, [['entered', true]]),
      row(5, false, false, [
        ['entered', true],
        ['left', false],
      ]),
      row(6, true, false, [['left', false]]),
    ];
    const result = classifyCompleteness(rows, new Set([1, 6]));
    expect(result).toEqual({
      rows: 6,
      read: 2,
      missing: [2],
      leftBeforeRead: [{ stockoutId: 3, at: 't0' }],
      enteredNotRead: [4],
      enteredAndLeft: [5],
    });
    const buckets =
      result.read +
      result.missing.length +
      result.leftBeforeRead.length +
      result.enteredNotRead.length +
      result.enteredAndLeft.length;
    expect(buckets).toBe(rows.length);
  });
});
