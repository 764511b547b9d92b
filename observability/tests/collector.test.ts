import { readFileSync } from "node:fs";
import path from "node:path";
import { parse, parseAllDocuments } from "yaml";
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

/** Connectors, whose pipelines start inside the process. */
const fromConnectors = (config: Json, pipeline: Json) =>
  (pipeline.receivers ?? []).every((r: string) => config.connectors?.[r] !== undefined);

/**
 * Every pipeline limits memory first and batches last; every pipeline that takes data from outside
 * the process redacts (the ones fed by connectors get what a redacting pipeline passed on).
 */
function ordering(config: Json): string[] {
  return Object.entries<Json>(config.service.pipelines).flatMap(([name, pipeline]) => {
    const processors: string[] = pipeline.processors ?? [];
    const problems: string[] = [];
    if (processors[0] !== "memory_limiter") problems.push(`pipeline ${name}: memory_limiter is not first`);
    if (processors.at(-1) !== "batch") problems.push(`pipeline ${name}: batch is not last`);
    if (!fromConnectors(config, pipeline) && !processors.includes("redaction"))
      problems.push(`pipeline ${name}: no redaction`);
    return problems;
  });
}

// Names the collector deprecated (they still load, as aliases that warn at every start).
const DEPRECATED = /^(otlphttp|filelog|spanmetrics)(\/|$)|^otlp\//;

const base = read("base.yaml");
const layers = {
  agent: merge(base, read("agent.yaml")),
  gateway: merge(base, read("gateway.yaml")),
  local: merge(base, read("local.yaml")),
};
const application = (name: string) =>
  parse(readFileSync(path.join(repoRoot, `gitops/platform/apps/${name}.yaml`), "utf8")).spec.source.helm
    .valuesObject;

