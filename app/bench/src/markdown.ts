import type { Summary } from "./statistics";

/** Milliseconds: one decimal below 10, whole above; a dash for what was not measured. */
export const ms = (value: number): string =>
  Number.isFinite(value) ? (value < 10 ? value.toFixed(1) : Math.round(value).toString()) : "–";
export const perS = (value: number): string =>
  Number.isFinite(value) ? (value < 100 ? value.toFixed(1) : Math.round(value).toString()) : "–";
export const quantiles = (s: Summary): string => `${ms(s.p50)} / ${ms(s.p95)} / ${ms(s.p99)} / ${ms(s.max)}`;
/** A small figure to two significant decimals (CPU milliseconds, KiB). */
export const fixed = (value: number | undefined, digits = 2): string =>
  value !== undefined && Number.isFinite(value) ? value.toFixed(digits) : "–";

export function markdownTable(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}
