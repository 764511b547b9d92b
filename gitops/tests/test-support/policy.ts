// Policy rules over rendered objects. Each rule returns one message per violation, so a test can
// assert both that an overlay is clean and that a deliberately broken copy is caught.
import { type K8sObject, objectId } from "./render";

type Labels = Record<string, string>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const WORKLOAD_KINDS = ["Deployment", "StatefulSet", "DaemonSet", "Job"];
const LONG_RUNNING_KINDS = ["Deployment", "StatefulSet", "DaemonSet"];

export interface Workload {
  object: K8sObject;
  namespace: string | undefined;
  podLabels: Labels;
  podSpec: Json;
  containers: Json[];
}

export function workloads(objects: K8sObject[], kinds = WORKLOAD_KINDS): Workload[] {
  return objects
    .filter((o) => kinds.includes(o.kind))
    .map((o) => ({
      object: o,
      namespace: o.metadata.namespace,
      podLabels: o.spec.template.metadata?.labels ?? {},
      podSpec: o.spec.template.spec,
      containers: [...(o.spec.template.spec.initContainers ?? []), ...o.spec.template.spec.containers],
    }));
}

/** Kubernetes label selector semantics (matchLabels and matchExpressions). */
export function selects(selector: Json, labels: Labels): boolean {
  if (selector === undefined || selector === null) return false;
  const matchLabels: Labels = selector.matchLabels ?? {};
  const expressions: Json[] = selector.matchExpressions ?? [];
  return (
    Object.entries(matchLabels).every(([k, v]) => labels[k] === v) &&
    expressions.every((e) => {
      const value = labels[e.key];
      switch (e.operator) {
        case "In":
          return value !== undefined && e.values.includes(value);
        case "NotIn":
          return value === undefined || !e.values.includes(value);
        case "Exists":
          return value !== undefined;
        case "DoesNotExist":
          return value === undefined;
        default:
          throw new Error(`unknown operator ${e.operator}`);
      }
    })
  );
}

const where = (w: Workload, c?: Json) => `${objectId(w.object)}${c ? ` container ${c.name}` : ""}`;

export function probes(objects: K8sObject[]): string[] {
  return workloads(objects, LONG_RUNNING_KINDS).flatMap((w) =>
    w.containers.flatMap((c) => {
      const problems: string[] = [];
      // Init containers run to completion before the others start: Kubernetes probes only the
      // ones that stay (sidecars, restartPolicy Always).
      if ((w.podSpec.initContainers ?? []).includes(c) && c.restartPolicy !== "Always") return problems;
      if (!c.readinessProbe) problems.push(`${where(w, c)}: no readinessProbe`);
      if (!c.livenessProbe) problems.push(`${where(w, c)}: no livenessProbe`);
      const grpcPort = (c.ports ?? []).find((p: Json) => p.name === "grpc");
      const grpcProbed = [c.startupProbe, c.readinessProbe, c.livenessProbe].some(
        (p) => p?.grpc?.port === grpcPort?.containerPort,
      );
      if (grpcPort && !grpcProbed)
        problems.push(`${where(w, c)}: no gRPC health probe on ${grpcPort.containerPort}`);
      return problems;
    }),
  );
}

export function resources(objects: K8sObject[]): string[] {
  return workloads(objects).flatMap((w) =>
    w.containers.flatMap((c) =>
      ["requests", "limits"].flatMap((kind) =>
        ["cpu", "memory"]
          .filter((resource) => c.resources?.[kind]?.[resource] === undefined)
          .map((resource) => `${where(w, c)}: no ${resource} ${kind}`),
      ),
    ),
  );
}

