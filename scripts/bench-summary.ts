/**
 * The one table `pnpm bench` ends with: the rows the benches appended to the summary file (one
 * JSON object a line), ratios side by side. Every ratio is to a figure measured in the same run
 * (the ceiling) or to a configured bound (WDT's limit); absolute figures drift on a shared machine.
 * Run: node scripts/bench-summary.ts <file>
 */
import { readFileSync } from 'node:fs';

interface SummaryRow {
  readonly name: string;
  readonly figure: string;
  readonly ratio?: number;
  readonly of?: string;
  readonly peakRssMiB?: number;
  readonly note?: string;
}

const file = process.argv[2];
if (file === undefined) throw new Error('usage: node scripts/bench-summary.ts <summary file>');
const rows = readFileSync(file, 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as SummaryRow);
const cells = rows.map((row) => [
  row.name,
  row.figure,
  row.ratio === undefined ? '' : row.ratio.toFixed(3),
  row.of ?? '',
  row.peakRssMiB === undefined ? '' : `${Math.round(row.peakRssMiB)} MiB`,
  row.note ?? '',
]);
const header = ['row', 'figure', 'ratio', 'to', 'peak RSS', 'note'];
const widths = header.map((title, column) =>
  Math.max(title.length, ...cells.map((cell) => cell[column]?.length ?? 0)),
);
const line = (values: readonly string[]): string =>
  `| ${values.map((value, column) => value.padEnd(widths[column] ?? 0)).join(' | ')} |`;
// Beijing time, as everything the product prints for people.
const beijing = new Date(Date.now() + 8 * 3_600_000).toISOString().replace(/\.\d+Z$/, '+08:00');
console.log(`\n== summary (${beijing})`);
console.log(line(header));
console.log(line(widths.map((width) => '-'.repeat(width))));
for (const cell of cells) console.log(line(cell));
