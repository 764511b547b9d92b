// Every `job` an alert, a recording rule or a dashboard of observability/ selects must be a job
// Prometheus scrapes in each overlay, or RabbitMQDown (`absent(up{job="rabbitmq"} == 1)`) pages
// forever where the job is missing. The jobs are derived as the Prometheus Operator derives them:
// a ServiceMonitor's targets get the selected Service's name (or the value of the Service label its
// jobLabel names), a PodMonitor's `<namespace>/<name>` (or its jobLabel's pod label), a ScrapeConfig
// its jobName (or `scrapeConfig/<namespace>/<name>`); a relabeling that writes `job` wins.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { selects } from "./test-support/policy";
import { ENVIRONMENTS, type K8sObject, overlayDir, render, repoRoot } from "./test-support/render";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/**
 * Jobs that exist in some environments only, with the reason. Empty: every job is produced
 * everywhere. An entry here is the explicit way to limit one.
 */
const LIMITED: Record<string, { environments: string[]; why: string }> = {};

/**
 * The jobs a PromQL expression selects: job="x" as the name x, job=~"a|b" as the names a and b, and
 * any other job=~ regex as itself (it must match some produced job). Dashboard variables are skipped.
 */
export function jobsIn(expr: string): string[] {
  const found: string[] = [];
  for (const m of expr.matchAll(/\bjob\s*(=~|=)\s*"([^"]*)"/g)) {
    const [, op, value] = m;
    if (value!.includes("$")) continue; // a dashboard variable, not a name
    const names = op === "=~" ? value!.split("|") : [value!];
    if (names.every((name) => /^[A-Za-z0-9_./-]+$/.test(name))) found.push(...names);
    else found.push(`~${value}`);
  }
  return found;
}

/** Whether a used job (a name, or `~regex`) is among the produced ones. */
const isProduced = (job: string, produced: Set<string>) =>
  job.startsWith("~")
    ? [...produced].some((name) => new RegExp(`^(?:${job.slice(1)})$`).test(name))
    : produced.has(job);

function expressions(value: Json): string[] {
  if (Array.isArray(value)) return value.flatMap(expressions);
  if (value && typeof value === "object")
    return Object.entries(value).flatMap(([key, v]) =>
      (key === "expr" || key === "query") && typeof v === "string" ? [v] : expressions(v),
    );
  return [];
}

const files = (dir: string, ext: string) =>
  readdirSync(path.join(repoRoot, dir))
    .filter((f) => f.endsWith(ext))
    .map((f) => path.join(repoRoot, dir, f));

/** Every job name observability/'s alerts, rules and dashboards select, with where. */
function usedJobs(): Map<string, string[]> {
  const used = new Map<string, string[]>();
  const sources = [
    ...files("observability/alerts", ".yaml").map((f) => [f, parse(readFileSync(f, "utf8"))]),
    ...files("observability/rules", ".yaml").map((f) => [f, parse(readFileSync(f, "utf8"))]),
    ...files("observability/dashboards", ".json").map((f) => [f, JSON.parse(readFileSync(f, "utf8"))]),
  ] as [string, Json][];
  for (const [file, content] of sources)
    for (const expr of expressions(content))
      for (const job of jobsIn(expr))
        used.set(job, [...(used.get(job) ?? []), path.relative(repoRoot, file)]);
  return used;
}

/** A relabeling that sets `job` to a fixed value, if any. */
const relabeledJob = (relabelings: Json[] | undefined): string | undefined =>
  (relabelings ?? []).filter((r) => r.targetLabel === "job" && r.replacement !== undefined).at(-1)
    ?.replacement;

const inNamespace = (selector: Json, own: string | undefined, namespace: string | undefined) =>
  selector?.any === true ||
  (selector?.matchNames ? selector.matchNames.includes(namespace) : (namespace ?? "") === (own ?? ""));

/** The jobs the monitors of a render produce. */
export function producedJobs(objects: K8sObject[]): Set<string> {
  const jobs = new Set<string>();
  for (const monitor of objects.filter((o) => o.kind === "ServiceMonitor")) {
    const services = objects.filter(
      (s) =>
        s.kind === "Service" &&
        inNamespace(monitor.spec.namespaceSelector, monitor.metadata.namespace, s.metadata.namespace) &&
        selects(monitor.spec.selector, s.metadata.labels ?? {}),
    );
    for (const service of services)
      for (const endpoint of monitor.spec.endpoints ?? []) {
        if (endpoint.port && !(service.spec.ports ?? []).some((p: Json) => p.name === endpoint.port))
          continue;
        const job = monitor.spec.jobLabel
          ? service.metadata.labels?.[monitor.spec.jobLabel]
          : service.metadata.name;
        const final = relabeledJob(endpoint.relabelings) ?? job;
        if (final) jobs.add(final);
      }
  }
  for (const monitor of objects.filter((o) => o.kind === "PodMonitor")) {
    const pods = objects.filter(
      (w) =>
        ["Deployment", "StatefulSet", "DaemonSet"].includes(w.kind) &&
        inNamespace(monitor.spec.namespaceSelector, monitor.metadata.namespace, w.metadata.namespace) &&
        selects(monitor.spec.selector, w.spec.template.metadata?.labels ?? {}),
    );
    for (const pod of pods)
      for (const endpoint of monitor.spec.podMetricsEndpoints ?? []) {
        const labels = pod.spec.template.metadata?.labels ?? {};
        const job = monitor.spec.jobLabel
          ? labels[monitor.spec.jobLabel]
          : `${monitor.metadata.namespace}/${monitor.metadata.name}`;
        jobs.add(relabeledJob(endpoint.relabelings) ?? job);
      }
  }
  for (const config of objects.filter((o) => o.kind === "ScrapeConfig")) {
    if ((config.spec.staticConfigs ?? []).every((s: Json) => (s.targets ?? []).length === 0)) continue;
    jobs.add(
      relabeledJob(config.spec.relabelings) ??
        config.spec.jobName ??
        `scrapeConfig/${config.metadata.namespace}/${config.metadata.name}`,
    );
  }
  return jobs;
}