export function securityContexts(objects: K8sObject[]): string[] {
  return workloads(objects).flatMap((w) => {
    const pod = w.podSpec.securityContext ?? {};
    const problems: string[] = [];
    for (const field of ["hostNetwork", "hostPID", "hostIPC"]) {
      if (w.podSpec[field]) problems.push(`${where(w)}: ${field}`);
    }
    for (const c of w.containers) {
      const own = c.securityContext ?? {};
      if ((own.runAsNonRoot ?? pod.runAsNonRoot) !== true)
        problems.push(`${where(w, c)}: runAsNonRoot is not true`);
      if ((own.runAsUser ?? pod.runAsUser) === 0) problems.push(`${where(w, c)}: runs as uid 0`);
      if ((own.seccompProfile ?? pod.seccompProfile)?.type !== "RuntimeDefault")
        problems.push(`${where(w, c)}: seccomp profile is not RuntimeDefault`);
      if (own.allowPrivilegeEscalation !== false)
        problems.push(`${where(w, c)}: allowPrivilegeEscalation is not false`);
      if (own.privileged) problems.push(`${where(w, c)}: privileged`);
      if (own.readOnlyRootFilesystem !== true) problems.push(`${where(w, c)}: root filesystem is writable`);
      if (!(own.capabilities?.drop ?? []).includes("ALL"))
        problems.push(`${where(w, c)}: capabilities not dropped`);
      if ((own.capabilities?.add ?? []).length > 0) problems.push(`${where(w, c)}: adds capabilities`);
    }
    return problems;
  });
}

/** Images are set and carry a version tag or a digest, never `latest`; `untagged` lists the ones Tilt builds. */
export function pinnedImages(objects: K8sObject[], untagged: string[] = []): string[] {
  return workloads(objects).flatMap((w) =>
    w.containers.flatMap((c) => {
      const image: string | undefined = c.image;
      // The schema does not require an image (a Pod template may leave it to a webhook); we do.
      if (!image) return [`${where(w, c)}: no image`];
      if (image.includes("@sha256:")) return [];
      const lastSegment = image.slice(image.lastIndexOf("/") + 1);
      const tag = lastSegment.includes(":") ? lastSegment.slice(lastSegment.indexOf(":") + 1) : undefined;
      if (tag === undefined)
        return untagged.includes(image) ? [] : [`${where(w, c)}: image ${image} has no tag`];
      if (tag === "latest" || !/\d/.test(tag))
        return [`${where(w, c)}: image ${image} is not pinned to a version`];
      return [];
    }),
  );
}

const isDefaultDeny = (p: K8sObject) =>
  Object.keys(p.spec.podSelector ?? {}).length === 0 &&
  ["Ingress", "Egress"].every((t) => (p.spec.policyTypes ?? []).includes(t)) &&
  (p.spec.ingress ?? []).length === 0 &&
  (p.spec.egress ?? []).length === 0;

/** Every namespace with workloads denies by default, and each workload has policies of its own. */
export function networkPolicyCoverage(objects: K8sObject[]): string[] {
  const policies = objects.filter((o) => o.kind === "NetworkPolicy");
  const problems: string[] = [];
  const namespaces = new Set(workloads(objects).map((w) => w.namespace));
  for (const namespace of namespaces) {
    if (!policies.some((p) => p.metadata.namespace === namespace && isDefaultDeny(p)))
      problems.push(`namespace ${namespace}: no default-deny NetworkPolicy`);
  }
  for (const w of workloads(objects)) {
    const own = policies.filter(
      (p) =>
        p.metadata.namespace === w.namespace &&
        Object.keys(p.spec.podSelector ?? {}).length > 0 &&
        selects(p.spec.podSelector, w.podLabels),
    );
    if (own.length === 0) problems.push(`${where(w)}: no NetworkPolicy selects its pods`);
  }
  return problems;
}

export function disruptionBudgets(objects: K8sObject[]): string[] {
  const budgets = objects.filter((o) => o.kind === "PodDisruptionBudget");
  return workloads(objects, LONG_RUNNING_KINDS)
    .filter(
      (w) =>
        !budgets.some((b) => b.metadata.namespace === w.namespace && selects(b.spec.selector, w.podLabels)),
    )
    .map((w) => `${where(w)}: no PodDisruptionBudget`);
}

