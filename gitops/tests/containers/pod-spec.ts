// A container of the rendered manifests, turned into what `docker run` needs to run it as its pod
// would: the same image, command, arguments, environment, user, groups, capabilities, read-only root,
// limits, volumes and probes. Two things differ on purpose, because every container here shares the
// host's network (no bridge, no private network): each container port gets a host port of its own,
// set through the service's documented `*_PORT` variable, and a Service's cluster DNS name in a
// variable becomes 127.0.0.1 and the host port of the container behind it. Anything the translation
// cannot honour is an error naming the workload and the field, never a silent default.
import type { K8sObject } from "../test-support/render";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

export interface Probe {
  kind: "http" | "grpc" | "exec" | "tcp";
  /** Host port (http, grpc, tcp). */
  port?: number;
  path?: string;
  grpcService?: string;
  command?: string[];
  periodSeconds: number;
  failureThreshold: number;
  timeoutSeconds: number;
  initialDelaySeconds: number;
}

export interface MountedFiles {
  path: string;
  files: Record<string, string>;
  mode: number;
  /** The group the files belong to (the pod's fsGroup), as the kubelet sets it. */
  group?: number;
}

export interface ContainerPlan {
  /** `Deployment/auth`, `Job/auth-migrate`. */
  workload: string;
  container: string;
  /** An init container: it must run to completion before the next container starts. */
  init: boolean;
  image: string;
  /** `command[0]`, which replaces the image's entrypoint. */
  entrypoint?: string;
  args: string[];
  workingDir?: string;
  env: Record<string, string>;
  /** Host port of each container port, by number and by name. */
  ports: Map<string | number, number>;
  user?: string;
  groupAdd: number[];
  readOnlyRootFilesystem: boolean;
  capDrop: string[];
  capAdd: string[];
  securityOpts: string[];
  memoryBytes?: number;
  cpus?: number;
  tmpfs: { path: string; sizeBytes?: number }[];
  mounts: MountedFiles[];
  probes: { startup?: Probe; readiness?: Probe; liveness?: Probe };
  terminationGracePeriodSeconds: number;
  preStopSleepSeconds: number;
  /** Jobs only. */
  activeDeadlineSeconds?: number;
}

export interface PodContext {
  /** Every object of the render (ConfigMaps, Services and the workloads behind them). */
  objects: K8sObject[];
  namespace: string;
  /** Image in the manifest → image to run here. */
  images: Record<string, string>;
  /** Secret name → its data, for the Secrets the manifests reference but git does not hold. */
  secrets: Record<string, Record<string, string>>;
  /** Workload (`Deployment/auth`) → container port number → host port, for every workload that runs. */
  hostPorts: Map<string, Map<number, number>>;
  /** `host:port` outside the render (a collector, say) → the `127.0.0.1:port` standing in for it. */
  external: Record<string, string>;
  /** Each service's documented port variables and their defaults (`auth` → `GRPC_PORT` → 50051). */
  portVariables: Record<string, Record<string, number>>;
}

export const workloadId = (o: K8sObject) => `${o.kind}/${o.metadata.name}`;

class PlanProblems {
  readonly list: string[] = [];
  constructor(private readonly where: string) {}
  add(message: string) {
    this.list.push(`${this.where}: ${message}`);
  }
  throwIfAny() {
    if (this.list.length > 0) throw new Error(this.list.join("\n"));
  }
}

/** Bytes of a Kubernetes memory quantity (`512Mi`, `1G`, `1000`). */
export function memoryBytes(quantity: string): number {
  const match = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(quantity);
  if (!match) throw new Error(`${quantity} is not a memory quantity`);
  const unit = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, k: 1e3, M: 1e6, G: 1e9, T: 1e12 };
  return Math.round(Number(match[1]) * (match[2] ? unit[match[2] as keyof typeof unit] : 1));
}

/** CPUs of a Kubernetes CPU quantity (`1`, `500m`). */
export function cpus(quantity: string | number): number {
  const match = /^(\d+(?:\.\d+)?)(m)?$/.exec(String(quantity));
  if (!match) throw new Error(`${quantity} is not a CPU quantity`);
  return Number(match[1]) / (match[2] ? 1000 : 1);
}

const podTemplate = (workload: K8sObject) =>
  workload.spec.template ?? workload.spec.jobTemplate?.spec.template;

/** The host ports a workload's containers need: one per declared container port. */
export const containerPorts = (workload: K8sObject): number[] =>
  podTemplate(workload).spec.containers.flatMap((c: Json) =>
    (c.ports ?? []).map((p: Json) => p.containerPort),
  );

