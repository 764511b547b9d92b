// Custom resources that no @kubernetes-models package describes are checked against their CRD, an
// unmodified upstream copy under gitops/vendor/crds/ (its source in gitops/vendor/sources.yaml):
// types, enums, bounds and required fields with Ajv, and unknown fields by walking the CRD's
// structural schema, which is what the API server prunes or, with strict field validation, rejects.
import Ajv from "ajv";
import { readFileSync } from "node:fs";
import path from "node:path";
import { parseAllDocuments } from "yaml";
import { type K8sObject, objectId, repoRoot } from "./render";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/** API group → the vendored CRD files (relative to gitops/vendor/) that define its kinds. */
export const VENDORED_CRDS: Record<string, string[]> = {
  // Amazon VPC resource controller, which EKS runs in its control plane.
  "vpcresources.k8s.aws": ["crds/vpcresources.k8s.aws_securitygrouppolicies.yaml"],
};

const groupOf = (apiVersion: string) => (apiVersion.includes("/") ? apiVersion.split("/")[0]! : "");

/** Whether the object's group is checked against a vendored CRD rather than a model package. */
export const hasVendoredCrd = (object: { apiVersion: string }) =>
  VENDORED_CRDS[groupOf(object.apiVersion)] !== undefined;

const crds = new Map<string, Json[]>();

function crdsOf(group: string): Json[] {
  let loaded = crds.get(group);
  if (loaded === undefined) {
    loaded = (VENDORED_CRDS[group] ?? []).flatMap((file) =>
      parseAllDocuments(readFileSync(path.join(repoRoot, "gitops/vendor", file), "utf8"))
        .map((document) => document.toJS() as Json)
        .filter((document) => document?.kind === "CustomResourceDefinition"),
    );
    crds.set(group, loaded);
  }
  return loaded;
}

/** The openAPIV3Schema of the object's apiVersion and kind in the vendored CRD, if it serves them. */
export function crdSchema(apiVersion: string, kind: string): Json | undefined {
  const [group, version] = apiVersion.split("/");
  const crd = crdsOf(group!).find((c) => c.spec.group === group && c.spec.names.kind === kind);
  return crd?.spec.versions.find((v: Json) => v.name === version && v.served)?.schema?.openAPIV3Schema;
}

// Ajv ignores the x-kubernetes-* keywords, which only steer merging and pruning.
const ajv = new Ajv({ allErrors: true });
const validators = new Map<Json, Ajv.ValidateFunction>();

/** The object's violations of its vendored CRD schema, as one message, or null when it is valid. */
export function crdSchemaError(object: K8sObject): string | null {
  const schema = crdSchema(object.apiVersion, object.kind);
  if (schema === undefined)
    return `no schema for ${object.apiVersion} ${object.kind} in the vendored CRDs (${(VENDORED_CRDS[groupOf(object.apiVersion)] ?? []).join(", ")})`;
  let validate = validators.get(schema);
  if (validate === undefined) {
    validate = ajv.compile(schema);
    validators.set(schema, validate);
  }
  if (validate(object)) return null;
  return (validate.errors ?? []).map((e) => `${e.dataPath || "(root)"} ${e.message}`).join("; ");
}

function walk(value: unknown, schema: Json, at: string, problems: string[]) {
  if (value === null || typeof value !== "object" || schema === undefined) return;
  if (schema["x-kubernetes-preserve-unknown-fields"]) return;
  if (Array.isArray(value)) {
    value.forEach((item, i) => walk(item, schema.items, `${at}[${i}]`, problems));
    return;
  }
  if (schema.properties) {
    for (const [field, child] of Object.entries(value)) {
      const declared = schema.properties[field];
      if (declared === undefined) problems.push(`${at}.${field}: unknown field`);
      else walk(child, declared, `${at}.${field}`, problems);
    }
  } else if (typeof schema.additionalProperties === "object") {
    for (const [field, child] of Object.entries(value))
      walk(child, schema.additionalProperties, `${at}.${field}`, problems);
  }
  // An object schema without properties (metadata in every CRD) is free-form here.
}

/** One message per field that the object's vendored CRD does not declare, with its path. */
export function crdUnknownFields(object: K8sObject): string[] {
  const schema = crdSchema(object.apiVersion, object.kind);
  if (schema === undefined)
    return [`${objectId(object)}: no vendored CRD for ${object.apiVersion} ${object.kind}`];
  const problems: string[] = [];
  walk(object, schema, objectId(object), problems);
  return problems;
}
