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
  it("are the platform overview, the pipeline, one per service, RabbitMQ, PostgreSQL and the SLOs", () => {
    expect(files).toEqual([
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

  it("has only queries that parse as PromQL", () => {
    const errors = dashboardQueries(dashboard).flatMap((q) =>
      parsePromQL(substituteGrafanaVariables(q.expr)).errors.map((e) => `${q.where}: ${e}`),
    );
    expect(errors).toEqual([]);
  });
});
