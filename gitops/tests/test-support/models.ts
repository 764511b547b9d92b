// Where the schema of each apiVersion/kind lives: a custom resource's in the CRD vendored from the
// release the cluster runs (gitops/vendor/, checked by crds.ts); the Kubernetes API's in
// kubernetes-models (schema and TypeScript type). The custom resources whose CRD is not vendored
// yet (gitops/vendor/sources.yaml, `notVendored`) still use the @kubernetes-models/* packages,
// generated from CRDs of other versions.
import { execFileSync } from "node:child_process";
import path from "node:path";
import { checkCustomResource, vendoredCrdFor } from "./crds";
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

/** Whether the object is a custom resource whose CRD is vendored. */
export const isCustomResource = (object: { apiVersion: string; kind: string }) =>
  vendoredCrdFor(object.apiVersion, object.kind) !== undefined;

/**
 * Validates each object against its schema (types, enums, patterns, required fields): a custom
 * resource against its vendored CRD, anything else against its kubernetes-models model. The model
 * packages are ES modules only, which Jest's CommonJS runtime cannot load, so a node child process
 * does that validating. Returns one message per invalid object; unknown fields are unknownFields'.
 */
export function schemaErrors(objects: K8sObject[]): string[] {
  const results = new Map<K8sObject, string>();
  const core = objects.filter((object) => !isCustomResource(object));
  for (const object of objects.filter(isCustomResource)) {
    const { unchecked, errors } = checkCustomResource(object);
    if (unchecked !== undefined)
      results.set(object, `no schema for ${object.apiVersion} ${object.kind} (${unchecked})`);
    else if (errors.length > 0) results.set(object, errors.join("; "));
  }
  if (core.length > 0) {
    const input = core.map((object) => ({ ...modelOf(object.apiVersion, object.kind), object }));
    const output = execFileSync(process.execPath, [path.join(__dirname, "validate-models.mjs")], {
      input: JSON.stringify(input),
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    });
    (JSON.parse(output) as (string | null)[]).forEach((error, i) => {
      if (error !== null) results.set(core[i]!, error);
    });
  }
  return objects.flatMap((object) =>
    results.has(object) ? [`${objectId(object)}: ${results.get(object)}`] : [],
  );
}
