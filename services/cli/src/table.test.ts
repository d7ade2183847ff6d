import { describe, expect, it } from 'vitest';
import { cleanCell, displayWidth, formatFields, formatTable, truncate } from './table.ts';

describe('displayWidth', () => {
  it.each([
    ['abc', 3],
    ['客户不存在', 10],
    ['tb_小林的杂货铺', 15],
    ['ＡＢ', 4],
    ['\x1b[1mbold\x1b[22m', 4],
    ['é', 1],
    ['e\u0301', 1],
    ['📦', 2],
    // Outside the blocks the hand-written table had: transport (🚚) and ZWJ sequences.
    ['🚚已发货', 8],
    ['👨‍👩‍👧', 2],
    ['🇨🇳', 2],
    ['a\u200bb', 2],
    ['', 0],
  ])('%j is %i columns', (text, width) => {
    expect(displayWidth(text)).toBe(width);
  });
});

describe('truncate', () => {
  it('keeps what fits and cuts the rest with …, counting wide characters as two', () => {
    expect(truncate('short', 10)).toBe('short');
    expect(truncate('exactly10!', 10)).toBe('exactly10!');
    expect(truncate('a longer message', 10)).toBe('a longer …');
    expect(truncate('客户不存在啊', 7)).toBe('客户不…');
    expect(displayWidth(truncate('客户不存在啊', 7))).toBeLessThanOrEqual(7);
  });

  it('cuts emoji sequences whole, never between their code points', () => {
    expect(truncate('👨‍👩‍👧👨‍👩‍👧👨‍👩‍👧', 5)).toBe('👨‍👩‍👧👨‍👩‍👧…');
    expect(truncate('🚚🚚🚚', 4)).toBe('🚚…');
  });
});

describe('cleanCell', () => {
  it('turns newlines, tabs and escape sequences into spaces so data cannot break a row or drive the terminal', () => {
    expect(cleanCell('line one\nline two\ttab')).toBe('line one line two tab');
    expect(cleanCell('evil\x1b]0;title\x07 remark')).toBe('evil ]0;title  remark');
    expect(cleanCell('  padded  ')).toBe('padded');
  });
});

describe('formatTable', () => {
  it('aligns columns by display width, right-aligns numbers and leaves no trailing spaces', () => {
    const lines = formatTable(
      [{ header: 'ID' }, { header: 'COUNT', align: 'right' }, { header: 'MESSAGE' }],
      [
        ['so-1', '7', '客户不存在'],
        ['so-22', '1234', 'ok'],
      ],
    );
    expect(lines).toEqual(['ID     COUNT  MESSAGE', 'so-1       7  客户不存在', 'so-22   1234  ok']);
  });

  it('aligns rows holding emoji, with no escape codes in the output', () => {
    const lines = formatTable(
      [{ header: 'SHOP' }, { header: 'N', align: 'right' }],
      [
        ['🚚小林', '1'],
        ['abc', '22'],
      ],
    );
    expect(lines).toEqual(['SHOP     N', '🚚小林   1', 'abc     22']);
    expect(lines.map(displayWidth)).toEqual([10, 10, 10]);
    expect(lines.join('\n')).not.toContain('\x1b');
  });

  it('cuts a column at its maxWidth and styles only the header row', () => {
    const lines = formatTable(
      [{ header: 'A' }, { header: 'MSG', maxWidth: 6 }],
      [['x', 'a very long message\nwith a newline']],
      (text) => `<${text}>`,
    );
    expect(lines).toEqual(['<A  MSG>', 'x  a ver…']);
  });

  it('prints only the header for no rows', () => {
    expect(formatTable([{ header: 'ID' }, { header: 'CODE' }], [])).toEqual(['ID  CODE']);
  });
});

describe('formatFields', () => {
  it('pads labels to one width', () => {
    expect(
      formatFields([
        ['Error', 'X'],
        ['Failed at', 'Y'],
        ['Empty', ''],
      ]),
    ).toEqual(['Error      X', 'Failed at  Y', 'Empty']);
  });
});
