// A small builder for the part of Grafana's dashboard JSON model our dashboards use: time series,
// stat and bar gauge panels in rows, laid out on Grafana's 24-column grid, every query on the
// Prometheus datasource chosen by the `datasource` variable. Kept in-house rather than taken from a
// dashboard SDK: it is a few dozen lines, and the JSON it writes is reviewed in every change.

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

import type { parser as lezerParser } from "@prometheus-io/lezer-promql" with { "resolution-mode": "import" };

// The package ships CommonJS beside its ES module, but types for the ES module only.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { parser } = require("@prometheus-io/lezer-promql") as { parser: typeof lezerParser };

const DATASOURCE = { type: "prometheus", uid: "${datasource}" };

/**
 * The labels every scraped series has in the cluster, each a dashboard variable: `namespace` and
 * `pod` from the Prometheus Operator's target labels, `environment` from the scrape relabelling
 * of each environment's Prometheus. Their "All" is `.*`, which also matches a series without the
 * label (Prometheus on this machine sets none of them).
 */
export const SCOPE_LABELS = ["namespace", "environment", "pod"] as const;
const SCOPE = SCOPE_LABELS.map((label) => `${label}=~"$${label}"`).join(",");

/**
 * Adds the scope matchers to every selector of a scraped metric in `expr`. Recorded series (names
 * with a colon) are aggregated without these labels and are left alone.
 */
export function scoped(expr: string): string {
  const inserts: { at: number; text: string }[] = [];
  parser.parse(expr).iterate({
    enter(node) {
      if (node.name !== "VectorSelector") return undefined;
      const identifier = node.node.getChild("Identifier");
      const name = identifier ? expr.slice(identifier.from, identifier.to) : "";
      if (!name || name.includes(":") || name === "ALERTS") return false;
      const matchers = node.node.getChild("LabelMatchers");
      if (!matchers) inserts.push({ at: identifier!.to, text: `{${SCOPE}}` });
      else {
        const empty = expr.slice(matchers.from + 1, matchers.to - 1).trim() === "";
        inserts.push({ at: matchers.from + 1, text: empty ? SCOPE : `${SCOPE},` });
      }
      return false;
    },
  });
  return inserts
    .sort((a, b) => b.at - a.at)
    .reduce((text, { at, text: insert }) => text.slice(0, at) + insert + text.slice(at), expr);
}

export interface Query {
  expr: string;
  legend?: string;
  /** Show the exemplars of a histogram query (each links to its trace in Tempo). */
  exemplar?: boolean;
}

interface PanelOptions {
  description?: string;
  unit?: string;
  /** Grid columns out of 24; 12 by default. */
  width?: number;
  height?: number;
  min?: number;
  max?: number;
  /** Values from which the panel turns orange, then red. */
  thresholds?: [number, number];
  stacked?: boolean;
}

export interface Panel {
  kind: "timeseries" | "stat" | "bargauge";
  title: string;
  queries: Query[];
  options: PanelOptions;
}

export interface Row {
  kind: "row";
  title: string;
}

export const q = (expr: string, legend?: string, exemplar?: boolean): Query => ({ expr, legend, exemplar });

export const timeseries = (title: string, queries: Query[], options: PanelOptions = {}): Panel => ({
  kind: "timeseries",
  title,
  queries,
  options,
});
export const stat = (title: string, queries: Query[], options: PanelOptions = {}): Panel => ({
  kind: "stat",
  title,
  queries,
  options: { width: 6, height: 4, ...options },
});
export const bargauge = (title: string, queries: Query[], options: PanelOptions = {}): Panel => ({
  kind: "bargauge",
  title,
  queries,
  options,
});
export const row = (title: string): Row => ({ kind: "row", title });

export interface Variable {
  name: string;
  label: string;
  /** A `label_values(...)` query. */
  query: string;
  multi?: boolean;
}

export interface DashboardSpec {
  uid: string;
  title: string;
  description: string;
  tags: string[];
  variables?: Variable[];
  /**
   * Adds the namespace, environment and pod variables, and scopes every scraped metric's selector
   * to them; `podsOf` is the selector whose series list the pods (by default `up`).
   */
  scope?: { podsOf?: string } | false;
  items: (Panel | Row)[];
}

function thresholdSteps(thresholds?: [number, number]) {
  const steps: Json[] = [{ color: "green", value: null }];
  if (thresholds) {
    steps.push({ color: "orange", value: thresholds[0] }, { color: "red", value: thresholds[1] });
  }
  return { mode: "absolute", steps };
}

