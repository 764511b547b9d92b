import { configurationTable, portVariables } from "@parley/test-support";
import { find, render } from "../test-support/render";
import { type PodContext, containerPlan, containerPorts, cpus, memoryBytes, workloadId } from "./pod-spec";

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
  const secrets = Object.fromEntries(buildSecrets().map((s) => [s.name, s.data]));
  secrets["parley-database"] = { DATABASE_URL: "postgres://postgres@127.0.0.1:5432/x" };
  secrets["parley-rabbitmq"] = { AMQP_URL: "amqp://guest:guest@127.0.0.1:5672/x" };
  return {
    objects,
    namespace: "parley",
    images: { "parley-gateway": "gateway:test", "parley-auth": "auth:test" },
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
    ]);
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
    expect(plan).toMatchObject({ args: ["dist/main.js", "migrate"], activeDeadlineSeconds: 600 });
    expect(plan.env.OTEL_SERVICE_NAME).toBe("auth-migrate");
  });

  it("refuses an address whose pods do not run here, a port no variable sets and a missing ConfigMap", () => {
    const context = localContext();
    context.secrets["parley-database"] = buildSecrets().find((s) => s.name === "parley-database")!.data;
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