/** Each Service selects pods, and each of its target ports is a port of those pods' containers. */
export function servicePorts(objects: K8sObject[]): string[] {
  return objects
    .filter((o) => o.kind === "Service" && o.spec.selector)
    .flatMap((service) => {
      const backends = workloads(objects).filter(
        (w) =>
          w.namespace === service.metadata.namespace &&
          selects({ matchLabels: service.spec.selector }, w.podLabels),
      );
      if (backends.length === 0) return [`${objectId(service)}: selects no pods`];
      return (service.spec.ports as Json[]).flatMap((port) => {
        const target = port.targetPort ?? port.port;
        const matches = backends.every((w) =>
          w.containers.some((c) =>
            (c.ports ?? []).some(
              (p: Json) => (typeof target === "string" ? p.name : p.containerPort) === target,
            ),
          ),
        );
        return matches
          ? []
          : [`${objectId(service)}: port ${port.name ?? port.port} targets ${target}, which no pod exposes`];
      });
    });
}

/** Names of the Secrets that something in the render creates. */
function secretSources(objects: K8sObject[]): Set<string> {
  const names = new Set<string>();
  for (const o of objects) {
    if (o.kind === "Secret") names.add(o.metadata.name);
    if (o.kind === "ExternalSecret") names.add(o.spec.target?.name ?? o.metadata.name);
    for (const name of (o.metadata.annotations?.["parley.dev/generates-secrets"] ?? "").split(",")) {
      if (name) names.add(name.trim());
    }
  }
  return names;
}

/** Every ConfigMap, Secret, ServiceAccount and Service that something refers to exists. */
export function references(objects: K8sObject[]): string[] {
  const exists = (kind: string, name: string, namespace: string | undefined) =>
    objects.some((o) => o.kind === kind && o.metadata.name === name && o.metadata.namespace === namespace);
  const secrets = secretSources(objects);
  const problems: string[] = [];
  for (const w of workloads(objects)) {
    const configMap = (name: string, optional?: boolean) => {
      if (!optional && !exists("ConfigMap", name, w.namespace))
        problems.push(`${where(w)}: ConfigMap ${name} not found`);
    };
    const secret = (name: string, optional?: boolean) => {
      if (!optional && !secrets.has(name))
        problems.push(`${where(w)}: Secret ${name} is neither in git nor generated`);
    };
    const account = w.podSpec.serviceAccountName;
    if (account && !exists("ServiceAccount", account, w.namespace))
      problems.push(`${where(w)}: ServiceAccount ${account} not found`);
    for (const c of w.containers) {
      for (const from of c.envFrom ?? []) {
        if (from.configMapRef) configMap(from.configMapRef.name, from.configMapRef.optional);
        if (from.secretRef) secret(from.secretRef.name, from.secretRef.optional);
      }
      for (const env of c.env ?? []) {
        const ref = env.valueFrom ?? {};
        if (ref.configMapKeyRef) configMap(ref.configMapKeyRef.name, ref.configMapKeyRef.optional);
        if (ref.secretKeyRef) secret(ref.secretKeyRef.name, ref.secretKeyRef.optional);
      }
    }
    for (const volume of w.podSpec.volumes ?? []) {
      if (volume.configMap) configMap(volume.configMap.name, volume.configMap.optional);
      if (volume.secret) secret(volume.secret.secretName, volume.secret.optional);
    }
  }
  for (const ingress of objects.filter((o) => o.kind === "Ingress")) {
    for (const rule of ingress.spec.rules ?? []) {
      for (const p of rule.http?.paths ?? []) {
        const name = p.backend.service?.name;
        if (name && !exists("Service", name, ingress.metadata.namespace))
          problems.push(`${objectId(ingress)}: backend Service ${name} not found`);
      }
    }
  }
  for (const hpa of objects.filter((o) => o.kind === "HorizontalPodAutoscaler")) {
    const target = hpa.spec.scaleTargetRef;
    if (!exists(target.kind, target.name, hpa.metadata.namespace))
      problems.push(`${objectId(hpa)}: scale target ${target.kind} ${target.name} not found`);
  }
  // A Secret read through env and mounted as a volume is reported once.
  return [...new Set(problems)];
}