/** The jobs used but not produced in an environment (nor limited away from it). */
function missingJobs(environment: string, objects: K8sObject[], used = usedJobs()): string[] {
  const produced = producedJobs(objects);
  return [...used.entries()]
    .filter(([job]) => !isProduced(job, produced))
    .filter(([job]) => !(LIMITED[job] && !LIMITED[job]!.environments.includes(environment)))
    .map(
      ([job, where]) =>
        `${environment}: job="${job}" (${[...new Set(where)].join(", ")}) is scraped by no monitor`,
    );
}

describe("the job names observability/ selects", () => {
  it("include the services and the broker", () => {
    expect([...usedJobs().keys()]).toEqual(
      expect.arrayContaining(["gateway", "auth", "messaging", "notification", "rabbitmq"]),
    );
  });

  it.each(ENVIRONMENTS)(
    "are each produced by a ServiceMonitor, PodMonitor or ScrapeConfig of the %s overlay",
    (environment) => {
      expect(missingJobs(environment, render(overlayDir(environment)))).toEqual([]);
    },
  );

  it("name environments that exist, where one is limited", () => {
    for (const limit of Object.values(LIMITED))
      for (const environment of limit.environments) expect(ENVIRONMENTS).toContain(environment);
  });
});

describe("the scrape job check", () => {
  it('reads names from job="x" and job=~"a|b", not dashboard variables', () => {
    expect(
      jobsIn(
        'absent(up{job="rabbitmq"} == 1) or up{job=~"gateway|auth"} or x{job="$job"} or y{job=~".*postgres.*"}',
      ),
    ).toEqual(["rabbitmq", "gateway", "auth", "~.*postgres.*"]);
    expect(isProduced("~.*postgres.*exporter.*", new Set(["postgres-exporter"]))).toBe(true);
    expect(isProduced("~.*postgres.*exporter.*", new Set(["postgresql"]))).toBe(false);
  });

  it("catches the broker's monitor missing, locally and in the cloud", () => {
    const local = render(overlayDir("local")).filter(
      (o) => !(o.kind === "ServiceMonitor" && o.metadata.name === "rabbitmq"),
    );
    expect(missingJobs("local", local)).toEqual([expect.stringContaining('local: job="rabbitmq"')]);
    const staging = render(overlayDir("staging")).filter((o) => o.kind !== "ScrapeConfig");
    expect(missingJobs("staging", staging)).toEqual([expect.stringContaining('staging: job="rabbitmq"')]);
  });

  it("derives a ServiceMonitor's job from its Service's name, or the label its jobLabel names", () => {
    const objects = render(overlayDir("local"));
    expect(producedJobs(objects)).toEqual(expect.any(Set));
    expect([...producedJobs(objects)].sort()).toEqual(
      ["auth", "gateway", "messaging", "notification", "postgres-exporter", "rabbitmq"].sort(),
    );
    const monitor = objects.find((o) => o.kind === "ServiceMonitor" && o.metadata.name === "rabbitmq")!;
    monitor.spec.jobLabel = "app.kubernetes.io/part-of";
    expect(producedJobs(objects)).toContain("parley-local-data");
    expect(producedJobs(objects)).not.toContain("rabbitmq");
  });

  it("honours a limit to some environments", () => {
    const used = new Map([["only-in-dev", ["observability/alerts/x.yaml"]]]);
    LIMITED["only-in-dev"] = { environments: ["dev"], why: "a test" };
    try {
      expect(missingJobs("local", [], used)).toEqual([]);
      expect(missingJobs("dev", [], used)).toHaveLength(1);
    } finally {
      delete LIMITED["only-in-dev"];
    }
  });
});

describe("the services' OpenTelemetry SDK", () => {
  it.each(ENVIRONMENTS)("pushes neither metrics nor logs over OTLP in the %s overlay", (environment) => {
    const objects = render(overlayDir(environment));
    const common = objects.find(
      (o) => o.kind === "ConfigMap" && o.metadata.name.startsWith("parley-common"),
    )!;
    expect(common.data).toMatchObject({ OTEL_METRICS_EXPORTER: "none", OTEL_LOGS_EXPORTER: "none" });
    const containers = objects
      .filter(
        (o) =>
          ["Deployment", "Job"].includes(o.kind) &&
          o.metadata.labels?.["app.kubernetes.io/part-of"] === "parley" &&
          o.metadata.labels?.["app.kubernetes.io/component"] !== "monitoring",
      )
      .flatMap((o) => [...(o.spec.template.spec.initContainers ?? []), ...o.spec.template.spec.containers]);
    expect(containers.length).toBeGreaterThan(0);
    for (const c of containers)
      expect(
        (c.envFrom ?? []).some((f: Json) => f.configMapRef?.name === common.metadata.name) ||
          ["OTEL_METRICS_EXPORTER", "OTEL_LOGS_EXPORTER"].every((n) =>
            (c.env ?? []).some((e: Json) => e.name === n && e.value === "none"),
          ),
      ).toBe(true);
  });
});
