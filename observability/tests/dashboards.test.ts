import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { observabilityDir } from "../src/paths";
import { dashboardQueries, type Json } from "./support/dashboards";
import { parsePromQL, substituteGrafanaVariables } from "./support/promql";

const dir = path.join(observabilityDir, "dashboards");
const files = readdirSync(dir)
  .filter((f) => f.endsWith(".json"))
  .sort();
const load = (file: string): Json => JSON.parse(readFileSync(path.join(dir, file), "utf8"));

describe("the Grafana dashboards", () => {
  it("are the platform overview, the pipeline, one per service, RabbitMQ, PostgreSQL, the SLOs and the collector", () => {
    expect(files).toEqual([
      "collector.json",
      "overview.json",
      "pipeline.json",
      "postgresql.json",
      "rabbitmq.json",
      "service-auth.json",
      "service-gateway.json",
      "service-messaging.json",
      "service-notification.json",
      "slos.json",
    ]);
  });

  it("have unique, stable uids", () => {
    const uids = files.map((f) => load(f).uid);
    expect(new Set(uids).size).toBe(files.length);
    for (const uid of uids) expect(uid).toMatch(/^parley-[a-z-]+$/);
  });

  it("are described in the observability README", () => {
    const readme = readFileSync(path.join(observabilityDir, "README.md"), "utf8");
    expect(files.filter((f) => !readme.includes(`dashboards/${f}`))).toEqual([]);
  });
});

/**
 * What a query measures, by its outermost function and the metric it reads: durations, bytes,
 * per-second rates, or something this check does not know (ratios, counts).
 */
function unitKind(expr: string): string {
  const e = expr.trim();
  if (/[^a-z_]\/[^a-z_]|\bunless\b|\band\b/.test(e) && !/^histogram_quantile/.test(e)) return "unknown";
  if (/^histogram_quantile\(/.test(e)) return "seconds";
  if (/rate\([a-z_]+_seconds_(total|sum)\b/.test(e)) return "unknown"; // seconds per second: a fraction
  if (/\b(rate|irate)\(/.test(e)) return "per-second";
  if (/\bincrease\(/.test(e)) return "unknown";
  if (/_bytes\b/.test(e)) return "bytes";
  if (/_seconds\b/.test(e) && !/_seconds_(count|bucket|total)/.test(e)) return "seconds";
  return "unknown";
}
const UNITS: Record<string, string[]> = {
  seconds: ["s", "ms"],
  bytes: ["bytes", "decbytes"],
  "per-second": ["reqps", "ops", "rps", "wps", "Bps", "binBps"],
};

describe.each(files)("dashboard %s", (file) => {
  const dashboard = load(file);
  const panels: Json[] = dashboard.panels.filter((p: Json) => p.type !== "row");

  it("chooses its Prometheus through a datasource variable", () => {
    const variable = dashboard.templating.list.find((v: Json) => v.type === "datasource");
    expect(variable).toMatchObject({ name: "datasource", query: "prometheus" });
    const datasources: Json[] = [];
    const visit = (value: Json) => {
      if (value === null || typeof value !== "object") return;
      for (const [key, child] of Object.entries(value)) {
        if (key === "datasource") datasources.push(child);
        else visit(child);
      }
    };
    visit(dashboard.panels);
    visit(dashboard.templating.list.filter((v: Json) => v.type !== "datasource"));
    expect(datasources.length).toBeGreaterThan(0);
    for (const ds of datasources) expect(ds).toEqual({ type: "prometheus", uid: "${datasource}" });
  });

  it("has no panel without a query, and unique panel ids", () => {
    expect(
      panels
        .filter((p) => !(p.targets?.length > 0) || p.targets.some((t: Json) => !t.expr?.trim()))
        .map((p) => p.title),
    ).toEqual([]);
    const ids = dashboard.panels.map((p: Json) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("lays its panels on the grid without overlap", () => {
    const cells = new Set<string>();
    for (const p of dashboard.panels) {
      const { x, y, w, h } = p.gridPos;
      expect(x + w).toBeLessThanOrEqual(24);
      for (let i = x; i < x + w; i++)
        for (let j = y; j < y + h; j++) {
          expect(cells.has(`${i},${j}`)).toBe(false);
          cells.add(`${i},${j}`);
        }
    }
  });

  it("shows each panel in a unit its queries have, and never mixes units in one panel", () => {
    const problems = panels.flatMap((p) => {
      const kinds = new Set<string>(p.targets.map((t: Json) => unitKind(t.expr)));
      kinds.delete("unknown");
      const unit: string = p.fieldConfig.defaults.unit;
      if (kinds.size > 1) return [`${p.title}: mixes ${[...kinds].join(" and ")}`];
      const [kind] = [...kinds];
      if (kind && !UNITS[kind]!.includes(unit)) return [`${p.title}: unit ${unit} for ${kind}`];
      return [];
    });
    expect(problems).toEqual([]);
  });

  it("scopes every scraped metric to the namespace, environment and pod variables", () => {
    if (dashboard.uid === "parley-slos") return; // recorded series only
    const names = dashboard.templating.list.map((v: Json) => v.name);
    expect(names).toEqual(expect.arrayContaining(["namespace", "environment", "pod"]));
    const unscoped = dashboardQueries(dashboard)
      .filter((q) => q.label === undefined)
      .flatMap((q) =>
        parsePromQL(substituteGrafanaVariables(q.expr.replace(/\$(namespace|environment|pod)\b/g, "SCOPED")))
          .selectors.filter((s) => !s.metric.includes(":") && s.metric !== "ALERTS")
          .filter(
            (s) =>
              !["namespace", "environment", "pod"].every((l) =>
                s.matchers.some((m) => m.label === l && m.value === "SCOPED"),
              ),
          )
          .map((s) => `${q.where}: ${s.text}`),
      );
    expect(unscoped).toEqual([]);
  });

  it("has only queries that parse as PromQL", () => {
    const errors = dashboardQueries(dashboard).flatMap((q) =>
      parsePromQL(substituteGrafanaVariables(q.expr)).errors.map((e) => `${q.where}: ${e}`),
    );
    expect(errors).toEqual([]);
  });
});
