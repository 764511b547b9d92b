// Validates custom resources against the CRDs vendored in gitops/vendor/crds/ (their sources and
// versions are in gitops/vendor/sources.yaml and gitops/vendor/README.md). The check is the API
// server's with strict field validation: the served version's openAPIV3Schema, where an object that
// does not say x-kubernetes-preserve-unknown-fields admits no field it does not declare.
import Ajv from "ajv";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { parseAllDocuments } from "yaml";
import { type K8sObject, repoRoot } from "./render";

export const VENDOR_DIR = "gitops/vendor";
const CRD_DIR = `${VENDOR_DIR}/crds`;

type Schema = { [keyword: string]: unknown };

export interface VendoredCrd {
  /** Path relative to the repository root. */
  file: string;
  group: string;
  kind: string;
  versions: { name: string; served: boolean; schema?: { openAPIV3Schema: Schema } }[];
}

let crds: VendoredCrd[] | undefined;

export function vendoredCrds(): VendoredCrd[] {
  crds ??= readdirSync(path.join(repoRoot, CRD_DIR))
    .filter((name) => name.endsWith(".yaml"))
    .sort()
    .map((name) => {
      const file = `${CRD_DIR}/${name}`;
      const crd = parseAllDocuments(readFileSync(path.join(repoRoot, file), "utf8"))
        .map((document) => document.toJS() as unknown)
        .find((document) => document !== null) as {
        kind: string;
        spec: { group: string; names: { kind: string }; versions: VendoredCrd["versions"] };
      };
      if (crd.kind !== "CustomResourceDefinition")
        throw new Error(`${file} is not a CustomResourceDefinition`);
      return { file, group: crd.spec.group, kind: crd.spec.names.kind, versions: crd.spec.versions };
    });
  return crds;
}

export const groupOf = (apiVersion: string) => (apiVersion.includes("/") ? apiVersion.split("/")[0]! : "");

/** The vendored CRD of an apiVersion's group and kind (whichever versions it serves). */
export const vendoredCrdFor = (apiVersion: string, kind: string) =>
  vendoredCrds().find((crd) => crd.group === groupOf(apiVersion) && crd.kind === kind);

// What the API server itself checks in metadata (ObjectMeta), as strictly as the rest.
const STRING_MAP = { type: "object", additionalProperties: { type: "string" } };
const OBJECT_META: Schema = {
  type: "object",
  additionalProperties: false,
  properties: {
    name: { type: "string" },
    generateName: { type: "string" },
    namespace: { type: "string" },
    labels: STRING_MAP,
    annotations: STRING_MAP,
    finalizers: { type: "array", items: { type: "string" } },
    ownerReferences: { type: "array", items: { type: "object" } },
    uid: { type: "string" },
    resourceVersion: { type: "string" },
    generation: { type: "integer" },
    creationTimestamp: { type: ["string", "null"] },
    deletionTimestamp: { type: "string" },
    deletionGracePeriodSeconds: { type: "integer" },
    managedFields: { type: "array", items: { type: "object" } },
    selfLink: { type: "string" },
  },
};

/**
 * The openAPIV3Schema of a CRD as a JSON Schema that checks what the API server checks, strictly:
 * - an object schema without `x-kubernetes-preserve-unknown-fields: true` gets
 *   `additionalProperties: false` (the server prunes, or with strict validation rejects, the rest);
 * - `x-kubernetes-int-or-string: true` accepts an integer or a string;
 * - `x-kubernetes-embedded-resource: true` is an object with apiVersion, kind and ObjectMeta;
 * - `metadata` at the root is ObjectMeta, which the CRD leaves to the server.
 * allOf/anyOf/oneOf/not in a structural schema only add value validations, so their branches are
 * kept as they are. CEL rules (x-kubernetes-validations) are not evaluated.
 */
export function strictSchema(schema: Schema): Schema {
  const converted = convert(schema);
  const properties = (converted.properties ?? {}) as Record<string, Schema>;
  return { ...converted, properties: { ...properties, metadata: OBJECT_META } };
}

/**
 * Kubernetes checks `pattern` with Go's RE2; JavaScript has no inline flags, so a leading `(?i)` is
 * spelt out as character classes where that is simple, and a pattern JavaScript cannot compile at
 * all is left unchecked rather than guessed.
 */
