import { describe, expect, it } from 'vitest';
import { evaluate, FilterError, parseFilter, requiredValues } from './filter.ts';

const row: Record<string, unknown> = { fbillno: 'CK001', fqty: 2, fnote: "it's", fseller: null };
const holds = (filter: string): boolean => {
  const node = parseFilter(filter);
  if (node === undefined) throw new Error('empty filter');
  return evaluate(node, (field) => row[field.toLowerCase()]);
};

describe('FilterString subset', () => {
  it.each([
    ["FBillNo='CK001'", true],
    ["FBillNo = 'CK002'", false],
    ["FBillNo in ('CK000','CK001')", true],
    ["fbillno IN ('CK000')", false],
    ["FBillNo not in ('CK000')", true],
    ["FBillNo='CK001' and FQty>=2", true],
    ["FBillNo='CK001' AND FQty>2", false],
    ["FBillNo='X' or FQty=2", true],
    ["(FBillNo='X' or FQty=2) and FBillNo<>'CK001'", false],
    ["not FBillNo='X'", true],
    ["FNote='it''s'", true],
    ['FSeller is null', true],
    ['FSeller is not null', false],
    ["FBillNo like 'CK%'", true],
    ["FBillNo like 'CK_2'", false],
    ['FQty = 2.0', true],
  ])('%s → %s', (filter, expected) => {
    expect(holds(filter)).toBe(expected);
  });

  it.each([
    "FBillNo='unterminated",
    'FBillNo',
    "FBillNo in 'a'",
    "FBillNo='a' and",
    "FBillNo='a' xor FQty=1",
    '= 1',
  ])('rejects %s', (filter) => {
    expect(() => parseFilter(filter)).toThrow(FilterError);
  });

  it('finds the values an index can serve, only for top-level and', () => {
    expect(requiredValues(parseFilter("FBillNo in ('a','b') and FQty>1"), 'FBILLNO')).toEqual(['a', 'b']);
    expect(requiredValues(parseFilter("FBillNo='a'"), 'fbillno')).toEqual(['a']);
    expect(requiredValues(parseFilter("FBillNo='a' or FQty=1"), 'fbillno')).toBeUndefined();
    expect(requiredValues(parseFilter("FBillNo not in ('a')"), 'fbillno')).toBeUndefined();
    expect(parseFilter('   ')).toBeUndefined();
  });
});