function panelJson(panel: Panel, id: number, gridPos: Json): Json {
  const { options } = panel;
  const defaults: Json = { unit: options.unit ?? "short", thresholds: thresholdSteps(options.thresholds) };
  if (options.min !== undefined) defaults.min = options.min;
  if (options.max !== undefined) defaults.max = options.max;
  if (panel.kind === "timeseries") {
    defaults.custom = {
      drawStyle: "line",
      lineWidth: 1,
      fillOpacity: options.stacked ? 30 : 10,
      showPoints: "never",
      spanNulls: false,
      stacking: { mode: options.stacked ? "normal" : "none", group: "A" },
      thresholdsStyle: { mode: options.thresholds ? "line" : "off" },
    };
  }
  if (panel.kind !== "timeseries") defaults.color = { mode: "thresholds" };
  const panelOptions: Json =
    panel.kind === "timeseries"
      ? {
          legend: { displayMode: "table", placement: "bottom", showLegend: true, calcs: ["mean", "max"] },
          tooltip: { mode: "multi", sort: "desc" },
        }
      : panel.kind === "stat"
        ? {
            reduceOptions: { calcs: ["lastNotNull"], fields: "", values: false },
            colorMode: "background",
            graphMode: "none",
            textMode: "auto",
            justifyMode: "auto",
            orientation: "auto",
          }
        : {
            reduceOptions: { calcs: ["lastNotNull"], fields: "", values: false },
            displayMode: "gradient",
            orientation: "horizontal",
            showUnfilled: true,
          };
  return {
    id,
    type: panel.kind,
    title: panel.title,
    ...(options.description ? { description: options.description } : {}),
    datasource: DATASOURCE,
    gridPos,
    fieldConfig: { defaults, overrides: [] },
    options: panelOptions,
    targets: panel.queries.map((query, i) => ({
      refId: String.fromCharCode(65 + i),
      datasource: DATASOURCE,
      expr: query.expr,
      legendFormat: query.legend ?? "__auto",
      range: panel.kind === "timeseries",
      instant: panel.kind !== "timeseries",
      ...(query.exemplar ? { exemplar: true } : {}),
    })),
  };
}

function variableJson(variable: Variable): Json {
  return {
    name: variable.name,
    label: variable.label,
    type: "query",
    datasource: DATASOURCE,
    definition: variable.query,
    query: { query: variable.query, refId: "PrometheusVariableQueryEditor-VariableQuery" },
    refresh: 2,
    sort: 1,
    multi: variable.multi ?? true,
    includeAll: variable.multi ?? true,
    allValue: ".*",
    current: {},
    hide: 0,
    options: [],
    regex: "",
  };
}

function scopeVariables(podsOf: string): Variable[] {
  const within = (selector: string, labels: string[]) => {
    const matchers = labels.map((l) => `${l}=~"$${l}"`).join(",");
    return selector.includes("{") ? selector.replace("{", `{${matchers},`) : `${selector}{${matchers}}`;
  };
  return [
    { name: "environment", label: "Environment", query: "label_values(up, environment)" },
    {
      name: "namespace",
      label: "Namespace",
      query: `label_values(${within("up", ["environment"])}, namespace)`,
    },
    {
      name: "pod",
      label: "Pod",
      query: `label_values(${within(podsOf, ["environment", "namespace"])}, pod)`,
    },
  ];
}

export function dashboard(spec: DashboardSpec): Json {
  const scope = spec.scope === false ? undefined : (spec.scope ?? {});
  if (scope)
    spec = {
      ...spec,
      variables: [...scopeVariables(scope.podsOf ?? "up"), ...(spec.variables ?? [])],
      items: spec.items.map((item) =>
        item.kind === "row"
          ? item
          : { ...item, queries: item.queries.map((query) => ({ ...query, expr: scoped(query.expr) })) },
      ),
    };
  const panels: Json[] = [];
  let x = 0;
  let y = 0;
  let rowHeight = 0;
  spec.items.forEach((item, i) => {
    const id = i + 1;
    if (item.kind === "row") {
      y += rowHeight;
      panels.push({
        id,
        type: "row",
        title: item.title,
        collapsed: false,
        gridPos: { h: 1, w: 24, x: 0, y },
        panels: [],
      });
      x = 0;
      y += 1;
      rowHeight = 0;
      return;
    }
    const w = item.options.width ?? 12;
    const h = item.options.height ?? 8;
    if (x + w > 24) {
      x = 0;
      y += rowHeight;
      rowHeight = 0;
    }
    panels.push(panelJson(item, id, { h, w, x, y }));
    x += w;
    rowHeight = Math.max(rowHeight, h);
  });
  return {
    uid: spec.uid,
    title: spec.title,
    description: `${spec.description} Generated by \`npm run observability:generate\` from observability/dashboards/src/; do not edit in Grafana.`,
    tags: ["parley", ...spec.tags],
    editable: false,
    graphTooltip: 1,
    refresh: "30s",
    schemaVersion: 39,
    version: 1,
    time: { from: "now-3h", to: "now" },
    timepicker: {},
    timezone: "browser",
    links: [{ type: "dashboards", title: "Parley", tags: ["parley"], asDropdown: true, includeVars: false }],
    annotations: { list: [] },
    templating: {
      list: [
        {
          name: "datasource",
          label: "Prometheus",
          type: "datasource",
          query: "prometheus",
          current: {},
          hide: 0,
          options: [],
          refresh: 1,
          regex: "",
        },
        ...(spec.variables ?? []).map(variableJson),
      ],
    },
    panels,
  };
}