const wave = (o: K8sObject) => Number(o.metadata.annotations?.["argocd.argoproj.io/sync-wave"] ?? "0");

const runs = (c: Json, command: string) =>
  JSON.stringify(c.args) === JSON.stringify(["dist/main.js", command]);

/** Names of the ConfigMaps and Secrets a container reads through envFrom and env. */
const referencedBy = (c: Json): string[] => [
  ...(c.envFrom ?? []).map((f: Json) => f.configMapRef?.name ?? f.secretRef?.name),
  ...(c.env ?? []).map((e: Json) => e.valueFrom?.secretKeyRef?.name ?? e.valueFrom?.configMapKeyRef?.name),
];

/** Policies that decide what a pod may reach, and so must exist before it starts. */
const governs = (o: K8sObject, podLabels: Labels) =>
  (o.kind === "NetworkPolicy" || o.kind === "SecurityGroupPolicy") && selects(o.spec.podSelector, podLabels);

/**
 * Migrations run in the cluster, before the rollout: every service that reaches the database runs with
 * DATABASE_MIGRATE_ON_START=false and has a migration Job that Argo CD runs as a hook, after the
 * configuration it reads exists and before any Deployment. The Job's `provision` init container
 * creates the roles and the broker user before its `migrate` container runs.
 */
export function migrations(objects: K8sObject[]): string[] {
  const problems: string[] = [];
  const configMapValue = (name: string, key: string, namespace: string | undefined) =>
    objects.find(
      (o) => o.kind === "ConfigMap" && o.metadata.name === name && o.metadata.namespace === namespace,
    )?.data?.[key];
  const usesDatabase = (c: Json) =>
    (c.envFrom ?? []).some((f: Json) => /-database$/.test(f.secretRef?.name ?? "")) ||
    (c.env ?? []).some((e: Json) => e.name === "DATABASE_URL");
  const deployments = workloads(objects, ["Deployment"]);
  const jobs = workloads(objects, ["Job"]);
  for (const w of deployments) {
    for (const c of w.containers.filter(usesDatabase)) {
      const values = (c.envFrom ?? [])
        .filter((f: Json) => f.configMapRef)
        .map((f: Json) => configMapValue(f.configMapRef.name, "DATABASE_MIGRATE_ON_START", w.namespace));
      if (!values.includes("false")) problems.push(`${where(w, c)}: DATABASE_MIGRATE_ON_START is not false`);
      const name = w.podLabels["app.kubernetes.io/name"];
      const job = jobs.find(
        (j) =>
          j.podLabels["app.kubernetes.io/name"] === name &&
          j.podLabels["app.kubernetes.io/component"] === "migration",
      );
      if (!job) {
        problems.push(`${where(w)}: no migration Job`);
        continue;
      }
      const migrate: Json = job.podSpec.containers[0];
      if (migrate.image !== c.image) problems.push(`${where(job, migrate)}: image differs from ${where(w)}`);
      if (!runs(migrate, "migrate"))
        problems.push(`${where(job, migrate)}: does not run dist/main.js migrate`);
      const provision = (job.podSpec.initContainers ?? []).find((i: Json) => runs(i, "provision"));
      if (!provision) problems.push(`${where(job)}: no init container runs dist/main.js provision`);
      else if (provision.image !== c.image)
        problems.push(`${where(job, provision)}: image differs from ${where(w)}`);
      const hook = job.object.metadata.annotations?.["argocd.argoproj.io/hook"];
      if (hook !== "Sync" && hook !== "PreSync") problems.push(`${where(job)}: not an Argo CD hook`);
      if (!(wave(job.object) < wave(w.object)))
        problems.push(`${where(job)}: does not run before ${where(w)}`);
      const needed = [
        ...job.containers.flatMap(referencedBy),
        ...(job.podSpec.volumes ?? []).map((v: Json) => v.secret?.secretName ?? v.configMap?.name),
        job.podSpec.serviceAccountName,
      ];
      for (const o of objects) {
        const name = o.kind === "ExternalSecret" ? (o.spec.target?.name ?? o.metadata.name) : o.metadata.name;
        const provides =
          governs(o, job.podLabels) ||
          (["ConfigMap", "Secret", "ServiceAccount", "ExternalSecret"].includes(o.kind) &&
            needed.includes(name));
        // A PreSync hook runs before every object of the Sync phase, whatever its wave.
        const before =
          hook === "PreSync"
            ? o.metadata.annotations?.["argocd.argoproj.io/hook"] === "PreSync" && wave(o) < wave(job.object)
            : wave(o) < wave(job.object);
        if (provides && !before)
          problems.push(`${where(job)}: needs ${objectId(o)}, which is not synced before it`);
      }
    }
  }
  return problems;
}

