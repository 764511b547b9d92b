// Checks over the Argo CD objects an environment's bootstrap renders: what each Application deploys,
// from where, in which order, and whether its project allows it.
import { existsSync } from "node:fs";
import path from "node:path";
import { parse as parseYaml } from "yaml";
import { type K8sObject, kustomizationDirs, objectId, render, repoRoot } from "./render";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

export const REPOSITORY = "https://github.com/parley-messaging/parley.git";

/** Custom resource groups and the Application that installs their CRDs. */
const CRD_PROVIDERS: Record<string, string> = {
  "monitoring.coreos.com": "kube-prometheus-stack",
  "external-secrets.io": "external-secrets",
};

/** A cluster-scoped kind that a project must list in clusterResourceWhitelist. */
const CLUSTER_SCOPED = new Set(["Namespace", "ClusterSecretStore", "ClusterRole", "ClusterRoleBinding"]);

export interface App {
  name: string;
  /** The Application, or the ApplicationSet whose template makes it. */
  object: K8sObject;
  spec: Json;
  wave: number;
}

const waveOf = (meta: Json) => Number(meta?.annotations?.["argocd.argoproj.io/sync-wave"] ?? "0");

/** Applications, and the Application each ApplicationSet template makes (one per cluster here). */
export function applications(objects: K8sObject[]): App[] {
  return objects.flatMap((o): App[] => {
    if (o.kind === "Application")
      return [{ name: o.metadata.name, object: o, spec: o.spec, wave: waveOf(o.metadata) }];
    if (o.kind === "ApplicationSet") {
      const template = o.spec.template;
      return [{ name: template.metadata.name, object: o, spec: template.spec, wave: waveOf(o.metadata) }];
    }
    return [];
  });
}

const isGit = (source: Json) => source.chart === undefined;

/** The objects a git-sourced Application deploys (its path rendered), or undefined for a chart. */
export function deployedObjects(app: App): K8sObject[] | undefined {
  return isGit(app.spec.source) ? render(app.spec.source.path) : undefined;
}

export function sources(objects: K8sObject[]): string[] {
  const dirs = kustomizationDirs();
  return applications(objects).flatMap((app) => {
    const source = app.spec.source;
    if (source === undefined) return [`${app.name}: no single source`];
    if (isGit(source)) {
      if (source.repoURL !== REPOSITORY)
        return [`${app.name}: git source ${source.repoURL} is not this repository`];
      if (source.targetRevision !== "main") return [`${app.name}: tracks ${source.targetRevision}, not main`];
      if (!existsSync(path.join(repoRoot, source.path)))
        return [`${app.name}: path ${source.path} does not exist`];
      if (!dirs.includes(source.path)) return [`${app.name}: path ${source.path} is not a Kustomization`];
      return [];
    }
    return /^\d+\.\d+\.\d+$/.test(source.targetRevision)
      ? []
      : [`${app.name}: chart ${source.chart} version ${source.targetRevision} is not pinned`];
  });
}

export function syncPolicies(objects: K8sObject[]): string[] {
  return applications(objects).flatMap((app) => {
    const policy = app.spec.syncPolicy ?? {};
    const problems: string[] = [];
    if (policy.automated?.prune !== true) problems.push(`${app.name}: automated sync does not prune`);
    if (policy.automated?.selfHeal !== true) problems.push(`${app.name}: automated sync does not self-heal`);
    if (policy.retry === undefined) problems.push(`${app.name}: failed syncs are not retried`);
    return problems;
  });
}

/** Every value under a key named `key`, at any depth of a Helm values object. */
function valuesAt(values: Json, key: string): Json[] {
  if (values === null || typeof values !== "object") return [];
  return Object.entries(values).flatMap(([k, v]) => [...(k === key ? [v] : []), ...valuesAt(v, key)]);
}

/** The API groups whose custom resources an Application creates. */
function usedGroups(app: App): Set<string> {
  const objects = deployedObjects(app);
  if (objects !== undefined) return new Set(objects.map((o) => o.apiVersion.split("/")[0]!));
  // Charts create ServiceMonitors when their values enable one.
  const monitors = valuesAt(app.spec.source.helm?.valuesObject, "serviceMonitor").some(
    (v) => v?.enabled === true,
  );
  return new Set(monitors ? ["monitoring.coreos.com"] : []);
}

