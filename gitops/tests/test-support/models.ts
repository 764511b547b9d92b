// Where the model (schema and TypeScript type) of each apiVersion/kind lives: the Kubernetes API in
// kubernetes-models, the custom resources in @kubernetes-models/* generated from the projects' CRDs,
// and the few custom resources no such package has in a CRD vendored under gitops/vendor/crds/.
import { execFileSync } from "node:child_process";
import path from "node:path";
import { crdSchemaError, hasVendoredCrd } from "./crd-schemas";
import { type K8sObject, objectId } from "./render";

const CRD_PACKAGES: Record<string, string> = {
  "argoproj.io": "@kubernetes-models/argo-cd",
  "monitoring.coreos.com": "@kubernetes-models/prometheus-operator",
  "external-secrets.io": "@kubernetes-models/external-secrets",
};

export interface ModelLocation {
  /** The module exporting the model class `kind` and its interface `I${kind}`. */
  module: string;
  kind: string;
}

export function modelOf(apiVersion: string, kind: string): ModelLocation {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  const pkg = CRD_PACKAGES[group ?? ""] ?? "kubernetes-models";
  const module = group ? `${pkg}/${group}/${version}/${kind}` : `${pkg}/${version}/${kind}`;
  return { module, kind };
}

/**
 * Validates each object against its model's schema (types, enums, required fields). The model
 * packages are ES modules only, which Jest's CommonJS runtime cannot load, so a node child process
 * does the validating. Returns one message per invalid object.
 */
export function schemaErrors(objects: K8sObject[]): string[] {
  // Kinds without a model package are checked against their vendored CRD (crd-schemas.ts).
  const modelled = objects.filter((object) => !hasVendoredCrd(object));
  const input = modelled.map((object) => ({ ...modelOf(object.apiVersion, object.kind), object }));
  const output = execFileSync(process.execPath, [path.join(__dirname, "validate-models.mjs")], {
    input: JSON.stringify(input),
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  const results = JSON.parse(output) as (string | null)[];
  const errors = new Map(modelled.map((object, i) => [object, results[i] ?? null]));
  return objects.flatMap((object) => {
    const error = hasVendoredCrd(object) ? crdSchemaError(object) : errors.get(object)!;
    return error === null ? [] : [`${objectId(object)}: ${error}`];
  });
}