describe.each(Object.entries(layers))("the %s collector configuration", (_, config) => {
  it("defines every component its pipelines name, and uses every one it defines", () => {
    expect(completeness(config)).toEqual([]);
  });

  it("limits memory first, redacts, and batches last", () => {
    expect(ordering(config)).toEqual([]);
  });

  it("uses the current component names, not their deprecated aliases", () => {
    const names = [...KINDS, "extensions" as const].flatMap((kind) => Object.keys(config[kind] ?? {}));
    expect(names.filter((n) => DEPRECATED.test(n))).toEqual([]);
  });

  it("caps a batch well under Tempo's 4 MiB gRPC message limit", () => {
    expect(config.processors.batch.send_batch_max_size).toBeGreaterThanOrEqual(
      config.processors.batch.send_batch_size,
    );
    // About 1 KiB a span: 2048 spans are half the limit.
    expect(config.processors.batch.send_batch_max_size * 1024).toBeLessThanOrEqual(2 * 1024 * 1024);
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

describe.each([
  ["gateway", layers.gateway],
  ["local", layers.local],
])("the %s collector's span metrics", (_, config) => {
  it("come from every span, through the connectors, to a Prometheus endpoint with exemplars", () => {
    const traces = config.service.pipelines.traces;
    expect(traces.receivers).toEqual(["otlp"]);
    expect(traces.exporters).toEqual(expect.arrayContaining(["span_metrics", "servicegraph"]));
    expect(config.service.pipelines["metrics/spans"]).toMatchObject({
      receivers: ["span_metrics", "servicegraph"],
      exporters: ["prometheus"],
    });
    expect(config.connectors.span_metrics.exemplars.enabled).toBe(true);
    expect(config.exporters.prometheus.endpoint).toMatch(/:8889$/);
  });
});

describe("the agent tier", () => {
  const config = layers.agent;
  const values = application("opentelemetry-collector");

  it("runs on every node and sends traces to the gateway tier, load-balanced by trace ID", () => {
    expect(values.mode).toBe("daemonset");
    expect(config.service.pipelines.traces).toMatchObject({
      receivers: ["otlp"],
      exporters: ["loadbalancing"],
    });
    expect(config.exporters.loadbalancing.routing_key).toBe("traceID");
    expect(config.exporters.loadbalancing.resolver.dns.hostname).toBe("${env:GATEWAY_HOSTNAME}");
    const hostname = values.extraEnvs.find((e: Json) => e.name === "GATEWAY_HOSTNAME").value;
    const service = parse(
      readFileSync(path.join(observabilityDir, "collector/gateway-service.yaml"), "utf8"),
    );
    expect(hostname).toBe(`${service.metadata.name}.monitoring.svc.cluster.local`);
    expect(service.spec.clusterIP).toBe("None");
    expect(service.spec.selector["app.kubernetes.io/instance"]).toBe(
      application("otel-gateway").fullnameOverride,
    );
  });

  it("ships every container's log lines to Loki with their trace context, resuming after a restart", () => {
    expect(config.service.pipelines.logs).toMatchObject({
      receivers: ["file_log"],
      exporters: ["otlp_http/loki"],
    });
    const operators: Json[] = config.receivers.file_log.operators;
    expect(operators.map((o) => o.type)).toEqual([
      "container",
      "json_parser",
      "trace_parser",
      "severity_parser",
    ]);
    expect(operators[2].trace_id.parse_from).toBe("attributes.trace_id");
    expect(config.receivers.file_log.include).toEqual(["/var/log/pods/*/*/*.log"]);
    expect(config.receivers.file_log.storage).toBe("file_storage");
    expect(config.service.extensions).toContain("file_storage");
    const mount = values.extraVolumeMounts.find(
      (m: Json) => m.mountPath === config.extensions.file_storage.directory,
    );
    const volume = values.extraVolumes.find((v: Json) => v.name === mount?.name);
    expect(volume?.hostPath?.path).toBe(config.extensions.file_storage.directory);
  });

  it("masks bearer tokens and JWTs in log bodies, after the attributes", () => {
    const processors: string[] = config.service.pipelines.logs.processors;
    expect(processors.indexOf("transform/redact-log-bodies")).toBeGreaterThan(
      processors.indexOf("redaction"),
    );
    const statements: string[] =
      config.processors["transform/redact-log-bodies"].log_statements[0].statements;
    // Apply the statements' patterns as OTTL would (RE2 and JavaScript agree on these).
    const mask = (body: string) =>
      statements.reduce((text, statement) => {
        const [, pattern, replacement] = /replace_pattern\(body, "(.*)", "(.*)"\)/.exec(statement)!;
        const source = pattern!.replace(/\\\\/g, "\\");
        const flags = source.startsWith("(?i)") ? "gi" : "g";
        return text.replace(new RegExp(source.replace("(?i)", ""), flags), replacement!);
      }, body);
    const jwt = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl";
    expect(mask(`GET /v1/me authorization: Bearer ${jwt} done`)).toBe(
      "GET /v1/me authorization: Bearer **** done",
    );
    expect(mask(`token=${jwt}`)).toBe("token=****");
    expect(mask("nothing secret here")).toBe("nothing secret here");
  });
});

describe("the gateway tier", () => {
  const config = layers.gateway;
  const values = application("otel-gateway");

  it("is a Deployment an HPA scales", () => {
    expect(values.mode).toBe("deployment");
    expect(values.autoscaling).toMatchObject({ enabled: true, minReplicas: 2 });
    expect(values.autoscaling.maxReplicas).toBeGreaterThan(values.autoscaling.minReplicas);
  });

  it("makes span metrics from every span, then tail-samples what goes to Tempo", () => {
    expect(config.service.pipelines.traces.exporters).toContain("forward/sampling");
    expect(config.service.pipelines["traces/sampling"]).toEqual({
      receivers: ["forward/sampling"],
      processors: ["memory_limiter", "tail_sampling", "batch"],
      exporters: ["otlp_grpc/tempo"],
    });
    const policies: Json[] = config.processors.tail_sampling.policies;
    expect(policies.map((p) => p.type)).toEqual(["status_code", "latency", "probabilistic"]);
    expect(policies[0].status_code.status_codes).toEqual(["ERROR"]);
    const rate = values.extraEnvs.find((e: Json) => e.name === "TRACE_SAMPLING_PERCENTAGE").value;
    expect(Number(rate)).toBeGreaterThan(0);
    expect(Number(rate)).toBeLessThanOrEqual(100);
  });
});

describe.each([
  ["agent", "opentelemetry-collector", "agent.yaml", "otel-collector-config"],
  ["gateway", "otel-gateway", "gateway.yaml", "otel-gateway-config"],
])("the %s Application", (_, name, layer, configMap) => {
  const values = application(name);

  it("gets every environment variable its configuration reads", () => {
    const text = ["base.yaml", layer]
      .map((f) => readFileSync(path.join(observabilityDir, "collector", f), "utf8"))
      .join("\n");
    const read = [...new Set([...text.matchAll(/\$\{env:([A-Z_]+)(:-[^}]*)?\}/g)].map((m) => m[1]!))].sort();
    expect(values.extraEnvs.map((e: Json) => e.name).sort()).toEqual(read);
  });

  it("loads the ConfigMap observability/collector/ generates, base first", () => {
    expect(values.configMap).toEqual({ create: false, existingName: configMap });
    expect(values.command.extraArgs).toEqual([`--config=/etc/otelcol-layers/${layer}`]);
    const kustomization = parse(
      readFileSync(path.join(observabilityDir, "collector/kustomization.yaml"), "utf8"),
    );
    const generator = kustomization.configMapGenerator.find((g: Json) => g.name === configMap);
    expect(generator.files).toEqual(["relay=base.yaml", layer]);
  });

  it("exposes the ports its PodMonitor scrapes", () => {
    const monitors = parseAllDocuments(
      readFileSync(path.join(observabilityDir, "collector/pod-monitor.yaml"), "utf8"),
    ).map((d) => d.toJS());
    const monitor = monitors.find(
      (m: Json) => m.spec.selector.matchLabels["app.kubernetes.io/instance"] === values.fullnameOverride,
    );
    expect(monitor).toBeDefined();
    for (const endpoint of monitor.spec.podMetricsEndpoints)
      expect(values.ports[endpoint.port]?.enabled).toBe(true);
    expect(values.ports.metrics.containerPort).toBe(8888);
  });
});

describe("the collector checks", () => {
  it("catch a pipeline naming an undefined component and an unused one", () => {
    const broken = merge(structuredClone(base), { processors: { "attributes/unused": {} } });
    broken.service.pipelines = {
      traces: {
        receivers: ["otlp"],
        processors: ["memory_limiter", "attributes/drop-secrets", "redaction", "batch"],
        exporters: ["otlp_grpc/elsewhere"],
      },
    };
    expect(completeness(broken)).toEqual([
      "pipeline traces: exporter otlp_grpc/elsewhere is not defined",
      "processor attributes/unused is defined but unused",
    ]);
  });

  it("catch a pipeline without redaction", () => {
    const broken = structuredClone(layers.agent);
    broken.service.pipelines.traces.processors = ["memory_limiter", "batch"];
    expect(ordering(broken)).toEqual(["pipeline traces: no redaction"]);
  });
});