/** Every `host:port` a Service of the render answers to, mapped to the host port behind it. */
function serviceAddresses(context: PodContext): Map<string, string> {
  const addresses = new Map<string, string>(Object.entries(context.external));
  for (const service of context.objects.filter((o) => o.kind === "Service")) {
    const namespace = service.metadata.namespace ?? context.namespace;
    const selector: Record<string, string> = service.spec.selector ?? {};
    const backend = context.objects.find(
      (o) =>
        context.hostPorts.has(workloadId(o)) &&
        Object.entries(selector).every(([k, v]) => podTemplate(o)?.metadata?.labels?.[k] === v),
    );
    for (const port of service.spec.ports ?? []) {
      let target: string | undefined;
      if (backend) {
        const containers = podTemplate(backend).spec.containers;
        const declared = containers
          .flatMap((c: Json) => c.ports ?? [])
          .find(
            (p: Json) => p.name === port.targetPort || p.containerPort === (port.targetPort ?? port.port),
          );
        const hostPort = declared && context.hostPorts.get(workloadId(backend))!.get(declared.containerPort);
        if (hostPort) target = `127.0.0.1:${hostPort}`;
      }
      const name = service.metadata.name;
      for (const host of [
        name,
        `${name}.${namespace}`,
        `${name}.${namespace}.svc`,
        `${name}.${namespace}.svc.cluster.local`,
      ]) {
        // A Service whose pods do not run here stays unresolved, and is reported if a variable uses it.
        addresses.set(`${host}:${port.port}`, target ?? "");
      }
    }
  }
  return addresses;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

function rewriteAddresses(
  env: Record<string, string>,
  addresses: Map<string, string>,
  problems: PlanProblems,
): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, original] of Object.entries(env)) {
    let value = original;
    for (const [address, target] of addresses) {
      const pattern = new RegExp(`(?<![\\w.-])${escapeRegExp(address)}(?!\\d)`, "g");
      if (!pattern.test(value)) continue;
      if (target === "") problems.add(`${name} names ${address}, whose pods do not run here`);
      else value = value.replace(pattern, target);
    }
    if (/\.svc\.cluster\.local\b/.test(value))
      problems.add(
        `${name} names ${/[\w.-]*\.svc\.cluster\.local(:\d+)?/.exec(value)![0]}, which is not a Service of the render`,
      );
    result[name] = value;
  }
  return result;
}

function fieldValue(path: string, podName: string, namespace: string, problems: PlanProblems): string {
  switch (path) {
    case "metadata.name":
      return podName;
    case "metadata.namespace":
      return namespace;
    case "status.podIP":
    case "status.hostIP":
      return "127.0.0.1";
    default:
      problems.add(`fieldRef ${path} is not supported here`);
      return "";
  }
}

/** The container's environment as the kubelet builds it: envFrom in order, then env, with $(VAR). */
function environment(container: Json, podName: string, context: PodContext, problems: PlanProblems) {
  const env: Record<string, string> = {};
  const configMap = (name: string) =>
    context.objects.find((o) => o.kind === "ConfigMap" && o.metadata.name === name)?.data as
      Record<string, string> | undefined;
  for (const from of container.envFrom ?? []) {
    const source = from.configMapRef ?? from.secretRef;
    const data = from.configMapRef ? configMap(source.name) : context.secrets[source.name];
    if (!data) {
      if (!source.optional)
        problems.add(`envFrom ${from.configMapRef ? "ConfigMap" : "Secret"} ${source.name} does not exist`);
      continue;
    }
    for (const [key, value] of Object.entries(data)) env[`${from.prefix ?? ""}${key}`] = String(value);
  }
  for (const entry of container.env ?? []) {
    if ("value" in entry) {
      // $(VAR) expands to a variable defined before it; $$(VAR) is an escaped literal.
      env[entry.name] = String(entry.value ?? "").replace(/\$\$|\$\(([A-Za-z_][\w]*)\)/g, (whole, ref) =>
        whole === "$$" ? "$" : (env[ref] ?? whole),
      );
    } else if (entry.valueFrom?.fieldRef) {
      env[entry.name] = fieldValue(entry.valueFrom.fieldRef.fieldPath, podName, context.namespace, problems);
    } else if (entry.valueFrom?.secretKeyRef || entry.valueFrom?.configMapKeyRef) {
      const ref = entry.valueFrom.secretKeyRef ?? entry.valueFrom.configMapKeyRef;
      const data = entry.valueFrom.secretKeyRef ? context.secrets[ref.name] : configMap(ref.name);
      const value = data?.[ref.key];
      if (value === undefined && !ref.optional)
        problems.add(`${entry.name} reads ${ref.name}/${ref.key}, which does not exist`);
      else if (value !== undefined) env[entry.name] = String(value);
    } else {
      problems.add(`${entry.name}: this kind of valueFrom is not supported here`);
    }
  }
  return env;
}