/** Secrets (by namespace/name) an Application creates, directly or through ExternalSecrets. */
function createdSecrets(app: App): string[] {
  return (deployedObjects(app) ?? [])
    .filter((o) => o.kind === "Secret" || o.kind === "ExternalSecret")
    .map((o) => {
      const name = o.kind === "ExternalSecret" ? (o.spec.target?.name ?? o.metadata.name) : o.metadata.name;
      return `${o.metadata.namespace ?? app.spec.destination.namespace}/${name}`;
    });
}

/**
 * An Application comes in a later wave than the ones it depends on: those installing the CRDs of the
 * custom resources it creates, and those creating the Secrets its chart values name (existingSecret).
 */
export function waves(objects: K8sObject[]): string[] {
  const apps = applications(objects);
  const projectWave = Math.max(
    ...objects.filter((o) => o.kind === "AppProject").map((p) => waveOf(p.metadata)),
  );
  const problems: string[] = [];
  for (const app of apps) {
    if (!(app.wave > projectWave))
      problems.push(`${app.name}: wave ${app.wave} is not after the AppProjects`);
    for (const group of usedGroups(app)) {
      const provider = apps.find((a) => a.name === CRD_PROVIDERS[group]);
      if (CRD_PROVIDERS[group] !== undefined && !(provider !== undefined && app.wave > provider.wave))
        problems.push(
          `${app.name}: uses ${group} in wave ${app.wave}, not after ${CRD_PROVIDERS[group]} installs it`,
        );
    }
    for (const secret of valuesAt(app.spec.source.helm?.valuesObject, "existingSecret")) {
      if (typeof secret !== "string" || secret === "") continue;
      const wanted = `${app.spec.destination.namespace}/${secret}`;
      const provider = apps.find((a) => createdSecrets(a).includes(wanted));
      if (provider === undefined)
        problems.push(`${app.name}: needs Secret ${wanted}, which no Application creates`);
      else if (!(app.wave > provider.wave))
        problems.push(
          `${app.name}: needs Secret ${wanted} in wave ${app.wave}, not after ${provider.name} creates it`,
        );
    }
  }
  return problems;
}

/** Each Application's project exists and allows its source, destination and every object it deploys. */
export function projects(objects: K8sObject[]): string[] {
  const problems: string[] = [];
  for (const app of applications(objects)) {
    const project = objects.find((o) => o.kind === "AppProject" && o.metadata.name === app.spec.project);
    if (project === undefined) {
      problems.push(`${app.name}: project ${app.spec.project} does not exist`);
      continue;
    }
    if (!project.spec.sourceRepos.includes(app.spec.source.repoURL))
      problems.push(`${app.name}: project ${app.spec.project} does not allow ${app.spec.source.repoURL}`);
    const allowsNamespace = (namespace: string) =>
      (project.spec.destinations as Json[]).some((d) => d.namespace === namespace || d.namespace === "*");
    if (!allowsNamespace(app.spec.destination.namespace))
      problems.push(
        `${app.name}: project ${app.spec.project} does not allow namespace ${app.spec.destination.namespace}`,
      );
    for (const o of deployedObjects(app) ?? []) {
      const group = o.apiVersion.includes("/") ? o.apiVersion.split("/")[0] : "";
      const clusterScoped = CLUSTER_SCOPED.has(o.kind);
      const list: Json[] = (clusterScoped
        ? project.spec.clusterResourceWhitelist
        : project.spec.namespaceResourceWhitelist) ?? [{ group: "*", kind: "*" }];
      if (!list.some((e) => (e.group === "*" || e.group === group) && (e.kind === "*" || e.kind === o.kind)))
        problems.push(`${app.name}: project ${app.spec.project} does not allow ${o.kind}`);
      if (!clusterScoped && !allowsNamespace(o.metadata.namespace ?? app.spec.destination.namespace))
        problems.push(`${app.name}: project ${app.spec.project} does not allow ${objectId(o)}`);
    }
  }
  return [...new Set(problems)];
}

function pointerExists(object: Json, pointer: string): boolean {
  let at = object;
  for (const part of pointer.split("/").slice(1)) {
    const key = part.replace(/~1/g, "/").replace(/~0/g, "~");
    if (at === null || typeof at !== "object" || !(key in at)) return false;
    at = at[key];
  }
  return true;
}

