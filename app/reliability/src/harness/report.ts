import type { Figures } from "./invariants";

/** A plain-text table with a header rule; numbers right-aligned. */
export function table(headers: string[], rows: (string | number)[][]): string {
  const cells = [headers, ...rows.map((row) => row.map(String))];
  const widths = headers.map((_, column) => Math.max(...cells.map((row) => row[column]!.length)));
  const line = (row: string[]) =>
    row
      .map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!)))
      .join("  ");
  return [line(cells[0]!), widths.map((w) => "-".repeat(w)).join("  "), ...cells.slice(1).map(line)].join(
    "\n",
  );
}

/** The fault table: one row per scenario, then the totals, then the notes and any violation. */
export function faultTable(rows: Figures[]): string {
  const body = rows.map((r) => [
    r.scenario,
    r.accepted,
    `${r.delivered}/${r.expectedDeliveries}`,
    r.lost,
    r.duplicates,
    `${r.retried} (${r.refusals.unavailable}×503, ${r.refusals.noAnswer}×conn)`,
    r.recoverySeconds === undefined ? "none" : `${r.recoverySeconds.toFixed(1)} s`,
    r.violations.length ? "FAIL" : "ok",
  ]);
  const sum = (pick: (r: Figures) => number) => rows.reduce((n, r) => n + pick(r), 0);
  body.push([
    "total",
    sum((r) => r.accepted),
    `${sum((r) => r.delivered)}/${sum((r) => r.expectedDeliveries)}`,
    sum((r) => r.lost),
    sum((r) => r.duplicates),
    String(sum((r) => r.retried)),
    "",
    rows.some((r) => r.violations.length) ? "FAIL" : "ok",
  ]);
  const text = table(
    ["scenario", "accepted", "delivered", "lost", "duplicates", "retried sends", "recovery", "result"],
    body,
  );
  const notes = rows.flatMap((r) => r.notes.map((note) => `  ${r.scenario}: ${note}`));
  const violations = rows.flatMap((r) => r.violations.slice(0, 10).map((v) => `  ${r.scenario}: ${v}`));
  return [
    text,
    ...(notes.length ? ["", "notes:", ...notes] : []),
    ...(violations.length ? ["", "violations:", ...violations] : []),
  ].join("\n");
}