/** Moves each container port to its host port through the documented variable that sets it. */
function movePorts(
  container: Json,
  env: Record<string, string>,
  hostPorts: Map<number, number>,
  portVariables: Record<string, number>,
  problems: PlanProblems,
) {
  const ports = new Map<string | number, number>();
  for (const port of container.ports ?? []) {
    const hostPort = hostPorts.get(port.containerPort)!;
    const setBy = Object.entries(portVariables)
      .filter(([name, fallback]) => Number(env[name] ?? fallback) === port.containerPort)
      .map(([name]) => name);
    if (setBy.length !== 1) {
      problems.add(
        `containerPort ${port.containerPort} (${port.name}) is set by ${setBy.length === 0 ? "none" : setBy.join(" and ")} of ${Object.keys(portVariables).join(", ") || "no documented port variable"}`,
      );
      continue;
    }
    env[setBy[0]!] = String(hostPort);
    ports.set(port.containerPort, hostPort);
    if (port.name) ports.set(port.name, hostPort);
  }
  return ports;
}

function probe(
  spec: Json,
  ports: Map<string | number, number>,
  problems: PlanProblems,
  which: string,
): Probe | undefined {
  if (!spec) return undefined;
  const timing = {
    periodSeconds: spec.periodSeconds ?? 10,
    failureThreshold: spec.failureThreshold ?? 3,
    timeoutSeconds: spec.timeoutSeconds ?? 1,
    initialDelaySeconds: spec.initialDelaySeconds ?? 0,
  };
  const hostPort = (port: string | number) => {
    const found = ports.get(port);
    if (found === undefined)
      problems.add(`${which} probe uses port ${port}, which the container does not declare`);
    return found;
  };
  if (spec.httpGet) {
    if ((spec.httpGet.scheme ?? "HTTP") !== "HTTP")
      problems.add(`${which} probe: only HTTP httpGet is supported here`);
    return { kind: "http", port: hostPort(spec.httpGet.port), path: spec.httpGet.path ?? "/", ...timing };
  }
  if (spec.grpc)
    return { kind: "grpc", port: hostPort(spec.grpc.port), grpcService: spec.grpc.service ?? "", ...timing };
  if (spec.tcpSocket) return { kind: "tcp", port: hostPort(spec.tcpSocket.port), ...timing };
  if (spec.exec) return { kind: "exec", command: spec.exec.command, ...timing };
  problems.add(`${which} probe has no handler`);
  return undefined;
}

function volumes(container: Json, pod: Json, context: PodContext, problems: PlanProblems) {
  const tmpfs: ContainerPlan["tmpfs"] = [];
  const mounts: MountedFiles[] = [];
  for (const mount of container.volumeMounts ?? []) {
    const volume = (pod.volumes ?? []).find((v: Json) => v.name === mount.name);
    if (!volume) {
      problems.add(`volumeMount ${mount.name} has no volume`);
      continue;
    }
    if (mount.subPath) problems.add(`volumeMount ${mount.name}: subPath is not supported here`);
    if (volume.emptyDir) {
      const size = volume.emptyDir.sizeLimit;
      tmpfs.push({ path: mount.mountPath, sizeBytes: size ? memoryBytes(size) : undefined });
    } else if (volume.secret || volume.configMap) {
      const name = volume.secret?.secretName ?? volume.configMap.name;
      const data = volume.secret
        ? context.secrets[name]
        : context.objects.find((o) => o.kind === "ConfigMap" && o.metadata.name === name)?.data;
      if (!data) {
        problems.add(
          `volume ${mount.name}: ${volume.secret ? "Secret" : "ConfigMap"} ${name} does not exist`,
        );
        continue;
      }
      const source = volume.secret ?? volume.configMap;
      if (source.items) problems.add(`volume ${mount.name}: items are not supported here`);
      mounts.push({
        path: mount.mountPath,
        files: data,
        mode: source.defaultMode ?? 0o644,
        group: pod.securityContext?.fsGroup,
      });
    } else {
      problems.add(`volume ${mount.name}: only emptyDir, secret and configMap volumes are supported here`);
    }
  }
  return { tmpfs, mounts };
}