/** The Kustomize patches an Application adds hit an object of its path, at paths that exist. */
export function inlinePatches(objects: K8sObject[]): string[] {
  return applications(objects).flatMap((app) =>
    ((app.spec.source?.kustomize?.patches ?? []) as Json[]).flatMap((patch) => {
      const target = (deployedObjects(app) ?? []).find(
        (o) => o.kind === patch.target.kind && o.metadata.name === patch.target.name,
      );
      if (target === undefined)
        return [`${app.name}: patch target ${patch.target.kind} ${patch.target.name} not found`];
      const operations = (patch.patch as string).match(/path: (\S+)/g) ?? [];
      return operations
        .map((line) => line.slice("path: ".length))
        .filter((pointer) => !pointerExists(target, pointer))
        .map((pointer) => `${app.name}: patch path ${pointer} not in ${objectId(target)}`);
    }),
  );
}

/** Cluster-secret annotations that ApplicationSet templates read. */
export function clusterAnnotations(objects: K8sObject[]): string[] {
  const text = JSON.stringify(objects.filter((o) => o.kind === "ApplicationSet"));
  return [
    ...new Set([...text.matchAll(/index \.metadata\.annotations \\"([^"\\]+)\\"/g)].map((m) => m[1]!)),
  ].sort();
}

/**
 * Evaluates the Go template of an ApplicationSet's string as the clusters generator would for a
 * cluster Secret with `annotations`, as far as this repository's templates go: the annotations
 * through `index .metadata.annotations "<key>"` (a missing one is an error, as `missingkey=error`
 * makes it), `.server`, and raw strings that write template braces through for External Secrets.
 */
export function evaluateClusterTemplate(text: string, annotations: Record<string, string>): string {
  return text.replace(/\{\{(.*?)\}\}(?!`)/gs, (whole, inner: string) => {
    const action = inner.trim();
    // A raw string may hold "}}" itself, hence the lookahead above: it ends only at "}}" after "`".
    const raw = /^`(.*)`$/s.exec(action);
    if (raw) return raw[1]!;
    const annotation = /^index \.metadata\.annotations "([^"]+)"$/.exec(action);
    if (annotation) {
      const value = annotations[annotation[1]!];
      if (value === undefined) throw new Error(`map has no entry for key "${annotation[1]}"`);
      return value;
    }
    if (action === ".server") return "https://kubernetes.default.svc";
    throw new Error(`template action ${whole} is not evaluated here`);
  });
}

/** RFC 6902 `replace` and `add`, the operations this repository's inline patches use. */
function applyOperation(object: Json, operation: Json) {
  const parts = (operation.path as string)
    .split("/")
    .slice(1)
    .map((part) => part.replace(/~1/g, "/").replace(/~0/g, "~"));
  const last = parts.pop()!;
  let parent = object;
  for (const part of parts) {
    if (parent === null || typeof parent !== "object" || !(part in parent))
      throw new Error(`patch path ${operation.path} not found`);
    parent = parent[part];
  }
  if (operation.op === "replace" && !(last in parent))
    throw new Error(`patch path ${operation.path} not found`);
  if (operation.op !== "replace" && operation.op !== "add")
    throw new Error(`patch op ${operation.op} is not applied here`);
  if (Array.isArray(parent) && operation.op === "add")
    parent.splice(last === "-" ? parent.length : Number(last), 0, operation.value);
  else parent[last] = operation.value;
}

/**
 * What an ApplicationSet's Application deploys to a cluster whose Secret carries `annotations`: its
 * path rendered, with its inline Kustomize patches evaluated and applied.
 */
export function deployedWithClusterFacts(app: App, annotations: Record<string, string>): K8sObject[] {
  const objects = deployedObjects(app);
  if (objects === undefined) throw new Error(`${app.name} deploys a chart`);
  for (const patch of (app.spec.source.kustomize?.patches ?? []) as Json[]) {
    const operations = parseYaml(evaluateClusterTemplate(patch.patch, annotations)) as Json[];
    const targets = objects.filter(
      (o) => o.kind === patch.target.kind && o.metadata.name === patch.target.name,
    );
    if (targets.length === 0)
      throw new Error(`patch target ${patch.target.kind} ${patch.target.name} not found`);
    for (const target of targets) for (const operation of operations) applyOperation(target, operation);
  }
  return objects;
}