// --- credentials ------------------------------------------------------------------------------

/** The data stores' administrators, as Kubernetes Secrets: for the provision step only. */
export const ADMIN_SECRETS = ["parley-database-admin", "parley-rabbitmq-admin"];
/** The services that own a schema and a broker user. */
export const DATA_OWNERS = ["auth", "messaging", "notification"];
/**
 * The monitoring exporters: each reads a data store with its own role (its Secret), which the
 * `provision` init container of its own Deployment creates as the administrator.
 */
export const MONITORS: Record<string, string> = { "postgres-exporter": "postgres-exporter-database" };
/** A Secret that grants access to a data store: a service's own, or an administrator's. */
const isDataSecret = (name: string) =>
  ADMIN_SECRETS.includes(name) || /-(database|database-migrator|rabbitmq)$/.test(name);
/** A Secrets Manager key that names administrator credentials (the RDS master secret, say). */
const ADMIN_KEY = /(^|[^a-z])(admin|master)([^a-z]|$)|(^|:)rds!/i;

const isParley = (w: Workload) => w.podLabels["app.kubernetes.io/part-of"] === "parley";

/** What a container does: a service's server, its migrate or provision step, or anything else. */
function roleOf(w: Workload, c: Json): "server" | "migrate" | "provision" | "other" {
  const init = (w.podSpec.initContainers ?? []).includes(c);
  if (w.object.kind === "Job" && w.podLabels["app.kubernetes.io/component"] === "migration") {
    if (init && runs(c, "provision")) return "provision";
    if (!init && runs(c, "migrate")) return "migrate";
  }
  const monitor = MONITORS[w.podLabels["app.kubernetes.io/name"] ?? ""] !== undefined;
  if (monitor && w.object.kind === "Deployment" && init && c.name === "provision") return "provision";
  return w.object.kind === "Deployment" && !init ? "server" : "other";
}

/** The Secrets a container reads: env, envFrom and the Secret volumes it mounts. */
export function secretsOf(w: Workload, c: Json): string[] {
  const mounted = (c.volumeMounts ?? []).flatMap((m: Json) => {
    const volume = (w.podSpec.volumes ?? []).find((v: Json) => v.name === m.name);
    return [
      volume?.secret?.secretName,
      ...(volume?.projected?.sources ?? []).map((s: Json) => s.secret?.name),
    ].filter(Boolean);
  });
  return [
    ...new Set([
      ...(c.envFrom ?? []).flatMap((f: Json) => (f.secretRef ? [f.secretRef.name] : [])),
      ...(c.env ?? []).flatMap((e: Json) =>
        e.valueFrom?.secretKeyRef ? [e.valueFrom.secretKeyRef.name] : [],
      ),
      ...mounted,
    ]),
  ] as string[];
}

/** The remote keys an ExternalSecret reads. */
const remoteKeys = (o: K8sObject): string[] =>
  [
    ...(o.spec.dataFrom ?? []).map((f: Json) => f.extract?.key ?? f.find?.name?.regexp),
    ...(o.spec.data ?? []).map((d: Json) => d.remoteRef?.key),
  ].filter((key): key is string => typeof key === "string");

