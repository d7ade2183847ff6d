/**
 * Aligned plain-text tables. Widths are terminal columns, not string lengths: WDT data is full
 * of Chinese (shop and customer names, K3 messages such as 客户不存在), which a terminal draws two
 * columns wide, so `padEnd` alone would misalign every row holding one.
 */

export interface Column {
  readonly header: string;
  readonly align?: 'left' | 'right';
  /** Longer cells are cut to this many columns, ending in `…`. */
  readonly maxWidth?: number;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching ESC is the point (SGR colour codes).
const ANSI = /\x1b\[[0-9;]*m/g;

// East Asian Wide and Fullwidth ranges (Unicode UAX #11) plus the common emoji blocks.
const WIDE: ReadonlyArray<readonly [number, number]> = [
  [0x1100, 0x115f],
  [0x2e80, 0x303e],
  [0x3041, 0x33ff],
  [0x3400, 0x4dbf],
  [0x4e00, 0x9fff],
  [0xa000, 0xa4cf],
  [0xac00, 0xd7a3],
  [0xf900, 0xfaff],
  [0xfe30, 0xfe4f],
  [0xff00, 0xff60],
  [0xffe0, 0xffe6],
  [0x1f300, 0x1f64f],
  [0x1f900, 0x1f9ff],
  [0x20000, 0x3fffd],
];

function charWidth(codePoint: number): number {
  // Combining marks and zero-width characters take no column.
  if ((codePoint >= 0x300 && codePoint <= 0x36f) || (codePoint >= 0x200b && codePoint <= 0x200f)) return 0;
  return WIDE.some(([from, to]) => codePoint >= from && codePoint <= to) ? 2 : 1;
}

/** Columns a terminal uses to draw `text` (colour codes take none). */
export function displayWidth(text: string): number {
  let width = 0;
  for (const char of text.replace(ANSI, '')) width += charWidth(char.codePointAt(0) ?? 0);
  return width;
}

/**
 * One line of data fit for a terminal: control characters (a newline in a K3 message, an escape
 * sequence in an order remark) become spaces, so data can neither break a row nor drive the terminal.
 */
export function cleanCell(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point.
  return text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').trim();
}

/** Cuts `text` to at most `maxWidth` columns, marking the cut with `…`. */
export function truncate(text: string, maxWidth: number): string {
  if (displayWidth(text) <= maxWidth) return text;
  let out = '';
  let width = 0;
  for (const char of text) {
    const next = charWidth(char.codePointAt(0) ?? 0);
    if (width + next > maxWidth - 1) break;
    out += char;
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
