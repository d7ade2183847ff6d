/**
 * Aligned plain-text tables. Widths are terminal columns, not string lengths: WDT data is full
 * of Chinese (shop and customer names, K3 messages such as 客户不存在), which a terminal draws two
 * columns wide, so `padEnd` alone would misalign every row holding one. The widths come from
 * `string-width` (Unicode's East Asian Width data, emoji, zero-width and combining marks, ANSI
 * colour codes), not a table of our own that would lag behind Unicode.
 */

import stringWidth from 'string-width';

export interface Column {
  readonly header: string;
  readonly align?: 'left' | 'right';
  /** Longer cells are cut to this many columns, ending in `…`. */
  readonly maxWidth?: number;
}

/** Columns a terminal uses to draw `text` (colour codes take none). */
export function displayWidth(text: string): number {
  return stringWidth(text);
}

/**
 * One line of data fit for a terminal: control characters (a newline in a K3 message, an escape
 * sequence in an order remark) become spaces, so data can neither break a row nor drive the terminal.
 */
export function cleanCell(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point.
  return text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').trim();
}

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** Cuts `text` to at most `maxWidth` columns, marking the cut with `…`. */
export function truncate(text: string, maxWidth: number): string {
  if (displayWidth(text) <= maxWidth) return text;
  let out = '';
  let width = 0;
  // By grapheme, so an emoji sequence (👨‍👩‍👧, a flag) or a letter with its accent is kept or cut whole.
  for (const { segment } of graphemes.segment(text)) {
    const next = stringWidth(segment);
    if (width + next > maxWidth - 1) break;
    out += segment;
    width += next;
  }
  return `${out}…`;
}

function pad(text: string, width: number, align: 'left' | 'right'): string {
  const fill = ' '.repeat(Math.max(0, width - displayWidth(text)));
  return align === 'right' ? fill + text : text + fill;
}

/**
 * The table as lines: a header row, then one row per entry, columns two spaces apart, no
 * trailing spaces. `header` styles the header row (bold on a terminal).
 */
export function formatTable(
  columns: readonly Column[],
  rows: ReadonlyArray<readonly string[]>,
  header: (text: string) => string = (text) => text,
): string[] {
  const cells = rows.map((row) =>
    columns.map((column, index) => {
      const text = cleanCell(row[index] ?? '');
      return column.maxWidth === undefined ? text : truncate(text, column.maxWidth);
    }),
  );
  const widths = columns.map((column, index) =>
    Math.max(displayWidth(column.header), ...cells.map((row) => displayWidth(row[index] ?? ''))),
  );
  const line = (row: readonly string[]): string =>
    row
      .map((text, index) => pad(text, widths[index] ?? 0, columns[index]?.align ?? 'left'))
      .join('  ')
      .trimEnd();
  return [header(line(columns.map((column) => column.header))), ...cells.map(line)];
}

/** `label  value` lines with the labels padded to one width (the summaries of show and status). */
export function formatFields(fields: ReadonlyArray<readonly [string, string]>): string[] {
  const width = Math.max(0, ...fields.map(([label]) => displayWidth(label)));
  return fields.map(([label, value]) => `${pad(label, width, 'left')}  ${value}`.trimEnd());
}

/** Lines indented by two spaces (a table under a heading). */
export function indent(lines: readonly string[]): string[] {
  return lines.map((line) => `  ${line}`);
}
