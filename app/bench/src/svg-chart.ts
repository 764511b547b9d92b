/** One line of a chart: its name in the legend and its points (non-finite values are left out). */
export interface Series {
  name: string;
  points: { x: number; y: number }[];
}

export interface Axis {
  label: string;
  unit: string;
  /** `log` spreads values such as group sizes 2…200 evenly; the default is linear. */
  scale?: "linear" | "log";
}

/** One plot: a title, two axes and the lines drawn against them. */
export interface Panel {
  title: string;
  x: Axis;
  y: Axis;
  series: Series[];
}

const WIDTH = 720;
const PANEL_HEIGHT = 300;
const MARGIN = { left: 80, right: 190, top: 40, bottom: 56 };
const COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"];

export function escapeXml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );
}

/** A tick label: whole numbers with a space between thousands, small ones to three significant digits. */
export function formatTick(value: number): string {
  if (value === 0) return "0";
  if (Math.abs(value) >= 1000 || Number.isInteger(value))
    return Math.round(value)
      .toString()
      .replace(/\B(?=(\d{3})+(?!\d))/g, " ");
  return Number(value.toPrecision(3)).toString();
}

/**
 * About `count` evenly spaced round ticks (1, 2 or 5 times a power of ten apart) covering `low` to
 * `high` and zero, so that bars of growth and shrinkage share one baseline.
 */
export function niceTicks(low: number, high: number, count = 5): number[] {
  const from = Math.min(0, low);
  const to = Math.max(0, high);
  if (!(to > from)) return [0, 1];
  const rough = (to - from) / count;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough)!;
  const ticks: number[] = [];
  for (let tick = Math.floor(from / step) * step; ; tick += step) {
    ticks.push(Number(tick.toPrecision(12)));
    if (tick >= to - step * 1e-9) return ticks;
  }
}

const axisTitle = (axis: Axis) => `${axis.label} (${axis.unit})`;

function renderPanel(panel: Panel, top: number): string {
  const plot = {
    left: MARGIN.left,
    right: WIDTH - MARGIN.right,
    top: top + MARGIN.top,
    bottom: top + PANEL_HEIGHT - MARGIN.bottom,
  };
  const series = panel.series.map((s) => ({
    ...s,
    points: s.points.filter(
      (p) => Number.isFinite(p.x) && Number.isFinite(p.y) && (panel.x.scale !== "log" || p.x > 0),
    ),
  }));
  const all = series.flatMap((s) => s.points);
  const parts: string[] = [
    `<text x="${WIDTH / 2}" y="${top + 22}" text-anchor="middle" font-size="15" font-weight="bold">${escapeXml(panel.title)}</text>`,
  ];

  const log = panel.x.scale === "log";
  const xs = all.map((p) => p.x);
  // A log axis is labelled at the measured points (a curve has a handful); a linear one at round values.
  const ys = all.map((p) => p.y);
  const xTicks = log ? [...new Set(xs)].sort((a, b) => a - b) : niceTicks(Math.min(...xs), Math.max(...xs));
  const xLow = log ? Math.log10(xTicks[0] ?? 1) : xTicks[0]!;
  const xHigh = log ? Math.log10(xTicks[xTicks.length - 1] ?? 1) : xTicks[xTicks.length - 1]!;
  const yTicks = niceTicks(Math.min(...ys), Math.max(...ys));
  const yLow = yTicks[0]!;
  const yHigh = yTicks[yTicks.length - 1]!;
  const xAt = (x: number) => {
    const value = log ? Math.log10(x) : x;
    const span = xHigh - xLow;
    const fraction = span > 0 ? (value - xLow) / span : 0.5;
    return plot.left + fraction * (plot.right - plot.left);
  };
  const yAt = (y: number) => plot.bottom - ((y - yLow) / (yHigh - yLow)) * (plot.bottom - plot.top);
  const px = (n: number) => n.toFixed(1);

  parts.push(
    `<line x1="${plot.left}" y1="${plot.bottom}" x2="${plot.right}" y2="${plot.bottom}" stroke="#333"/>`,
    `<line x1="${plot.left}" y1="${plot.top}" x2="${plot.left}" y2="${plot.bottom}" stroke="#333"/>`,
  );
  if (all.length) {
    for (const tick of xTicks)
      parts.push(
        `<line x1="${px(xAt(tick))}" y1="${plot.bottom}" x2="${px(xAt(tick))}" y2="${plot.bottom + 5}" stroke="#333"/>`,
        `<text x="${px(xAt(tick))}" y="${plot.bottom + 18}" text-anchor="middle" font-size="11">${formatTick(tick)}</text>`,
      );
  }
  for (const tick of yTicks)
    parts.push(
      `<line x1="${plot.left}" y1="${px(yAt(tick))}" x2="${plot.right}" y2="${px(yAt(tick))}" stroke="${tick === 0 ? "#333" : "#ddd"}"/>`,
      `<text x="${plot.left - 6}" y="${px(yAt(tick) + 4)}" text-anchor="end" font-size="11">${formatTick(tick)}</text>`,
    );
  parts.push(
    `<text x="${(plot.left + plot.right) / 2}" y="${plot.bottom + 40}" text-anchor="middle" font-size="12">${escapeXml(axisTitle(panel.x))}</text>`,
    `<text transform="translate(${plot.left - 58} ${(plot.top + plot.bottom) / 2}) rotate(-90)" text-anchor="middle" font-size="12">${escapeXml(axisTitle(panel.y))}</text>`,
  );
  if (!all.length)
    parts.push(
      `<text x="${(plot.left + plot.right) / 2}" y="${(plot.top + plot.bottom) / 2}" text-anchor="middle" font-size="13" fill="#888">no data</text>`,
    );

  series.forEach((s, index) => {
    const colour = COLOURS[index % COLOURS.length]!;
    const points = [...s.points].sort((a, b) => a.x - b.x);
    if (points.length > 1)
      parts.push(
        `<polyline fill="none" stroke="${colour}" stroke-width="2" points="${points.map((p) => `${px(xAt(p.x))},${px(yAt(p.y))}`).join(" ")}"/>`,
      );
    for (const p of points)
      parts.push(`<circle cx="${px(xAt(p.x))}" cy="${px(yAt(p.y))}" r="3.5" fill="${colour}"/>`);
    const legendY = plot.top + 8 + index * 20;
    parts.push(
      `<line x1="${plot.right + 16}" y1="${legendY}" x2="${plot.right + 36}" y2="${legendY}" stroke="${colour}" stroke-width="2"/>`,
      `<text x="${plot.right + 42}" y="${legendY + 4}" font-size="12">${escapeXml(s.name)}</text>`,
    );
  });
  return parts.join("\n");
}

/** A standalone SVG document with the panels one above the other. */
export function svgChart(panels: Panel[]): string {
  const height = PANEL_HEIGHT * Math.max(1, panels.length);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif">`,
    `<rect width="${WIDTH}" height="${height}" fill="#fff"/>`,
    ...panels.map((panel, index) => renderPanel(panel, index * PANEL_HEIGHT)),
    "</svg>",
    "",
  ].join("\n");
}
