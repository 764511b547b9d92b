// The values the project gives each Helm chart, checked against the values.schema.json of the chart
// version it pins (gitops/vendor/values-schemas/, sources in gitops/vendor/sources.yaml). A chart
// bump fails here until gitops/vendor/ is brought to the new version.
import { existsSync } from "node:fs";
import path from "node:path";
import { repoRoot } from "./test-support/render";
import { VENDORED_CRDS } from "./test-support/crd-schemas";
import { VENDOR_DIR, chartPins, pinMismatches, vendorSources, valuesErrors } from "./test-support/vendor";

const pins = chartPins();
const sources = vendorSources();

describe("the pinned charts", () => {
  it("include Argo CD from Terraform and every chart of gitops/platform/apps", () => {
    expect([...new Set(pins.map((pin) => pin.chart))].sort()).toEqual(Object.keys(sources.charts).sort());
  });

  it("are each pinned at the version gitops/vendor/ was brought to", () => {
    expect(pinMismatches(pins, sources)).toEqual([]);
  });

  const withSchema = pins.flatMap((pin) => {
    const schema = sources.charts[pin.chart]?.valuesSchema;
    return schema === undefined || schema === "none" || schema === "notVendored"
      ? []
      : [[pin.chart, schema, pin] as const];
  });

  it("without a vendored values schema are those that ship none, and those listed in README.md", () => {
    const without = Object.entries(sources.charts).filter(
      ([, chart]) => chart.valuesSchema === "none" || chart.valuesSchema === "notVendored",
    );
    expect(Object.fromEntries(without.map(([name, chart]) => [name, chart.valuesSchema]))).toEqual({
      "argo-cd": "none",
      "kube-prometheus-stack": "notVendored",
      "metrics-server": "none",
      tempo: "none",
      traefik: "notVendored",
    });
  });

  it.each(withSchema)(
    "%s gets values its vendored values.schema.json (%s) accepts",
    (_chart, schema, pin) => {
      expect(valuesErrors(schema, pin.values)).toEqual([]);
    },
  );
});

describe("gitops/vendor/sources.yaml", () => {
  it("names values schemas that exist and have their source recorded", () => {
    const problems = Object.entries(sources.charts).flatMap(([chart, entry]) => {
      if (entry.valuesSchema === "none" || entry.valuesSchema === "notVendored") return [];
      return [
        ...(existsSync(path.join(repoRoot, VENDOR_DIR, entry.valuesSchema))
          ? []
          : [`${chart}: ${entry.valuesSchema} does not exist`]),
        ...(sources.files[entry.valuesSchema]
          ? []
          : [`${chart}: ${entry.valuesSchema} has no entry in files`]),
      ];
    });
    expect(problems).toEqual([]);
  });

  it("says which vendored files are not proven to be the pinned release's (README.md, Provenance)", () => {
    const unproven = Object.entries(sources.files)
      .filter(([, file]) => !file.matchesPin)
      .map(([name]) => name);
    expect(unproven.sort()).toEqual([
      "crds/vpcresources.k8s.aws_securitygrouppolicies.yaml",
      "values-schemas/external-secrets-00c5cec.json",
      "values-schemas/loki-7924779.json",
      "values-schemas/opentelemetry-collector-0.130.1.json",
    ]);
  });

  it("records the source of every vendored CRD, and holds each one it records", () => {
    const crds = Object.values(VENDORED_CRDS).flat();
    expect(crds.length).toBeGreaterThan(0);
    for (const file of crds) {
      expect({ file, recorded: sources.files[file]?.repo !== undefined }).toEqual({ file, recorded: true });
      expect(existsSync(path.join(repoRoot, VENDOR_DIR, file))).toBe(true);
    }
  });
});

describe("the values check", () => {
  const collector = () => pins.find((pin) => pin.chart === "opentelemetry-collector")!;

  it("catches a key the chart's schema does not allow", () => {
    const values = structuredClone(collector().values);
    (values.image as Record<string, unknown>).repositry = "otel/opentelemetry-collector-contrib";
    expect(valuesErrors(sources.charts["opentelemetry-collector"]!.valuesSchema, values)).toEqual([
      ".image: unknown key repositry",
    ]);
  });

  it("catches a value of the wrong type or outside an enum", () => {
    const values = structuredClone(collector().values);
    values.mode = "replicaset";
    (values.service as Record<string, unknown>).enabled = "true";
    expect(valuesErrors(sources.charts["opentelemetry-collector"]!.valuesSchema, values)).toEqual([
      ".mode: should be equal to one of the allowed values",
      ".service.enabled: should be boolean",
    ]);
  });

  it("fails when a chart is bumped without bringing gitops/vendor/ along", () => {
    const bumped = pins.map((pin) => (pin.chart === "traefik" ? { ...pin, version: "41.3.0" } : pin));
    expect(pinMismatches(bumped, sources)).toEqual([
      "traefik is pinned at 41.3.0 (gitops/platform/apps (Application traefik)) but gitops/vendor/ holds 41.2.0",
    ]);
  });

  it("fails when Argo CD's chart is bumped in Terraform", () => {
    const bumped = pins.map((pin) => (pin.chart === "argo-cd" ? { ...pin, version: "10.3.0" } : pin));
    expect(pinMismatches(bumped, sources)).toEqual([
      "argo-cd is pinned at 10.3.0 (terraform/modules/gitops-bootstrap/variables.tf) but gitops/vendor/ holds 10.2.1",
    ]);
  });
});
