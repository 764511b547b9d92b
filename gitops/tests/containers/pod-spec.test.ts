import { configurationTable, portVariables } from "@parley/test-support";
import { find, render } from "../test-support/render";
import {
  type PodContext,
  containerPlan,
  containerPorts,
  cpus,
  initContainerNames,
  memoryBytes,
  workloadId,
} from "./pod-spec";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { buildSecrets } = require("../../components/in-cluster-data/local-secrets.js") as {
  buildSecrets: () => { name: string; data: Record<string, string> }[];
};

/** The local overlay with every Parley workload on host ports 20000 and up, in render order. */
function localContext(): PodContext {
  const objects = render("gitops/overlays/local");
  const hostPorts = new Map<string, Map<number, number>>();
  let next = 20000;
  for (const workload of objects.filter(
    (o) =>
      ["Deployment", "Job"].includes(o.kind) && o.metadata.labels?.["app.kubernetes.io/part-of"] === "parley",
  )) {
    hostPorts.set(workloadId(workload), new Map(containerPorts(workload).map((port) => [port, next++])));
  }
  // As the stand-in cluster gives them: the machine's servers, no in-cluster Service names.
  const secrets: Record<string, Record<string, string>> = Object.fromEntries(
    buildSecrets().map((s) => [s.name, s.data]),
  );
  const pointedHere = (data: Record<string, string>) =>
    Object.fromEntries(
      Object.entries(data).map(([k, v]) => [
        k,
        v
          .replace("@postgresql:5432", "@127.0.0.1:5432")
          .replace("@rabbitmq:5672", "@127.0.0.1:5672")
          .replace("//rabbitmq:15672", "//127.0.0.1:15672"),
      ]),
    );
  for (const name of Object.keys(secrets)) secrets[name] = pointedHere(secrets[name]!);
  return {
    objects,
    namespace: "parley",
    images: {
      "parley-gateway": "gateway:test",
      "parley-auth": "auth:test",
      "parley-messaging": "messaging:test",
    },
    secrets,
    hostPorts,
    external: { "otel-collector.monitoring.svc.cluster.local:4318": "127.0.0.1:4318" },
    portVariables: portVariables(configurationTable()),
  };
}

const hostPort = (context: PodContext, workload: string, port: number) =>
  context.hostPorts.get(workload)!.get(port)!;