/**
 * The administrators' credentials stay with the provision step: only the ExternalSecrets of the
 * admin Secrets read them (the RDS master secret, the broker's administrator), and of Parley's
 * containers only the provision init containers of the migration Jobs use the admin Secrets. The
 * in-cluster data stores themselves, which those credentials belong to, are not Parley's workloads.
 */
export function adminCredentials(objects: K8sObject[]): string[] {
  const problems: string[] = [];
  const externalSecrets = objects.filter((o) => o.kind === "ExternalSecret");
  const target = (o: K8sObject) => o.spec.target?.name ?? o.metadata.name;
  const adminKeys = new Set(
    externalSecrets.filter((o) => ADMIN_SECRETS.includes(target(o))).flatMap(remoteKeys),
  );
  for (const o of externalSecrets.filter((e) => !ADMIN_SECRETS.includes(target(e)))) {
    for (const key of remoteKeys(o).filter((k) => adminKeys.has(k) || ADMIN_KEY.test(k)))
      problems.push(`${objectId(o)}: reads administrator credentials ${key} into Secret ${target(o)}`);
  }
  for (const w of workloads(objects).filter(isParley)) {
    for (const c of w.containers) {
      if (roleOf(w, c) === "provision") continue;
      for (const secret of secretsOf(w, c).filter((s) => ADMIN_SECRETS.includes(s)))
        problems.push(
          `${where(w, c)}: uses administrator Secret ${secret}, which only provision init containers may`,
        );
    }
  }
  return problems;
}

/**
 * Each container reaches the data stores with its own credentials only: a service's server its
 * runtime role and broker user (`<service>-database`, `<service>-rabbitmq`, both required), its
 * migrate step the migration role (`<service>-database-migrator`), its provision step those three
 * and the administrators; every other container (the gateway's) none at all.
 */
export function dataSecretScopes(objects: K8sObject[]): string[] {
  const problems: string[] = [];
  for (const w of workloads(objects).filter(isParley)) {
    const service = w.podLabels["app.kubernetes.io/name"] ?? "";
    const owner = DATA_OWNERS.includes(service);
    const monitor = MONITORS[service];
    for (const c of w.containers) {
      const role = roleOf(w, c);
      const own = [`${service}-database`, `${service}-rabbitmq`];
      const allowed = monitor
        ? role === "provision"
          ? [monitor, "parley-database-admin"]
          : role === "server"
            ? [monitor]
            : []
        : !owner
          ? []
          : role === "server"
            ? own
            : role === "migrate"
              ? [`${service}-database-migrator`]
              : role === "provision"
                ? [...own, `${service}-database-migrator`, ...ADMIN_SECRETS]
                : [];
      const used = secretsOf(w, c).filter(isDataSecret);
      for (const secret of used.filter((s) => !allowed.includes(s)))
        problems.push(
          `${where(w, c)}: uses Secret ${secret}, not one of its own (${allowed.join(", ") || "none"})`,
        );
      const required = role === "server" || role === "migrate" ? allowed : monitor ? [monitor] : [];
      const mounted = (c.volumeMounts ?? []).map(
        (m: Json) => (w.podSpec.volumes ?? []).find((v: Json) => v.name === m.name)?.secret?.secretName,
      );
      for (const secret of required.filter((s) => !mounted.includes(s)))
        problems.push(`${where(w, c)}: does not mount its own Secret ${secret}`);
    }
  }
  return problems;
}

/** Each URL or user a container gets, and the variable that must name the file of its password. */
export const PASSWORD_FILES: Record<string, string> = {
  DATABASE_URL: "DATABASE_PASSWORD_FILE",
  DATABASE_MIGRATOR_URL: "DATABASE_MIGRATOR_PASSWORD_FILE",
  DATABASE_ADMIN_URL: "DATABASE_ADMIN_PASSWORD_FILE",
  AMQP_URL: "AMQP_PASSWORD_FILE",
  RABBITMQ_ADMIN_USER: "RABBITMQ_ADMIN_PASSWORD_FILE",
  // postgres_exporter's own variables.
  DATA_SOURCE_USER: "DATA_SOURCE_PASS_FILE",
};

