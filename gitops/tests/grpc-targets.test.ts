import { grpcTargets } from "./test-support/grpc";
import { ENVIRONMENTS, find, overlayDir, render } from "./test-support/render";

const configMap = (objects: ReturnType<typeof render>, prefix: string) =>
  objects.find((o) => o.kind === "ConfigMap" && o.metadata.name.startsWith(prefix))!;

describe.each(ENVIRONMENTS)("the %s overlay's gRPC targets", (environment) => {
  it("are dns:/// names of headless Services in front of the service each variable names", () => {
    const objects = render(overlayDir(environment));
    const targets = objects
      .filter((o) => o.kind === "ConfigMap")
      .flatMap((o) => Object.keys(o.data ?? {}).filter((key) => key.endsWith("_GRPC_URL")));
    expect(targets.sort()).toEqual([
      "AUTH_GRPC_URL",
      "AUTH_GRPC_URL",
      "AUTH_GRPC_URL",
      "MESSAGING_GRPC_URL",
      "MESSAGING_GRPC_URL",
      "NOTIFICATION_GRPC_URL",
    ]);
    expect(grpcTargets(objects)).toEqual([]);
  });

  it("sets the broker namespace of every service that talks to RabbitMQ", () => {
    const objects = render(overlayDir(environment));
    for (const service of ["auth", "messaging", "notification"])
      expect(configMap(objects, `${service}-config`).data.AMQP_NAMESPACE).toBe("parley");
  });
});

describe("the gRPC target check", () => {
  it("catches a virtual-IP Service, a host:port target, a missing Service and the wrong backend", () => {
    const objects = render(overlayDir("staging"));
    configMap(objects, "gateway-config").data.AUTH_GRPC_URL = "dns:///auth.parley.svc.cluster.local:50051";
    configMap(objects, "gateway-config").data.MESSAGING_GRPC_URL = "messaging:50051";
    configMap(objects, "notification-config").data.AUTH_GRPC_URL =
      "dns:///auth-headless.default.svc.cluster.local:50051";
    find(objects, "Service", "notification-headless").spec.selector["app.kubernetes.io/name"] = "messaging";
    const problems = grpcTargets(objects).map((p) =>
      p.replace(/ConfigMap\/parley\/([a-z]+)-config-\w+/, "$1"),
    );
    expect(problems).toEqual([
      "gateway AUTH_GRPC_URL: Service auth is not headless, so one connection sticks to one pod",
      "gateway MESSAGING_GRPC_URL: messaging:50051 is not dns:///<service>.<namespace>.svc.cluster.local:<port>",
      "gateway NOTIFICATION_GRPC_URL: Service notification-headless selects [messaging], not notification",
      "notification AUTH_GRPC_URL: no Service default/auth-headless",
    ]);
  });
});
