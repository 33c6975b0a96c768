// Charts drawn as inline SVG: no chart library, no remote scripts, themable through CSS classes.
import { escapeHtml } from "./webviewHtml";

export interface Point {
  x: number;
  y: number;
  ok?: boolean;
  label?: string;
}

/** Errors per round: a line with one dot per round, green where the round verified. */
export function roundsLineChart(points: readonly Point[], yLabel: string, width = 520, height = 200): string {
  if (points.length === 0) return `<p class="muted">No rounds recorded.</p>`;
  const left = 44;
  const bottom = 28;
  const top = 22;
  const right = 12;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const minX = Math.min(...points.map((p) => p.x));
  const maxX = Math.max(...points.map((p) => p.x));
  const maxY = Math.max(1, ...points.map((p) => p.y));
  const sx = (x: number) => left + (maxX === minX ? plotW / 2 : ((x - minX) / (maxX - minX)) * plotW);
  const sy = (y: number) => top + plotH - (y / maxY) * plotH;
  const ticksY = niceTicks(maxY);
  const parts: string[] = [];
  for (const t of ticksY) {
    parts.push(`<line class="grid" x1="${left}" x2="${left + plotW}" y1="${sy(t)}" y2="${sy(t)}"/>`);
    parts.push(`<text x="${left - 6}" y="${sy(t) + 4}" text-anchor="end">${t}</text>`);
  }
  parts.push(`<line class="axis" x1="${left}" x2="${left + plotW}" y1="${top + plotH}" y2="${top + plotH}"/>`);
  parts.push(`<line class="axis" x1="${left}" x2="${left}" y1="${top}" y2="${top + plotH}"/>`);
  for (const p of points) {
    parts.push(`<text x="${sx(p.x)}" y="${height - 10}" text-anchor="middle">${p.x}</text>`);
  }
  parts.push(`<text x="${left}" y="${top - 10}" text-anchor="middle">${escapeHtml(yLabel)}</text>`);
  const path = points.map((p, i) => `${i === 0 ? "M" : "L"}${sx(p.x).toFixed(1)},${sy(p.y).toFixed(1)}`).join(" ");
  parts.push(`<path class="line" d="${path}"/>`);
  for (const p of points) {
    const title = p.label ? `<title>${escapeHtml(p.label)}</title>` : "";
    parts.push(`<circle class="dot${p.ok ? " ok" : ""}" data-round="${p.x}" cx="${sx(p.x).toFixed(1)}" cy="${sy(p.y).toFixed(1)}" r="4.5">${title}</circle>`);
  }
  return `<svg class="chart rounds" role="img" aria-label="${escapeHtml(yLabel)} per round" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" xmlns="http://www.w3.org/2000/svg">${parts.join("")}</svg>`;
}

export function niceTicks(max: number): number[] {
  const step = max <= 5 ? 1 : max <= 10 ? 2 : Math.ceil(max / 5);
  const ticks: number[] = [];
  for (let t = 0; t <= max; t += step) ticks.push(t);
  return ticks;
}