const PASSWORD_KEY = /pass(word)?|secret/i;
/** A URL with a password in it, or an External Secrets template that would put one there. */
const CARRIES_PASSWORD = /^[a-z][a-z0-9+.-]*:\/\/[^/@\s]*:[^/@\s]+@|\{\{[^}]*\.password\b/i;

/**
 * Passwords reach the containers as files of mounted Secrets, never as environment variables (which
 * stay what they were at start-up, show in `kubectl describe` and leak into crash dumps and child
 * processes): no envFrom of a Secret (it would bring the password key too), no password key or
 * password-bearing URL in env, and every URL or user has its *_PASSWORD_FILE pointing at the
 * `password` file of a Secret the container mounts. `secretData` gives the Secrets' keys and values
 * as far as the render knows them (External Secrets templates, the local generator's output).
 */
export function passwordsAsFiles(
  objects: K8sObject[],
  secretData: Record<string, Record<string, string>>,
): string[] {
  const problems: string[] = [];
  for (const w of workloads(objects)) {
    for (const c of w.containers) {
      const env: Json[] = c.env ?? [];
      for (const from of c.envFrom ?? []) {
        if (from.secretRef)
          problems.push(
            `${where(w, c)}: envFrom Secret ${from.secretRef.name} puts every key of it, passwords too, in the environment`,
          );
      }
      for (const e of env) {
        const ref = e.valueFrom?.secretKeyRef;
        const value: string | undefined = ref ? secretData[ref.name]?.[ref.key] : e.value;
        if (/PASSWORD$/.test(e.name) || (ref && PASSWORD_KEY.test(ref.key)))
          problems.push(
            `${where(w, c)}: ${e.name} takes a password into the environment${ref ? ` (${ref.name}/${ref.key})` : ""}`,
          );
        else if (value !== undefined && CARRIES_PASSWORD.test(value))
          problems.push(`${where(w, c)}: ${e.name} carries a password in its URL`);
      }
      for (const [variable, fileVariable] of Object.entries(PASSWORD_FILES)) {
        if (!env.some((e) => e.name === variable)) continue;
        const file: string | undefined = env.find((e) => e.name === fileVariable)?.value;
        const mounted = (c.volumeMounts ?? []).some((m: Json) => {
          const secret = (w.podSpec.volumes ?? []).find((v: Json) => v.name === m.name)?.secret;
          return (
            secret !== undefined &&
            !m.subPath &&
            file === `${m.mountPath}/password` &&
            secretData[secret.secretName]?.password !== undefined
          );
        });
        if (file === undefined) problems.push(`${where(w, c)}: ${variable} without ${fileVariable}`);
        else if (!mounted)
          problems.push(
            `${where(w, c)}: ${fileVariable}=${file} is not the password file of a Secret it mounts`,
          );
      }
    }
  }
  return problems;
}

/** The keys and values of the Secrets the render's ExternalSecrets template (unknown values as ""). */
export function externalSecretData(objects: K8sObject[]): Record<string, Record<string, string>> {
  return Object.fromEntries(
    objects
      .filter((o) => o.kind === "ExternalSecret" && o.spec.target?.template?.data)
      .map((o) => [o.spec.target.name ?? o.metadata.name, { ...o.spec.target.template.data }]),
  );
}

/** Argo CD syncs a Namespace of the render before every object in it. */
export function namespacesFirst(objects: K8sObject[]): string[] {
  return objects.flatMap((o) => {
    const namespace = objects.find((n) => n.kind === "Namespace" && n.metadata.name === o.metadata.namespace);
    return namespace !== undefined && !(wave(namespace) < wave(o))
      ? [`${objectId(o)}: synced no later than its namespace`]
      : [];
  });
}
