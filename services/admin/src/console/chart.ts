import { formatCount } from './format.ts';
import { type Html, html } from './html.ts';

export interface ChartSeries {
  readonly label: string;
  /** A CSS class of the console's stylesheet (`s-saved`, `s-already`, `s-dead`). */
  readonly tone: string;
  readonly values: readonly number[];
}

/**
 * Stacked bars as inline SVG: no script, no library, no inline style (the CSP allows none), and it
 * scales to the box it is in. Each bar has a <title>, which browsers show on hover and screen
 * readers read.
 */
export function stackedBars(labels: readonly string[], series: readonly ChartSeries[], title: string): Html {
  const width = 720;
  const height = 180;
  const top = 10;
  const bottom = 22;
  const left = 36;
  const plot = height - top - bottom;
  const totals = labels.map((_, index) => series.reduce((sum, s) => sum + (s.values[index] ?? 0), 0));
  const max = Math.max(1, ...totals);
  const step = (width - left) / Math.max(1, labels.length);
  const barWidth = Math.max(2, step * 0.7);
  const y = (value: number) => top + plot - (value / max) * plot;
  const bars = labels.map((label, index) => {
    let base = 0;
    const x = left + index * step + (step - barWidth) / 2;
    const parts = series.map((s) => {
      const value = s.values[index] ?? 0;
      const y1 = y(base + value);
      const h = y(base) - y1;
      base += value;
      return value === 0
        ? ''
        : html`<rect class="${s.tone}" x="${x.toFixed(1)}" y="${y1.toFixed(1)}" width="${barWidth.toFixed(1)}" height="${h.toFixed(1)}"></rect>`;
    });
    const tip = `${label}: ${series.map((s) => `${s.label} ${formatCount(s.values[index] ?? 0)}`).join(', ')}`;
    const tick = index % Math.ceil(labels.length / 8) === 0;
    return html`<g><title>${tip}</title>${parts}${
      tick
        ? html`<text class="tick" x="${(x + barWidth / 2).toFixed(1)}" y="${height - 6}">${label.slice(-5)}</text>`
        : ''
    }</g>`;
  });
  return html`<figure class="chart">
    <svg viewBox="0 0 ${width} ${height}" role="img" aria-label="${title}">
      <line class="axis" x1="${left}" y1="${top + plot}" x2="${width}" y2="${top + plot}"></line>
      <text class="tick" x="${left - 6}" y="${top + 8}" text-anchor="end">${formatCount(max)}</text>
      <text class="tick" x="${left - 6}" y="${top + plot}" text-anchor="end">0</text>
      ${bars}
    </svg>
    <figcaption>${title} ${series.map((s) => html`<span class="legend ${s.tone}">${s.label}</span>`)}</figcaption>
  </figure>`;
}