function security(container: Json, pod: Json, problems: PlanProblems) {
  const podContext = pod.securityContext ?? {};
  const own = container.securityContext ?? {};
  const uid = own.runAsUser ?? podContext.runAsUser;
  const gid = own.runAsGroup ?? podContext.runAsGroup;
  if ((own.runAsNonRoot ?? podContext.runAsNonRoot) && uid === 0)
    problems.add("runAsNonRoot with runAsUser 0");
  const seccomp = (own.seccompProfile ?? podContext.seccompProfile)?.type ?? "RuntimeDefault";
  if (!["RuntimeDefault", "Unconfined"].includes(seccomp))
    problems.add(`seccompProfile ${seccomp} is not supported here`);
  return {
    user: uid === undefined ? undefined : `${uid}${gid === undefined ? "" : `:${gid}`}`,
    // The kubelet adds fsGroup and supplementalGroups to the container's groups.
    groupAdd: [
      ...(podContext.fsGroup === undefined ? [] : [podContext.fsGroup]),
      ...(podContext.supplementalGroups ?? []),
    ],
    readOnlyRootFilesystem: own.readOnlyRootFilesystem === true,
    capDrop: own.capabilities?.drop ?? [],
    capAdd: own.capabilities?.add ?? [],
    securityOpts: [
      ...(own.allowPrivilegeEscalation === false ? ["no-new-privileges"] : []),
      ...(seccomp === "Unconfined" ? ["seccomp=unconfined"] : []),
    ],
  };
}

/** The names of a workload's init containers, in the order the kubelet runs them. */
export const initContainerNames = (workload: K8sObject): string[] =>
  (podTemplate(workload).spec.initContainers ?? []).map((c: Json) => c.name as string);

/**
 * The plan for one container of a Deployment or Job of the render: the named one (an init container
 * too), or the pod's container. Init containers run one after the other to completion first; the
 * caller does that with their plans, in `initContainerNames` order.
 */
export function containerPlan(workload: K8sObject, context: PodContext, name?: string): ContainerPlan {
  const id = workloadId(workload);
  const problems = new PlanProblems(name ? `${id} container ${name}` : id);
  const pod = podTemplate(workload).spec;
  const initContainers: Json[] = pod.initContainers ?? [];
  const init = name !== undefined && initContainers.some((c) => c.name === name);
  const container =
    name === undefined
      ? pod.containers[0]
      : [...initContainers, ...pod.containers].find((c) => c.name === name);
  if (!container) throw new Error(`${id}: no container ${name}`);
  if (pod.containers.length > 1)
    problems.add("only pods with one container (and init containers) are supported here");
  if (init && (container.restartPolicy === "Always" || container.lifecycle || container.startupProbe))
    problems.add("sidecar init containers are not supported here");
  const hostPorts = context.hostPorts.get(id);
  if (!hostPorts) throw new Error(`${id}: no host ports were given for it`);

  const podName = `${workload.metadata.name}-container-test`;
  let env = environment(container, podName, context, problems);
  const service =
    podTemplate(workload).metadata?.labels?.["app.kubernetes.io/name"] ?? workload.metadata.name;
  const ports = movePorts(container, env, hostPorts, context.portVariables[service] ?? {}, problems);
  env = rewriteAddresses(env, serviceAddresses(context), problems);

  const image = context.images[container.image];
  if (!image) problems.add(`image ${container.image} has no local build`);
  const preStop = container.lifecycle?.preStop;
  if (preStop && !preStop.sleep) problems.add("only preStop sleep is supported here");
  const limits = container.resources?.limits ?? {};
  const plan: ContainerPlan = {
    workload: id,
    container: container.name,
    init,
    image: image ?? "",
    entrypoint: container.command?.[0],
    args: [...(container.command?.slice(1) ?? []), ...(container.args ?? [])],
    workingDir: container.workingDir,
    env,
    ports,
    ...security(container, pod, problems),
    memoryBytes: limits.memory ? memoryBytes(limits.memory) : undefined,
    cpus: limits.cpu ? cpus(limits.cpu) : undefined,
    ...volumes(container, pod, context, problems),
    probes: {
      startup: probe(container.startupProbe, ports, problems, "startup"),
      readiness: probe(container.readinessProbe, ports, problems, "readiness"),
      liveness: probe(container.livenessProbe, ports, problems, "liveness"),
    },
    terminationGracePeriodSeconds: pod.terminationGracePeriodSeconds ?? 30,
    preStopSleepSeconds: preStop?.sleep?.seconds ?? 0,
    activeDeadlineSeconds: workload.kind === "Job" ? workload.spec.activeDeadlineSeconds : undefined,
  };
  problems.throwIfAny();
  return plan;
}
