// Renders Kustomize directories with the kubectl on the machine and parses the result. Rendering is
// the slow part of these tests, so each directory renders once per test file; callers get copies
// they may change.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { parseAllDocuments } from "yaml";

export const repoRoot = path.resolve(__dirname, "../../..");

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  // Rendered objects are checked field by field; the tests narrow what they read.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  [field: string]: any;
}

/** The cloud environments are cdktf/'s (dev, staging, production); local is Tilt's kind cluster. */
export const ENVIRONMENTS = ["local", "dev", "staging", "production"] as const;
export const CLOUD_ENVIRONMENTS = ["dev", "staging", "production"] as const;
export const overlayDir = (environment: string) => `gitops/overlays/${environment}`;

export function parseYamlStream(text: string): K8sObject[] {
  return parseAllDocuments(text)
    .map((document) => {
      if (document.errors.length > 0) throw new Error(document.errors.map((e) => e.message).join("\n"));
      return document.toJS() as K8sObject | null;
    })
    .filter((object): object is K8sObject => object !== null);
}

const rendered = new Map<string, K8sObject[]>();

/** The objects a Kustomize directory (relative to the repository root) renders to. */
export function render(dir: string): K8sObject[] {
  let objects = rendered.get(dir);
  if (objects === undefined) {
    let output: string;
    try {
      output = execFileSync("kubectl", ["kustomize", path.join(repoRoot, dir)], {
        encoding: "utf8",
        maxBuffer: 64 * 1024 * 1024,
        stdio: ["ignore", "pipe", "pipe"],
      });
    } catch (error) {
      const reason =
        (error as { code?: string; stderr?: string }).code === "ENOENT" ? "kubectl is not installed" : "";
      throw new Error(`kubectl kustomize ${dir} failed: ${reason || (error as { stderr?: string }).stderr}`);
    }
    objects = parseYamlStream(output);
    rendered.set(dir, objects);
  }
  return structuredClone(objects);
}

/** Every directory under gitops/ that is a Kustomization of its own (Components render only inside one). */
export function kustomizationDirs(): string[] {
  const found: string[] = [];
  const visit = (dir: string) => {
    const file = path.join(repoRoot, dir, "kustomization.yaml");
    if (existsSync(file) && !/^kind:\s*Component\s*$/m.test(readFileSync(file, "utf8"))) found.push(dir);
    for (const entry of readdirSync(path.join(repoRoot, dir), { withFileTypes: true })) {
      if (entry.isDirectory() && entry.name !== "node_modules") visit(`${dir}/${entry.name}`);
    }
  };
  visit("gitops");
  return found.sort();
}

export const objectId = (o: K8sObject) =>
  `${o.kind}/${o.metadata.namespace ? `${o.metadata.namespace}/` : ""}${o.metadata.name}`;

export function find(objects: K8sObject[], kind: string, name: string): K8sObject {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name}`);
  return found;
}
