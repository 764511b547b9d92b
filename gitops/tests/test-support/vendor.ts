// The Helm charts the project pins, the values it gives them, and the chart's values.schema.json
// that gitops/vendor/ holds for each (gitops/vendor/sources.yaml).
import Ajv from "ajv";
import { readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { applications } from "./argocd";
import { render, repoRoot } from "./render";

export interface ChartEntry {
  version: string;
  appVersion?: string;
  /** Path under gitops/vendor/, or `none` (the chart ships none), or `notVendored`. */
  valuesSchema: string;
}

export interface FileEntry {
  repo: string;
  path: string;
  commit: string;
  release: string;
  matchesPin: boolean;
  copy: string;
}

export interface Sources {
  charts: Record<string, ChartEntry>;
  files: Record<string, FileEntry>;
}

export const VENDOR_DIR = "gitops/vendor";

const read = (file: string) => readFileSync(path.join(repoRoot, file), "utf8");

export const vendorSources = (): Sources => parse(read(`${VENDOR_DIR}/sources.yaml`)) as Sources;

export interface ChartPin {
  chart: string;
  version: string;
  /** The values the project gives the chart. */
  values: Record<string, unknown>;
  /** Where the pin is written. */
  pinnedIn: string;
}

/** The Argo CD chart, which Terraform installs; its version is the gitops-bootstrap module's default. */
export const ARGOCD_MODULE = "terraform/modules/gitops-bootstrap";

function argoCdPin(): ChartPin {
  const variables = read(`${ARGOCD_MODULE}/variables.tf`);
  const version = /variable "argocd_chart_version" \{[^}]*?default\s*=\s*"([^"]+)"/s.exec(variables)?.[1];
  if (version === undefined)
    throw new Error(`no default for argocd_chart_version in ${ARGOCD_MODULE}/variables.tf`);
  const release =
    /resource "helm_release" "argocd" \{[^}]*\}/s.exec(read(`${ARGOCD_MODULE}/main.tf`))?.[0] ?? "";
  if (!/chart\s*=\s*"argo-cd"/.test(release) || !/version\s*=\s*var\.argocd_chart_version/.test(release))
    throw new Error(
      `helm_release.argocd in ${ARGOCD_MODULE}/main.tf no longer installs argo-cd at var.argocd_chart_version`,
    );
  return {
    chart: "argo-cd",
    version,
    values: parse(read(`${ARGOCD_MODULE}/argocd-values.yaml`)) as Record<string, unknown>,
    pinnedIn: `${ARGOCD_MODULE}/variables.tf`,
  };
}

/** Every chart the project installs: Argo CD from Terraform, the rest from gitops/platform/apps. */
export function chartPins(): ChartPin[] {
  const fromApps = applications(render("gitops/platform/apps"))
    .filter((app) => app.spec.source?.chart !== undefined)
    .map((app): ChartPin => ({
      chart: app.spec.source.chart,
      version: app.spec.source.targetRevision,
      values: app.spec.source.helm?.valuesObject ?? {},
      pinnedIn: `gitops/platform/apps (${app.object.kind} ${app.object.metadata.name})`,
    }));
  return [argoCdPin(), ...fromApps];
}

/** One message per pinned chart whose version is not the one gitops/vendor/ was brought to. */
export function pinMismatches(pins: ChartPin[], sources: Sources): string[] {
  return pins.flatMap((pin) => {
    const vendored = sources.charts[pin.chart]?.version;
    if (vendored === undefined) return [`${pin.chart} (${pin.pinnedIn}): not in gitops/vendor/sources.yaml`];
    return vendored === pin.version
      ? []
      : [`${pin.chart} is pinned at ${pin.version} (${pin.pinnedIn}) but gitops/vendor/ holds ${vendored}`];
  });
}

// Chart schemas are draft-07 or declare a later draft while using only what draft-07 has.
const ajv = new Ajv({ allErrors: true, schemaId: "auto" });

/**
 * Helm validates the values merged with the chart's own defaults, which supply what the schema
 * requires; the defaults are not vendored, so `required` is not checked here. Everything else is:
 * types, enums, and the keys an `additionalProperties: false` forbids.
 */
function withoutRequired(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withoutRequired);
  if (schema === null || typeof schema !== "object") return schema;
  return Object.fromEntries(
    Object.entries(schema)
      .filter(([key, value]) => !(key === "required" && Array.isArray(value)) && key !== "$schema")
      .map(([key, value]) => [
        key,
        key === "properties" || key === "patternProperties"
          ? Object.fromEntries(Object.entries(value as object).map(([k, v]) => [k, withoutRequired(v)]))
          : withoutRequired(value),
      ]),
  );
}

const validators = new Map<string, Ajv.ValidateFunction>();

/** The values' violations of the vendored values.schema.json (a path and a message each). */
export function valuesErrors(schemaFile: string, values: unknown): string[] {
  let validate = validators.get(schemaFile);
  if (validate === undefined) {
    validate = ajv.compile(withoutRequired(JSON.parse(read(`${VENDOR_DIR}/${schemaFile}`))) as object);
    validators.set(schemaFile, validate);
  }
  if (validate(values)) return [];
  return (validate.errors ?? []).map((error) => {
    const where = error.dataPath || "(root)";
    if (error.keyword === "additionalProperties")
      return `${where}: unknown key ${(error.params as { additionalProperty: string }).additionalProperty}`;
    return `${where}: ${error.message}`;
  });
}
