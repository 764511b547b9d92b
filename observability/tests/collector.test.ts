import { readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { observabilityDir, repoRoot } from "../src/paths";

// The collector binary is not on our machines, so its configuration is checked here the way it
// loads it: base.yaml, then a layer merged over it (maps merge, lists are replaced).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const read = (file: string): Json =>
  parse(readFileSync(path.join(observabilityDir, "collector", file), "utf8"));

function merge(base: Json, layer: Json): Json {
  if (base === null || typeof base !== "object" || Array.isArray(base) || Array.isArray(layer)) return layer;
  if (layer === null || typeof layer !== "object") return layer;
  const result = { ...base };
  for (const [key, value] of Object.entries(layer))
    result[key] = key in base ? merge(base[key], value) : value;
  return result;
}

const KINDS = ["receivers", "processors", "exporters", "connectors"] as const;

/** Components a pipeline names that are not defined, and defined ones no pipeline uses. */
function completeness(config: Json): string[] {
  const problems: string[] = [];
  const used = new Set<string>();
  for (const [name, pipeline] of Object.entries<Json>(config.service.pipelines)) {
    for (const kind of ["receivers", "processors", "exporters"] as const) {
      for (const component of pipeline[kind] ?? []) {
        const definedAs = [kind, "connectors"].find((k) => config[k]?.[component] !== undefined);
        if (!definedAs || (definedAs === "connectors" && kind === "processors"))
          problems.push(`pipeline ${name}: ${kind.slice(0, -1)} ${component} is not defined`);
        used.add(`${definedAs ?? kind}/${component}`);
      }
    }
  }
  for (const kind of KINDS)
    for (const component of Object.keys(config[kind] ?? {}))
      if (!used.has(`${kind}/${component}`))
        problems.push(`${kind.slice(0, -1)} ${component} is defined but unused`);
  for (const extension of config.service.extensions ?? [])
    if (config.extensions?.[extension] === undefined) problems.push(`extension ${extension} is not defined`);
  return problems;
}

/** Every pipeline limits memory first and batches last; every pipeline that leaves the process redacts. */
function ordering(config: Json): string[] {
  return Object.entries<Json>(config.service.pipelines).flatMap(([name, pipeline]) => {
    const processors: string[] = pipeline.processors ?? [];
    const problems: string[] = [];
    if (processors[0] !== "memory_limiter") problems.push(`pipeline ${name}: memory_limiter is not first`);
    if (processors.at(-1) !== "batch") problems.push(`pipeline ${name}: batch is not last`);
    if (!name.startsWith("metrics/spans") && !processors.includes("redaction"))
      problems.push(`pipeline ${name}: no redaction`);
    return problems;
  });
}

const base = read("base.yaml");
const layers = { cluster: merge(base, read("cluster.yaml")), local: merge(base, read("local.yaml")) };

describe.each(Object.entries(layers))("the %s collector configuration", (_, config) => {
  it("defines every component its pipelines name, and uses every one it defines", () => {
    expect(completeness(config)).toEqual([]);
  });

  it("limits memory first, redacts, and batches last", () => {
    expect(ordering(config)).toEqual([]);
  });

  it("sends traces to Tempo and through the span metrics connector to a Prometheus endpoint", () => {
    const traces = config.service.pipelines.traces;
    expect(traces.receivers).toEqual(["otlp"]);
    expect(traces.exporters).toEqual(expect.arrayContaining(["otlp/tempo", "spanmetrics", "servicegraph"]));
    expect(config.service.pipelines["metrics/spans"]).toMatchObject({
      receivers: ["spanmetrics", "servicegraph"],
      exporters: ["prometheus"],
    });
    expect(config.connectors.spanmetrics.exemplars.enabled).toBe(true);
  });

  it("deletes attributes named like secrets and masks token values", () => {
    expect(config.processors["attributes/drop-secrets"].actions[0]).toMatchObject({ action: "delete" });
    const pattern = new RegExp(
      config.processors["attributes/drop-secrets"].actions[0].pattern.replace("(?i)", ""),
      "i",
    );
    for (const key of ["password", "http.request.header.authorization", "refresh_token", "db.password"])
      expect(pattern.test(key)).toBe(true);
    for (const key of ["http.route", "rpc.method", "messaging.destination.name"])
      expect(pattern.test(key)).toBe(false);
    const masks = (config.processors.redaction.blocked_values as string[]).map(
      (v) => new RegExp(v.replace("(?i)", ""), "i"),
    );
    const jwt = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl";
    expect(masks.some((m) => m.test(`Bearer ${jwt}`))).toBe(true);
    expect(masks.some((m) => m.test(jwt))).toBe(true);
  });

  it("serves its health and its own metrics", () => {
    expect(config.service.extensions).toContain("health_check");
    expect(config.service.telemetry.metrics.readers[0].pull.exporter.prometheus.port).toBe(8888);
  });
});

describe("the cluster collector", () => {
  const config = layers.cluster;
  const application = parse(
    readFileSync(path.join(repoRoot, "gitops/platform/apps/opentelemetry-collector.yaml"), "utf8"),
  ).spec.source.helm.valuesObject;

  it("ships every container's log lines to Loki with their trace context", () => {
    expect(config.service.pipelines.logs).toMatchObject({
      receivers: ["filelog"],
      exporters: ["otlphttp/loki"],
    });
    const operators: Json[] = config.receivers.filelog.operators;
    expect(operators.map((o) => o.type)).toEqual([
      "container",
      "json_parser",
      "trace_parser",
      "severity_parser",
    ]);
    expect(operators[2].trace_id.parse_from).toBe("attributes.trace_id");
    expect(config.receivers.filelog.include).toEqual(["/var/log/pods/*/*/*.log"]);
  });

  it("gets every environment variable its configuration reads from the Application", () => {
    const text = ["base.yaml", "cluster.yaml"]
      .map((f) => readFileSync(path.join(observabilityDir, "collector", f), "utf8"))
      .join("\n");
    const read = [...new Set([...text.matchAll(/\$\{env:([A-Z_]+)(:-[^}]*)?\}/g)].map((m) => m[1]!))].sort();
    expect(read).toEqual(["COLLECTOR_BIND_ADDRESS", "LOKI_OTLP_ENDPOINT", "TEMPO_OTLP_ENDPOINT"]);
    expect(application.extraEnvs.map((e: Json) => e.name).sort()).toEqual(read);
  });

  it("is loaded by the Application from the ConfigMap observability/ generates, base first", () => {
    expect(application.configMap).toEqual({ create: false, existingName: "otel-collector-config" });
    expect(application.command.extraArgs).toEqual(["--config=/etc/otelcol-layers/cluster.yaml"]);
    const kustomization = parse(readFileSync(path.join(observabilityDir, "kustomization.yaml"), "utf8"));
    const generator = kustomization.configMapGenerator.find((g: Json) => g.name === "otel-collector-config");
    expect(generator.files).toEqual(["relay=collector/base.yaml", "cluster.yaml=collector/cluster.yaml"]);
  });

  it("exposes the ports its PodMonitor scrapes", () => {
    const monitor = parse(readFileSync(path.join(observabilityDir, "collector/pod-monitor.yaml"), "utf8"));
    for (const endpoint of monitor.spec.podMetricsEndpoints)
      expect(application.ports[endpoint.port]?.enabled).toBe(true);
    expect(application.ports.metrics.containerPort).toBe(8888);
    expect(application.ports.spanmetrics.containerPort).toBe(8889);
  });
});

describe("the collector checks", () => {
  it("catch a pipeline naming an undefined component and an unused one", () => {
    const broken = merge(structuredClone(base), { processors: { "attributes/unused": {} } });
    broken.service.pipelines.traces.exporters = [
      "otlp/tempo",
      "spanmetrics",
      "servicegraph",
      "otlp/elsewhere",
    ];
    expect(completeness(broken)).toEqual([
      "pipeline traces: exporter otlp/elsewhere is not defined",
      "processor attributes/unused is defined but unused",
    ]);
  });

  it("catch a pipeline without redaction", () => {
    const broken = structuredClone(base);
    broken.service.pipelines.traces.processors = ["memory_limiter", "batch"];
    expect(ordering(broken)).toEqual(["pipeline traces: no redaction"]);
  });
});