function jsPattern(pattern: string): string | undefined {
  let candidate = pattern;
  if (candidate.includes("(?i)")) {
    const rest = candidate.replace("(?i)", "");
    if (/[[\\]/.test(rest)) return undefined;
    candidate = rest.replace(/[A-Za-z]/g, (c) => `[${c.toLowerCase()}${c.toUpperCase()}]`);
  }
  try {
    new RegExp(candidate);
    return candidate;
  } catch {
    return undefined;
  }
}

function convert(schema: Schema): Schema {
  const out: Schema = { ...schema };
  if (typeof schema.pattern === "string") {
    const pattern = jsPattern(schema.pattern);
    if (pattern === undefined) delete out.pattern;
    else out.pattern = pattern;
  }
  if (schema["x-kubernetes-int-or-string"] === true) {
    delete out.type;
    out.anyOf = [{ type: "integer" }, { type: "string" }];
  }
  if (schema.properties !== undefined) {
    out.properties = Object.fromEntries(
      Object.entries(schema.properties as Record<string, Schema>).map(([name, child]) => [
        name,
        convert(child),
      ]),
    );
  }
  if (schema.items !== undefined) out.items = convert(schema.items as Schema);
  if (typeof schema.additionalProperties === "object" && schema.additionalProperties !== null) {
    out.additionalProperties = convert(schema.additionalProperties as Schema);
  }
  if (schema["x-kubernetes-embedded-resource"] === true) {
    out.properties = {
      apiVersion: { type: "string" },
      kind: { type: "string" },
      ...(out.properties as Record<string, Schema> | undefined),
      metadata: OBJECT_META,
    };
    out.required = [...new Set([...((schema.required as string[]) ?? []), "apiVersion", "kind"])];
  }
  const isObject = schema.type === "object" || schema.properties !== undefined;
  if (
    isObject &&
    schema["x-kubernetes-preserve-unknown-fields"] !== true &&
    schema.additionalProperties === undefined
  ) {
    out.additionalProperties = false;
  }
  return out;
}

// draft-07 validator; `nullable` is OpenAPI's, and the formats Kubernetes knows but JSON Schema does
// not (int32, int64, byte, ...) only describe the type, which is checked anyway.
const ajv = new Ajv({ allErrors: true, nullable: true, unknownFormats: "ignore", jsonPointers: false });
for (const format of ["int32", "int64", "float", "double", "byte", "binary", "password"])
  ajv.addFormat(format, () => true);
const validators = new Map<string, Ajv.ValidateFunction | string>();

/** The validator for an apiVersion/kind, or why there is none. */
function validatorFor(apiVersion: string, kind: string): Ajv.ValidateFunction | string {
  const key = `${apiVersion}/${kind}`;
  let validator = validators.get(key);
  if (validator === undefined) {
    const group = groupOf(apiVersion);
    const version = apiVersion.slice(group.length + 1);
    const crd = vendoredCrdFor(apiVersion, kind);
    const served = crd?.versions.find((v) => v.name === version);
    if (crd === undefined) validator = `no CRD for ${group} ${kind} is vendored in ${CRD_DIR}`;
    else if (served === undefined || !served.served) validator = `${crd.file} does not serve ${apiVersion}`;
    else if (served.schema === undefined) validator = `${crd.file} has no schema for ${version}`;
    else validator = ajv.compile(strictSchema(served.schema.openAPIV3Schema));
    validators.set(key, validator);
  }
  return validator;
}

const member = (name: string) => (/^[A-Za-z_$][\w$]*$/.test(name) ? `.${name}` : `['${name}']`);

export interface CrdCheck {
  /** Why the object could not be checked (no vendored CRD, version not served). */
  unchecked?: string;
  /** Paths, like `.spec.foo`, of the fields the schema does not declare. */
  unknownFields: string[];
  /** Every other violation: type, enum, pattern, required, ... */
  errors: string[];
}

export function checkCustomResource(object: K8sObject): CrdCheck {
  const validator = validatorFor(object.apiVersion, object.kind);
  if (typeof validator === "string") return { unchecked: validator, unknownFields: [], errors: [] };
  validator(object);
  const unknownFields: string[] = [];
  const errors: string[] = [];
  for (const error of validator.errors ?? []) {
    if (error.keyword === "additionalProperties") {
      const { additionalProperty } = error.params as { additionalProperty: string };
      unknownFields.push(`${error.dataPath}${member(additionalProperty)}`);
    } else {
      errors.push(`${error.dataPath || "(root)"} ${error.message}`);
    }
  }
  return { unknownFields, errors: [...new Set(errors)] };
}
