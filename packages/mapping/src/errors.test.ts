import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isMapIssueCode, MAP_ISSUE_CODES } from './errors.ts';

const codes = Object.values(MAP_ISSUE_CODES);
const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('MAP_ISSUE_CODES', () => {
  it('are unique, so a dead letter names one rule', () => {
    expect(new Set(codes).size).toBe(codes.length);
  });

  it.each(Object.entries(MAP_ISSUE_CODES))('key %s names the code %s', (key, code) => {
    expect(code).toBe(`MAP_${key}`);
  });

  it('the README issue table has exactly one row per code, each saying when and what to do', () => {
    const rows = [...readme.matchAll(/^\| `(MAP_[A-Z_]+)` \|([^|]+)\|([^|]+)\|$/gm)];
    expect(rows.map((row) => row[1]).sort()).toEqual([...codes].sort());
    for (const [, , when, action] of rows)
      expect([when?.trim().length, action?.trim().length]).not.toContain(0);
  });

  it.each(['MAP_NOT_A_CODE', 'map_missing_order_no', 42, null])('isMapIssueCode(%o) is false', (value) => {
    expect(isMapIssueCode(value)).toBe(false);
  });
});