describe("a container of the rendered manifests, planned for docker on the host network", () => {
  it("moves each container port to its own host port through the documented port variable", () => {
    const context = localContext();
    const plan = containerPlan(find(context.objects, "Deployment", "gateway"), context);
    expect(plan.env.HTTP_PORT).toBe(String(hostPort(context, "Deployment/gateway", 8080)));
    expect(plan.env.ADMIN_PORT).toBe(String(hostPort(context, "Deployment/gateway", 9464)));
    expect(plan.ports.get("http")).toBe(hostPort(context, "Deployment/gateway", 8080));
  });

  it("points a Service's cluster address at the host port of the pods behind it, and the collector at its stand-in", () => {
    const context = localContext();
    const plan = containerPlan(find(context.objects, "Deployment", "gateway"), context);
    expect(plan.env.AUTH_GRPC_URL).toBe(`dns:///127.0.0.1:${hostPort(context, "Deployment/auth", 50051)}`);
    expect(plan.env.NOTIFICATION_GRPC_URL).toBe(
      `dns:///127.0.0.1:${hostPort(context, "Deployment/notification", 50051)}`,
    );
    expect(plan.env.OTEL_EXPORTER_OTLP_ENDPOINT).toBe("http://127.0.0.1:4318");
  });

  it("builds the environment as the kubelet does: ConfigMaps, then env with $(VAR) and the downward API", () => {
    const context = localContext();
    const plan = containerPlan(find(context.objects, "Deployment", "gateway"), context);
    expect(plan.env).toMatchObject({
      LOG_LEVEL: "debug",
      OTEL_SERVICE_NAME: "gateway",
      K8S_NAMESPACE: "parley",
      OTEL_RESOURCE_ATTRIBUTES:
        "deployment.environment.name=local,k8s.namespace.name=parley,k8s.pod.name=gateway-container-test",
    });
  });

  it("carries the pod's user, groups, read-only root, capabilities, limits, volumes, probes and grace period", () => {
    const context = localContext();
    const plan = containerPlan(find(context.objects, "Deployment", "auth"), context);
    expect(plan).toMatchObject({
      image: "auth:test",
      args: [],
      user: "65532:65532",
      groupAdd: [65532],
      readOnlyRootFilesystem: true,
      capDrop: ["ALL"],
      securityOpts: ["no-new-privileges"],
      memoryBytes: 512 * 2 ** 20,
      cpus: 1,
      tmpfs: [{ path: "/tmp", sizeBytes: 64 * 2 ** 20 }],
      terminationGracePeriodSeconds: 30,
      preStopSleepSeconds: 5,
    });
    expect(plan.mounts).toEqual([
      expect.objectContaining({ path: "/var/run/secrets/parley/signing-keys", mode: 0o440, group: 65532 }),
      expect.objectContaining({
        path: "/var/run/secrets/parley/database",
        files: context.secrets["auth-database"],
        mode: 0o440,
        group: 65532,
      }),
      expect.objectContaining({ path: "/var/run/secrets/parley/rabbitmq", mode: 0o440, group: 65532 }),
    ]);
    expect(plan.env).toMatchObject({
      DATABASE_URL: "postgres://parley_auth@127.0.0.1:5432/parley",
      DATABASE_PASSWORD_FILE: "/var/run/secrets/parley/database/password",
      AUTH_SIGNING_KEYS_DIR: "/var/run/secrets/parley/signing-keys",
    });
    expect(plan.probes.startup).toMatchObject({
      kind: "grpc",
      port: hostPort(context, "Deployment/auth", 50051),
    });
    expect(plan.probes.readiness).toMatchObject({
      kind: "http",
      path: "/readyz",
      port: hostPort(context, "Deployment/auth", 9464),
    });
  });

  it("runs a migration Job with its own arguments and deadline", () => {
    const context = localContext();
    const plan = containerPlan(find(context.objects, "Job", "auth-migrate"), context);
    expect(plan).toMatchObject({
      init: false,
      args: ["dist/main.js", "migrate"],
      activeDeadlineSeconds: 600,
    });
    expect(plan.env.OTEL_SERVICE_NAME).toBe("auth-migrate");
    expect(plan.mounts.map((m) => m.path)).toEqual(["/var/run/secrets/parley/database-migrator"]);
  });

  it("plans a Job's init container by name, with its own environment and mounts", () => {
    const context = localContext();
    const job = find(context.objects, "Job", "messaging-migrate");
    expect(initContainerNames(job)).toEqual(["provision"]);
    const plan = containerPlan(job, context, "provision");
    expect(plan).toMatchObject({ init: true, container: "provision", args: ["dist/main.js", "provision"] });
    expect(plan.env).toMatchObject({
      OTEL_SERVICE_NAME: "messaging-provision",
      DATABASE_ADMIN_URL: "postgres://parley@127.0.0.1:5432/parley",
      DATABASE_MIGRATOR_URL: "postgres://parley_messaging_migrator@127.0.0.1:5432/parley",
      RABBITMQ_MANAGEMENT_URL: "http://127.0.0.1:15672",
      AMQP_NAMESPACE: "parley",
    });
    expect(plan.mounts.map((m) => m.path).sort()).toEqual(
      ["database", "database-admin", "database-migrator", "rabbitmq", "rabbitmq-admin"].map(
        (d) => `/var/run/secrets/parley/${d}`,
      ),
    );
    expect(plan.probes).toEqual({ startup: undefined, readiness: undefined, liveness: undefined });
    expect(() => containerPlan(job, context, "seed")).toThrow("Job/messaging-migrate: no container seed");
  });

  it("refuses an address whose pods do not run here, a port no variable sets and a missing ConfigMap", () => {
    const context = localContext();
    context.secrets["auth-database"] = buildSecrets().find((s) => s.name === "auth-database")!.data;
    const auth = find(context.objects, "Deployment", "auth");
    auth.spec.template.spec.containers[0].ports[1].containerPort = 9999;
    context.hostPorts.get("Deployment/auth")!.set(9999, 29999);
    auth.spec.template.spec.containers[0].envFrom.push({ configMapRef: { name: "nowhere" } });
    expect(() => containerPlan(auth, context)).toThrow(
      [
        "Deployment/auth: envFrom ConfigMap nowhere does not exist",
        "Deployment/auth: containerPort 9999 (admin) is set by none of ADMIN_PORT, GRPC_PORT",
        "Deployment/auth: DATABASE_URL names postgresql:5432, whose pods do not run here",
      ].join("\n"),
    );
  });
});

describe("Kubernetes quantities", () => {
  it("read memory in binary and decimal units and CPU in cores and millicores", () => {
    expect([memoryBytes("64Mi"), memoryBytes("1G"), memoryBytes("1000")]).toEqual([64 * 2 ** 20, 1e9, 1000]);
    expect([cpus("1"), cpus("500m"), cpus(2)]).toEqual([1, 0.5, 2]);
    expect(() => memoryBytes("1 GB")).toThrow("1 GB is not a memory quantity");
  });
});
